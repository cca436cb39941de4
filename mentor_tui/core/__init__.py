"""The domain core: rules, queries and writes. Never imports textual (a test checks it)."""
