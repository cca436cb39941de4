"""One module per CLI verb; each has ``register(subparsers, common)``."""

COMMAND_MODULES = [
    "demo",
    "users",
    "students",
    "queue",
    "sessions",
    "export",
    "mentors",
    "assign",
    "serve",
    "server_user",
    "login",
    "sync",
    "notes",
]
