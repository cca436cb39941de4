"""`python -m mentor_tui.web.enrol`: log one person's new store in to the sync server.

Run by the web front in a subprocess whose platform dirs (XDG_*) point into that person's
private session folder, so the login token lands in that folder's credentials.json, exactly
where their app process will look for it. Reads one JSON object on stdin (server, email,
password, address, db) and writes one JSON object on stdout: the account and its token, or
why not (``refused``: wrong / limited / unavailable / other, with a sentence).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

WRONG = "wrong"
LIMITED = "limited"
UNAVAILABLE = "unavailable"
OTHER = "other"


def enrol(request: dict[str, Any]) -> dict[str, Any]:
    import httpx

    from mentor_tui.db.engine import make_engine
    from mentor_tui.errors import UserError
    from mentor_tui.sync import ServerUnavailable, login
    from mentor_tui.sync.credentials import load_token
    from mentor_tui.sync.store import local_transaction, read_state

    statuses: dict[str, int] = {}

    def seen(response: httpx.Response) -> None:
        if response.request.url.path.endswith("/auth/login"):
            statuses["login"] = response.status_code
            statuses["retry_after"] = int(response.headers.get("Retry-After", "0") or 0)

    # the browser's address, so the server's per-address login limit counts the person, not
    # this host (uvicorn trusts X-Forwarded-For from --forwarded-allow-ips, 127.0.0.1 by default)
    client = httpx.Client(
        timeout=30.0,
        headers={"X-Forwarded-For": str(request["address"])},
        event_hooks={"response": [seen]},
    )
    engine = make_engine(Path(request["db"]))
    try:
        report = login(
            engine, request["server"], request["email"], request["password"], client=client,
            bulk=True,
        )  # fmt: skip
        with local_transaction(engine) as conn:
            client_id = read_state(conn).client_id
        credential = load_token(client_id)
    except ServerUnavailable as exc:
        return {"refused": UNAVAILABLE, "sentence": str(exc)}
    except UserError as exc:
        status = statuses.get("login")
        if status == 401:
            return {"refused": WRONG, "sentence": "Wrong email or password."}
        if status == 429:
            return {"refused": LIMITED, "retry_after": statuses.get("retry_after", 0)}
        return {"refused": OTHER, "sentence": str(exc)}
    finally:
        client.close()
        engine.dispose()
    if credential is None:  # login saved it a moment ago
        return {"refused": OTHER, "sentence": "The login token was not saved."}
    return {
        "email": report.email,
        "role": report.role,
        "server_url": report.server_url,
        "token": credential.token,
        "sync_error": report.sync_error,
    }


def main() -> int:
    request = json.loads(sys.stdin.read())
    json.dump(enrol(request), sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
