"""The sync server's HTTP API (FastAPI). Stateless: everything lives in the database, so any
number of these processes can serve one PostgreSQL database behind a load balancer.

Every request but ``/health``, ``/openapi.json`` and login carries ``Authorization: Bearer
<token>``; the account behind the token is read from the database on each request and every
row it reads or writes is filtered by ``sync/scopes.py``, whatever the client sends.
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError

from mentor_tui import __version__
from mentor_tui.core.access import Actor, user_scope
from mentor_tui.core.learning.xapi import ActivityMap
from mentor_tui.db.models import User
from mentor_tui.server import auth, pull, push
from mentor_tui.server.schema import ensure_schema
from mentor_tui.server.xapi import xapi_router
from mentor_tui.sync.protocol import (
    LONG_POLL_MAX_SECONDS,
    PROTOCOL_VERSION,
    PULL_PAGE,
    PUSH_BATCH,
    SNAPSHOT_NEXT_HEADER,
    SNAPSHOT_PAGE,
    SQLITE_PAGE_TYPE,
    table_specs,
)

POLL_INTERVAL = 0.1


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class LoginRequest(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class Account(BaseModel):
    id: str
    email: str
    full_name: str
    role: str


class LoginResponse(BaseModel):
    token: str
    expires_at: str
    account: Account
    server_id: str


class Me(BaseModel):
    account: Account
    server_id: str
    position: int
    protocol: int


class Change(BaseModel):
    change_id: str = Field(min_length=1, max_length=64)
    entity: str = Field(max_length=64)
    entity_id: str = Field(min_length=1, max_length=36)
    op: str = Field(pattern="^(insert|update|delete)$")
    base_version: int = Field(ge=0)
    fields: dict[str, Any]
    overrides: list[str] = Field(
        default_factory=list,
        max_length=4,
        description='rules the change overrides on purpose, allowed for admins: ["capacity"]',
    )


class PushRequest(BaseModel):
    client_id: str = Field(min_length=1, max_length=64)
    changes: list[Change] = Field(max_length=PUSH_BATCH)


class Outcome(BaseModel):
    change_id: str
    entity: str
    entity_id: str
    status: str = Field(description="applied | merged | conflict | rejected")
    message: str
    conflict: dict[str, Any] | None
    duplicate: bool
    row: dict[str, Any] | None = Field(description="the row as it now is, if you may read it")


class PushResponse(BaseModel):
    results: list[Outcome]


class TableRows(BaseModel):
    table: str
    columns: list[str]
    rows: list[list[Any]]


class Revoked(BaseModel):
    entity: str
    id: str


class PullResponse(BaseModel):
    server_id: str
    position: int = Field(description="pull again after this position")
    more: bool
    tables: list[TableRows]
    revoked: list[Revoked]


class SnapshotCursor(BaseModel):
    table: str
    after: str


class SnapshotResponse(BaseModel):
    server_id: str
    position: int | None = Field(description="on the first page: the log position to pull after")
    tables: list[TableRows]
    next: SnapshotCursor | None


class MatchRequest(BaseModel):
    emails: list[str] = Field(max_length=10000)


class MatchResponse(BaseModel):
    users: dict[str, str] = Field(description="email -> the server's id for that user")


class ErrorBody(BaseModel):
    """Every error but a request that fails validation: one sentence."""

    detail: str


class FieldError(BaseModel):
    loc: list[str | int] = Field(description="where: body, query or header, then the field")
    msg: str
    type: str


class ValidationErrorBody(BaseModel):
    """422: the request's parameters or body are not what the schema asks for."""

    detail: list[FieldError]


_STRING = {"schema": {"type": "string"}}
_RETRY = {"Retry-After": {"description": "seconds to wait before trying again", **_STRING}}
_ERRORS: dict[int, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body could not be read as JSON."},
    401: {
        "model": ErrorBody,
        "description": "No token, or one that expired or was revoked, or whose account was "
        "deleted or made inactive: log in again.",
        "headers": {"WWW-Authenticate": _STRING},
    },
    422: {"model": ValidationErrorBody, "description": "Invalid parameters or body."},
    429: {
        "model": ErrorBody,
        "description": "Too many failed logins from this address or for this account.",
        "headers": _RETRY,
    },
    503: {
        "model": ErrorBody,
        "description": "The server's database is unavailable; try again shortly.",
        "headers": _RETRY,
    },
}


def _errors(*statuses: int, **overrides: str) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: the error statuses it can answer (see docs/sync.md);
    ``overrides`` maps ``s401`` and so on to a route's own description of that status."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        out[status] = dict(_ERRORS[status])
        if f"s{status}" in overrides:
            out[status]["description"] = overrides[f"s{status}"]
            out[status].pop("headers", None)
    return out


def _json(payload: dict[str, Any]) -> Response:
    """Large answers (pages of rows) are encoded straight to JSON: the values are already in
    their wire form (on SQLite, rows come as JSON text from the database), and validating
    each of them again would cost more than reading them."""
    return Response(content=pull.page_json(payload), media_type="application/json")


def _account(actor: Actor) -> Account:
    return Account(id=actor.id, email=actor.email, full_name=actor.full_name, role=actor.role)


_bearer = HTTPBearer(auto_error=False)
Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def current_actor(request: Request, credentials: Bearer) -> Actor:
    """The account behind the request's token, read from the database; 401 otherwise."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, "Log in first.", {"WWW-Authenticate": "Bearer"})
    engine: Engine = request.app.state.engine
    with engine.connect() as conn, conn.begin():
        actor = auth.actor_for_token(conn, credentials.credentials)
        integration = None if actor else auth.integration_for_token(conn, credentials.credentials)
    if integration is not None:
        raise ApiError(403, "An integration account may only post xAPI statements.")
    if actor is None:
        raise ApiError(
            401,
            "Your login has expired or was revoked; log in again.",
            {"WWW-Authenticate": "Bearer"},
        )
    return actor


Authed = Annotated[Actor, Depends(current_actor)]


_SNAPSHOT_PAGE: dict[str, Any] = {
    "description": "A page of rows, as JSON or (``format=sqlite``) as an SQLite database.",
    "content": {SQLITE_PAGE_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    "headers": {SNAPSHOT_NEXT_HEADER: {"description": "the next cursor, as JSON", **_STRING}},
}


@asynccontextmanager
async def _settled(_app: FastAPI) -> AsyncIterator[None]:
    """Once the server has started, what it holds for its lifetime (modules, the app, the
    mapped classes, SQLAlchemy's caches) is set out of the garbage collector's sight
    (``gc.freeze``): a full collection then walks only what requests make. Before, a batch of
    500 xAPI statements met about one full collection, 85 ms of walking the whole heap."""
    gc.collect()
    gc.freeze()
    yield


def create_app(engine: Engine, *, activities: ActivityMap | None = None) -> FastAPI:
    """The server's app; ``activities`` maps xAPI activity ids to modules (server/xapi.py)."""
    server_id = ensure_schema(engine)
    app = FastAPI(
        title="mentor-tui sync server",
        version=__version__,
        description="Offline-first sync for mentor-tui: login, an ordered change log to pull, "
        "an idempotent push. See docs/sync.md.",
        lifespan=_settled,
    )
    app.state.engine = engine
    app.include_router(xapi_router(engine, activities or ActivityMap()))

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"detail": exc.message}, exc.status, headers=exc.headers)

    @app.exception_handler(OperationalError)
    async def database_down(_request: Request, _exc: OperationalError) -> JSONResponse:
        return JSONResponse(
            {"detail": "The server's database is unavailable; try again shortly."},
            503,
            headers={"Retry-After": "2"},
        )

    @app.get("/health", responses=_errors(503))
    def health() -> dict[str, Any]:
        return {
            "status": "ok",
            "server_id": server_id,
            "position": pull.position(engine),
            "protocol": PROTOCOL_VERSION,
        }

    @app.post(
        "/auth/login",
        response_model=LoginResponse,
        responses=_errors(400, 401, 422, 429, 503, s401="Wrong email or password."),
    )
    def login(body: LoginRequest, request: Request) -> LoginResponse:
        address = request.client.host if request.client else "unknown"
        try:
            done = auth.login(engine, body.email, body.password, address)
        except auth.LoginRefused as refused:
            if refused.retry_after is not None:
                raise ApiError(
                    429, refused.message, {"Retry-After": str(refused.retry_after)}
                ) from None
            raise ApiError(401, refused.message) from None
        return LoginResponse(
            token=done.token,
            expires_at=done.expires_at.isoformat(),
            account=_account(Actor.of(done.user)),
            server_id=server_id,
        )

    @app.post("/auth/logout", responses=_errors(401, 503))
    def logout(actor: Authed, credentials: Bearer) -> dict[str, bool]:
        assert credentials is not None
        return {"revoked": auth.revoke(engine, credentials.credentials)}

    @app.get("/sync/me", response_model=Me, responses=_errors(401, 503))
    def me(actor: Authed) -> Me:
        return Me(
            account=_account(actor),
            server_id=server_id,
            position=pull.position(engine),
            protocol=PROTOCOL_VERSION,
        )

    @app.post(
        "/sync/users/match", response_model=MatchResponse, responses=_errors(400, 401, 422, 503)
    )
    def match_users(body: MatchRequest, actor: Authed) -> MatchResponse:
        emails = sorted({e.strip().lower() for e in body.emails if e.strip()})
        found: dict[str, str] = {}
        with engine.connect() as conn, conn.begin():
            for start in range(0, len(emails), 500):
                rows = conn.execute(
                    select(User.email, User.id).where(
                        User.email.in_(emails[start : start + 500]), user_scope(actor)
                    )
                )
                found.update({r.email: r.id for r in rows})
        return MatchResponse(users=found)

    @app.post("/sync/push", response_model=PushResponse, responses=_errors(400, 401, 422, 503))
    def push_changes(body: PushRequest, actor: Authed) -> Response:
        outcomes = push.push(engine, actor, body.client_id, [c.model_dump() for c in body.changes])
        return _json({"results": [o.as_json() for o in outcomes]})

    @app.get(
        "/sync/snapshot",
        response_model=SnapshotResponse,
        responses={200: _SNAPSHOT_PAGE, **_errors(401, 422, 503)},
    )
    def snapshot(
        actor: Authed,
        table: str | None = None,
        after: str | None = None,
        limit: Annotated[int, Query(ge=1, le=SNAPSHOT_PAGE * 5)] = SNAPSHOT_PAGE,
        format: Literal["json", "sqlite"] = "json",
    ) -> Response:
        """With ``format=sqlite`` the page comes as an SQLite database (docs/sync.md)."""
        if table is not None and table not in table_specs():
            # FastAPI's own shape for a bad parameter, as the schema says of every 422
            raise RequestValidationError(
                [
                    {
                        "type": "table",
                        "loc": ("query", "table"),
                        "msg": f"{table!r} is not a table that syncs.",
                        "input": table,
                    }
                ]
            )
        if format == "sqlite":
            data, page = pull.snapshot_page_sqlite(engine, actor, table, after, limit, server_id)
            response = Response(content=data, media_type=SQLITE_PAGE_TYPE)
        else:
            page = pull.snapshot_page(engine, actor, table, after, limit)
            response = _json({"server_id": server_id, **page})
        # the cursor again, ahead of the body: a client can ask for the next page while it
        # is still reading this one (see docs/sync.md)
        response.headers[SNAPSHOT_NEXT_HEADER] = json.dumps(page["next"])
        return response

    @app.get("/sync/pull", response_model=PullResponse, responses=_errors(401, 422, 503))
    async def pull_changes(
        request: Request,
        actor: Authed,
        after: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=PULL_PAGE * 5)] = PULL_PAGE,
        wait: Annotated[float, Query(ge=0, le=LONG_POLL_MAX_SECONDS)] = 0,
    ) -> Response:
        """Changes after ``after``. With ``wait`` > 0 this is a long poll: the answer comes as
        soon as there is something for you, or after ``wait`` seconds with nothing."""
        deadline = time.monotonic() + wait
        while True:
            page = await run_in_threadpool(pull.pull_page, engine, actor, after, limit)
            found = page["tables"] or page["revoked"] or page["more"]
            if found or time.monotonic() >= deadline or page["position"] < after:
                return _json({"server_id": server_id, **page})
            after = page["position"]
            while time.monotonic() < deadline:
                await asyncio.sleep(POLL_INTERVAL)
                if await request.is_disconnected():
                    return _json({"server_id": server_id, **page})
                if await run_in_threadpool(pull.position, engine) > after:
                    break

    return app
