"""One module per CLI verb; each has ``register(subparsers, common)``.

``VERBS`` names the module that registers each verb, so that ``cli.py`` imports only the module
of the verb given (opening the app imports none; ``--help`` without a verb imports them all).
A verb missing here still works (every module is then imported); tests/test_cli_lazy.py checks
the table against the modules.
"""

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
    "web",
    "server_user",
    "login",
    "sync",
    "notes",
    "lms",
    "import_",
    "availability",
    "settings",
    "messages",
    "notifications",
    "report",
    "student",
    "peers",
]

# verb: the module that registers it, in the order the modules register them
VERBS: dict[str, str] = {
    "demo": "demo",
    "users": "users",
    "students": "students",
    "queue": "queue",
    "review": "queue",
    "sessions": "sessions",
    "export": "export",
    "mentors": "mentors",
    "assign": "assign",
    "unassign": "assign",
    "match": "assign",
    "serve": "serve",
    "web": "web",
    "server-user": "server_user",
    "login": "login",
    "logout": "login",
    "sync": "sync",
    "notes": "notes",
    "lms": "lms",
    "import": "import_",
    "availability": "availability",
    "settings": "settings",
    "messages": "messages",
    "inbox": "messages",
    "notifications": "notifications",
    "report": "report",
    "mentor": "student",
    "progress": "student",
    "feedback": "student",
    "peers": "peers",
    "groups": "peers",
}
