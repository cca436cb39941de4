"""The demo builder: a producer of data (like an import), not domain logic. `build` fills an empty store; the other modules are its word lists and row makers."""
