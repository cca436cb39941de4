"""The mentor-tui row that a learning platform's record maps to, the same one every time.

A platform's record of type ``kind`` with id ``external_id`` becomes the row whose id is the
platform's own id when that is a UUID (as the source document's Supabase tables have, and as
the PostgreSQL bridge keeps them), else ``uuid5(NAMESPACE, "kind:external_id")``: importing the
same file twice, or the same record through another door (a file, the PostgreSQL bridge),
finds the same row, with no mapping table to keep. Module progress is keyed by its (student,
module) pair, which the store keeps unique.
"""

from __future__ import annotations

import hashlib
import uuid

NAMESPACE = uuid.UUID("6f1c2b8e-4d0a-5b7e-9c3f-1a2b3c4d5e6f")
"""Fixed forever: changing it would map every imported record to a new row."""

KINDS = ("user", "course", "module", "enrollment", "progress", "assignment", "submission")


def row_id(kind: str, external_id: str) -> str:
    """The id of the mentor-tui row for the platform's record ``kind``/``external_id``."""
    if kind not in KINDS:
        raise ValueError(f"unknown record kind {kind!r}")
    try:
        return str(uuid.UUID(external_id))  # the platform's own UUID, as the bridge keeps it
    except ValueError:
        return str(uuid.uuid5(NAMESPACE, f"{kind}:{external_id}"))


def progress_row_id(user_row_id: str, module_row_id: str) -> str:
    """The id a new ``module_progress`` row of this student and module gets."""
    # uuid5 written out (SHA-1 of the namespace and the name, version 5, RFC 4122 variant):
    # the same id, without making a UUID object (an xAPI batch makes one for each new row)
    name = f"progress:{user_row_id}:{module_row_id}".encode()
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name, usedforsecurity=False).digest())
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest[:16].hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_NAMESPACE_BYTES = NAMESPACE.bytes
