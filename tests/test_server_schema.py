"""The API answers only what its OpenAPI schema says it answers: schemathesis fuzzes every
operation of the real app in-process, with a mentor's token and with a student's, on a small
seeded programme, and checks that no answer is a server error and that every status, content
type and body is one the schema declares (docs/sync.md)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable

from mentor_tui.server import auth
from tests import sync_helpers
from tests.sync_helpers import PASSWORD, Template, program_from

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.generation import GenerationMode
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

program_template = sync_helpers.program_template  # a fixture

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 25  # per operation and mode: about 4 s for the whole API


class User(NamedTuple):
    """One account fuzzing the API: its own copy of the programme (so what one account's
    requests change never reaches the other's) and its tokens."""

    email: str
    harness: Any

    def token(self) -> dict[str, str]:
        # straight from the server, not through /auth/login: the fuzzed logins with wrong
        # passwords soon make the test client's address wait (429), as they should
        done = auth.login(self.harness.engine, self.email, PASSWORD, "fixture")
        return {"Authorization": f"Bearer {done.token}"}


def _fuzz(
    operation: Any,
    mode: GenerationMode,
    users: list[tuple[User, Callable[[], dict[str, str]]]],
    failures: dict[str, str],
) -> None:
    """Up to EXAMPLES requests to ``operation``, made as ``mode`` says (valid, or made
    wrong), each sent once for every user (its headers, to its own server); the first failure's
    report goes into ``failures``. Derandomized, and never shrunk. Each case is drawn once for
    all users: drawing it costs more than sending it, and derandomized drawing made the very
    same cases for each user when each had a fuzzing run of its own."""

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def fuzz(case: schemathesis.Case) -> None:
        failed = None
        for user, headers in users:
            try:
                case.call_and_validate(headers=headers(), checks=CHECKS, app=user.harness.app)
            except (AssertionError, BaseExceptionGroup) as failure:
                label = f"{operation.label} ({mode.value}, {user.email})"
                failures.setdefault(label, str(failure))
                failed = failed or failure
        if failed is not None:
            raise failed

    try:
        fuzz()
    except Unsatisfiable:
        pass  # nothing to make wrong: an operation with no parameters and no body
    except (AssertionError, BaseExceptionGroup):
        pass  # kept in ``failures``; the other operations are fuzzed all the same


def test_every_answer_is_one_the_schema_declares(
    program_template: Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync_helpers.fast_hashing(monkeypatch)
    users: list[User] = []
    try:
        for email in ("m1@example.org", "s1@example.org"):  # a mentor's token, a student's
            program = program_from(program_template, tmp_path / email.split("@")[0])
            users.append(User(email, program.harness))
        kept = {user.email: user.token() for user in users}
        schema = schemathesis.openapi.from_asgi("/openapi.json", users[0].harness.app)
        failures: dict[str, str] = {}
        for result in schema.get_all_operations():
            operation = result.ok()
            # logout revokes the token it carries: it gets a token of its own each time
            with_headers = [
                (u, u.token if operation.path == "/auth/logout" else partial(dict, kept[u.email]))
                for u in users
            ]
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _fuzz(operation, mode, with_headers, failures)
        assert not failures, "\n\n".join(f"{k}: {v}" for k, v in failures.items())
    finally:
        for user in users:
            user.harness.close()
