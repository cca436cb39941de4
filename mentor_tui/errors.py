"""Errors a person can cause. Each carries one clear sentence for the CLI and the app."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused action: shown as one sentence, never a traceback."""


class AccessDenied(UserError):
    """The acting user may not see or change this."""


class NotFound(UserError):
    """Nothing the acting user may see has that id or email."""
