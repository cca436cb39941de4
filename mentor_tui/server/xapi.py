"""The minimal Learning Record Store surface of ``mentor-tui serve`` (xAPI 1.0.3).

- ``POST /xapi/statements``: one statement or a list; the ids, in order (new ones made here).
- ``PUT /xapi/statements?statementId=``: one statement under that id; 204. The same statement
  again changes nothing; a different one under a known id is a 409 (for POST too).
- ``GET /xapi/statements?statementId=``: a stored statement, as received, with ``stored``.
- ``GET /xapi/about``: the versions served (no credentials).
- ``GET /xapi/activities/unknown``: admins (a user's bearer token): activities statements named
  that map to no module, so that they can be mapped; ``POST /xapi/activities/reapply`` applies
  again every statement whose student or module was unknown (statements are kept as received
  for this).

Every request but ``about`` needs ``X-Experience-API-Version: 1.0.x`` (answers carry it too)
and the credentials of an integration account (``server-user add EMAIL --role integration``):
HTTP Basic (email and password) or ``Bearer`` with a token from ``/auth/login``. Such an
account can do nothing else, and no user's credentials post statements.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy import Engine

from mentor_tui.core.learning.xapi import (
    VERSION,
    VERSION_HEADER,
    ActivityMap,
    check_statements,
    version_ok,
)
from mentor_tui.db.models import User
from mentor_tui.server import auth
from mentor_tui.server.xapi_store import (
    Incoming,
    StatementConflict,
    reapply_unmatched,
    store_statements,
    stored_statement,
    unknown_activities,
)

MAX_BATCH = 5000
REALM = 'Basic realm="mentor-tui xAPI"'


class XapiError(BaseModel):
    """Every error: one sentence."""

    detail: str


_STRING = {"schema": {"type": "string"}}
_ANSWERS: dict[int, str] = {
    400: "No or a wrong X-Experience-API-Version header, a body that is not JSON, or a "
    "statement that is not valid.",
    401: "No credentials, or wrong ones.",
    403: "Credentials of an account that is not an integration account (or, for the list of "
    "unknown activities, not an admin).",
    404: "No statement with that id.",
    409: "A statement with that id is stored already, and differs.",
    422: "Parameters not as the schema says.",
    429: "Too many failed logins from this address or for this account.",
    503: "The server's database is unavailable; try again shortly.",
}


def _responses(*statuses: int, ok: int = 200, body: dict[str, Any] | None = None) -> Any:
    out: dict[int | str, dict[str, Any]] = {
        status: {"model": XapiError, "description": _ANSWERS[status]} for status in statuses
    }
    if ok == 204:
        out[204] = {"description": "Stored (or stored already, the same)."}
    else:
        out[ok] = {
            "description": "OK",
            "content": {"application/json": {"schema": body or {"type": "object"}}},
        }
    for status in (ok, *statuses):
        out[status]["headers"] = {VERSION_HEADER: {"description": "1.0.3", **_STRING}}
    return out


def _fail(status: int, message: str, headers: dict[str, str] | None = None) -> HTTPException:
    return HTTPException(status, message, headers={VERSION_HEADER: VERSION, **(headers or {})})


def _answer(content: Any, status: int = 200) -> Response:
    if content is None:
        return Response(status_code=status, headers={VERSION_HEADER: VERSION})
    return JSONResponse(content, status, headers={VERSION_HEADER: VERSION})


def _version(request: Request) -> None:
    if not version_ok(request.headers.get(VERSION_HEADER)):
        raise _fail(400, f"Send the {VERSION_HEADER} header with a 1.0.x version, like {VERSION}.")


def _basic(value: str) -> tuple[str, str]:
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise _fail(
            401, "The Basic credentials cannot be read.", {"WWW-Authenticate": REALM}
        ) from None
    email, sep, password = decoded.partition(":")
    if not sep:
        raise _fail(401, "The Basic credentials cannot be read.", {"WWW-Authenticate": REALM})
    return email, password


def xapi_router(engine: Engine, activities: ActivityMap) -> APIRouter:
    router = APIRouter(prefix="/xapi", tags=["xAPI"])

    async def integration(
        request: Request,
        version: Annotated[str | None, Header(alias=VERSION_HEADER)] = None,
    ) -> User:
        """The integration account behind the request's credentials; 401 or 403 otherwise."""
        if not version_ok(version):
            _version(request)
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            email, password = _basic(value)
            address = request.client.host if request.client else "unknown"
            try:
                done = await run_in_threadpool(
                    auth.login, engine, email, password, address, issue_token=False
                )
            except auth.LoginRefused as refused:
                if refused.retry_after is not None:
                    raise _fail(
                        429, refused.message, {"Retry-After": str(refused.retry_after)}
                    ) from None
                raise _fail(401, refused.message, {"WWW-Authenticate": REALM}) from None
            account: User | None = done.user
        elif scheme.lower() == "bearer" and value.strip():
            with engine.connect() as conn, conn.begin():
                account = auth.integration_for_token(conn, value.strip())
                if account is None and auth.actor_for_token(conn, value.strip()) is not None:
                    account = User(id="", email="", full_name="", role="user")
            if account is None:
                raise _fail(401, "The token has expired or was revoked; log in again.")
        else:
            raise _fail(
                401, "Send the integration account's credentials.", {"WWW-Authenticate": REALM}
            )
        if account.role != "integration":
            raise _fail(403, "Only an integration account may post xAPI statements.")
        return account

    # a default, not an annotation: annotations are strings here, and ``integration`` is local
    integration_account = Depends(integration)

    async def _body(request: Request) -> Any:
        try:
            return json.loads(await request.body())
        except ValueError:
            raise _fail(400, "The body is not JSON.") from None

    def _incoming(raws: list[Any], given_id: str | None = None) -> list[Incoming]:
        try:
            statements = check_statements(raws)
        except ValueError as exc:
            raise _fail(400, str(exc)) from None
        batch: list[Incoming] = []
        for raw, statement in zip(raws, statements, strict=True):
            found = str(statement.id) if statement.id is not None else None
            if given_id is not None and found is not None and found != given_id:
                raise _fail(400, "The statement's id differs from statementId.")
            batch.append(Incoming(found or given_id or str(uuid.uuid4()), raw, statement))
        return batch

    async def _store(account: User, batch: list[Incoming]) -> None:
        counts = Counter(item.id for item in batch)
        seen: dict[str, str] = {}
        for item in batch:
            if counts[item.id] == 1:
                continue  # only an id given twice is compared (the comparison is a dump)
            if item.id in seen and seen[item.id] != item.canonical:
                raise _fail(400, f"The batch has two different statements with the id {item.id}.")
            seen[item.id] = item.canonical
        try:
            await run_in_threadpool(store_statements, engine, account.id, batch, activities)
        except StatementConflict as conflict:
            raise _fail(
                409,
                f"The statement {conflict.statement_id} is stored already, and differs; "
                "nothing of this batch was stored.",
            ) from None

    auth_errors = (400, 401, 403, 422, 429, 503)

    @router.get("/about", response_model=None, responses=_responses(503))
    def about() -> Response:
        return _answer({"version": [VERSION], "extensions": {}})

    @router.post(
        "/statements",
        response_model=None,
        responses=_responses(
            *auth_errors, 409, body={"type": "array", "items": {"type": "string"}}
        ),
    )
    async def post_statements(request: Request, account: User = integration_account) -> Response:
        raw = await _body(request)
        items = raw if isinstance(raw, list) else [raw]
        if not items or len(items) > MAX_BATCH:
            raise _fail(400, f"Send between 1 and {MAX_BATCH:,} statements at once.")
        batch = _incoming(items)
        await _store(account, batch)
        return _answer([item.id for item in batch])

    @router.put(
        "/statements",
        response_model=None,
        status_code=204,
        responses=_responses(*auth_errors, 409, ok=204),
    )
    async def put_statement(
        request: Request,
        statementId: Annotated[str, Query(max_length=64)],  # the xAPI name
        account: User = integration_account,
    ) -> Response:
        try:
            wanted = str(uuid.UUID(statementId))
        except ValueError:
            raise _fail(400, "statementId is not a UUID.") from None
        raw = await _body(request)
        if not isinstance(raw, dict):
            raise _fail(400, "PUT takes one statement, a JSON object.")
        await _store(account, _incoming([raw], wanted))
        return _answer(None, 204)

    @router.get("/statements", response_model=None, responses=_responses(*auth_errors, 404))
    def get_statement(
        account: User = integration_account,
        statementId: Annotated[str | None, Query(max_length=64)] = None,
    ) -> Response:
        if statementId is None:
            raise _fail(400, "Give statementId; this server answers for one statement at a time.")
        try:
            wanted = str(uuid.UUID(statementId))
        except ValueError:
            raise _fail(400, "statementId is not a UUID.") from None
        found = stored_statement(engine, wanted)
        if found is None:
            raise _fail(404, f"No statement {wanted} is stored here.")
        return _answer(found)

    def _admin(request: Request) -> None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        with engine.connect() as conn, conn.begin():
            actor = (
                auth.actor_for_token(conn, token.strip()) if scheme.lower() == "bearer" else None
            )
        if actor is None:
            raise _fail(401, "Log in first.", {"WWW-Authenticate": "Bearer"})
        if not actor.is_admin:
            raise _fail(403, "Only an admin may do this.")

    @router.get(
        "/activities/unknown",
        response_model=None,
        responses=_responses(401, 403, 503, body={"type": "array", "items": {"type": "object"}}),
    )
    def unknown(request: Request) -> Response:
        _admin(request)
        return _answer(unknown_activities(engine))

    @router.post("/activities/reapply", response_model=None, responses=_responses(401, 403, 503))
    def reapply(request: Request) -> Response:
        """Apply again the statements whose student or module was unknown when they came."""
        _admin(request)
        return _answer(reapply_unmatched(engine, activities))

    return router
