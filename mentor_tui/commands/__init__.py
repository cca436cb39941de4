"""One module per CLI verb; each has ``register(subparsers, common)``."""

COMMAND_MODULES = ["demo", "users", "students"]
