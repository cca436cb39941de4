"""The sync server's accounts, login, tokens and rate limiting; every endpoint refuses an
anonymous request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from mentor_tui.core import clock
from mentor_tui.db.models import User
from mentor_tui.errors import UserError
from mentor_tui.server import auth
from mentor_tui.server.accounts import add_server_user
from mentor_tui.server.schema import credentials, tokens
from tests import sync_helpers
from tests.sync_helpers import PASSWORD, Harness

h = sync_helpers.harness  # a fixture


def _login(h: Harness, email: str, password: str = PASSWORD, address: str | None = None):
    return h.client.post("/auth/login", json={"email": email, "password": password})


def test_health_and_openapi_describe_the_api(h: Harness) -> None:
    health = h.client.get("/health")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    paths = h.client.get("/openapi.json").json()["paths"]
    for path in (
        "/auth/login",
        "/auth/logout",
        "/sync/push",
        "/sync/pull",
        "/sync/snapshot",
        "/sync/me",
    ):
        assert path in paths


def test_passwords_are_stored_as_salted_scrypt_hashes(h: Harness) -> None:
    h.account("ada@example.org", "admin", "Ada")
    h.account("bob@example.org", "mentor", "Bob")
    with h.engine.connect() as conn:
        stored = [r[0] for r in conn.execute(select(credentials.c.password_hash))]
    assert len(stored) == 2
    assert all(s.startswith("scrypt$") and PASSWORD not in s for s in stored)
    assert stored[0].split("$")[4] != stored[1].split("$")[4], "each hash has its own salt"
    assert auth.verify_password(PASSWORD, stored[0])
    assert not auth.verify_password(PASSWORD + "x", stored[0])


def test_server_user_add_sets_the_password_of_an_existing_user_of_the_same_role(h: Harness) -> None:
    first = add_server_user(
        h.engine, "Mia@Example.org", role="mentor", name="Mia", password="first-pass"
    )
    again = add_server_user(
        h.engine, "mia@example.org", role="mentor", name=None, password="second-pass"
    )
    assert first.created and not again.created and first.user_id == again.user_id
    assert _login(h, "mia@example.org", "first-pass").status_code == 401
    assert _login(h, "mia@example.org", "second-pass").status_code == 200
    with pytest.raises(UserError, match="is a mentor on this server, not a admin"):
        add_server_user(h.engine, "mia@example.org", role="admin", name=None, password="third-pass")
    with pytest.raises(UserError, match="at least 8 characters"):
        add_server_user(h.engine, "new@example.org", role="mentor", name="New", password="short")
    with pytest.raises(UserError, match="needs --name"):
        add_server_user(
            h.engine, "new@example.org", role="mentor", name=None, password="long enough"
        )
    with pytest.raises(UserError, match="not an email"):
        add_server_user(h.engine, "not-an-email", role="mentor", name="X", password="long enough")


def test_login_returns_an_expiring_token_for_the_account(h: Harness) -> None:
    h.account("ada@example.org", "admin", "Ada")
    answer = _login(h, "ADA@example.org ")
    assert answer.status_code == 200
    body = answer.json()
    assert body["account"]["email"] == "ada@example.org" and body["account"]["role"] == "admin"
    expires = clock.aware(__import__("datetime").datetime.fromisoformat(body["expires_at"]))
    assert timedelta(days=29) < expires - clock.now() <= auth.TOKEN_LIFETIME
    me = h.client.get("/sync/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.json()["account"]["email"] == "ada@example.org"
    with h.engine.connect() as conn:
        stored = conn.execute(select(tokens.c.token_hash)).scalars().all()
    assert stored == [auth.token_hash(body["token"])], "only the token's hash is stored"


def test_wrong_password_and_unknown_email_get_the_same_sentence(h: Harness) -> None:
    h.account("ada@example.org", "admin", "Ada")
    wrong = _login(h, "ada@example.org", "not the password")
    unknown = _login(h, "nobody@example.org")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "Wrong email or password."}


def test_failed_logins_are_rate_limited_per_account_even_with_the_right_password(
    h: Harness,
) -> None:
    h.account("ada@example.org", "admin", "Ada")
    for _ in range(auth.ACCOUNT_FAILURE_LIMIT):
        assert _login(h, "ada@example.org", "guess").status_code == 401
    limited = _login(h, "ada@example.org")
    assert limited.status_code == 429
    wait = int(limited.headers["Retry-After"])
    assert 1 <= wait <= auth.FAILURE_WINDOW.total_seconds() + 1
    h.account("bob@example.org", "mentor", "Bob")
    assert _login(h, "bob@example.org").status_code == 200, "another account is not locked"


def test_failed_logins_are_rate_limited_per_address(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(auth, "ADDRESS_FAILURE_LIMIT", 6)
    h.account("ada@example.org", "admin", "Ada")
    for n in range(6):  # a different account each time: only the address limit can trip
        assert _login(h, f"guess{n}@example.org", "guess").status_code == 401
    assert _login(h, "ada@example.org").status_code == 429


def test_the_rate_limit_lives_in_the_database_and_expires(h: Harness) -> None:
    h.account("ada@example.org", "admin", "Ada")
    for _ in range(auth.ACCOUNT_FAILURE_LIMIT):
        _login(h, "ada@example.org", "guess")
    other_process = Harness(h.root, h.url)  # a second server on the same database
    try:
        assert (
            other_process.client.post(
                "/auth/login", json={"email": "ada@example.org", "password": PASSWORD}
            ).status_code
            == 429
        )
        with h.engine.begin() as conn:
            conn.execute(
                update(auth.login_failures).values(
                    at=clock.now() - auth.FAILURE_WINDOW - timedelta(seconds=1)
                )
            )
        assert _login(h, "ada@example.org").status_code == 200
    finally:
        other_process.client.close()


def test_logout_revokes_the_token(h: Harness) -> None:
    h.account("ada@example.org", "admin", "Ada")
    headers = h.token("ada@example.org")
    assert h.client.post("/auth/logout", headers=headers).json() == {"revoked": True}
    again = h.client.get("/sync/me", headers=headers)
    assert again.status_code == 401 and "log in again" in again.json()["detail"]


def test_expired_tokens_and_inactive_accounts_are_refused(h: Harness) -> None:
    h.account("ada@example.org", "admin", "Ada")
    headers = h.token("ada@example.org")
    with h.engine.begin() as conn:
        conn.execute(update(tokens).values(expires_at=clock.now() - timedelta(seconds=1)))
    assert h.client.get("/sync/me", headers=headers).status_code == 401
    headers = h.token("ada@example.org")
    with h.engine.begin() as conn:
        conn.execute(update(User.__table__).values(status="Inactive"))
    assert h.client.get("/sync/me", headers=headers).status_code == 401
    assert _login(h, "ada@example.org").status_code == 401


def test_an_inactive_account_with_the_right_password_gets_the_wrong_passwords_answer(
    h: Harness,
) -> None:
    h.account("ada@example.org", "admin", "Ada")
    h.account("bob@example.org", "mentor", "Bob")
    with h.engine.begin() as conn:
        conn.execute(
            update(User.__table__).where(User.email == "ada@example.org").values(status="Inactive")
        )
    right = _login(h, "ada@example.org")  # the password is right: that must not show
    wrong = _login(h, "bob@example.org", "not the password")
    assert right.status_code == wrong.status_code == 401
    assert right.json() == wrong.json() == {"detail": "Wrong email or password."}
    same = {k: v for k, v in right.headers.items() if k != "date"}
    assert same == {k: v for k, v in wrong.headers.items() if k != "date"}


def _protected_routes(h: Harness) -> list[tuple[str, str]]:
    open_paths = {
        "/health",
        "/auth/login",
        "/openapi.json",
        "/docs",
        "/docs/oauth2-redirect",
        "/redoc",
    }
    found = []
    for route in h.app.routes:
        path = getattr(route, "path", "")
        for method in getattr(route, "methods", set()) - {"HEAD", "OPTIONS"}:
            if path not in open_paths:
                found.append((method, path))
    return sorted(found)


def test_every_endpoint_refuses_a_request_without_a_valid_token(h: Harness) -> None:
    routes = _protected_routes(h)
    assert len(routes) == 6, routes
    for headers in (
        {},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Basic YWRhOng="},
    ):
        for method, path in routes:
            answer = h.client.request(method, path, headers=headers, json={})
            assert answer.status_code == 401, (method, path, headers)
            assert answer.headers["WWW-Authenticate"] == "Bearer"
