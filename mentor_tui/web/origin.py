"""Cross-site request forgery: a form post is taken only from a page of this site.

OWASP's "verifying origin with standard headers": the request's ``Origin`` header, or its
``Referer`` when a browser sends no Origin, must name the host serving the page (its ``Host``,
which a reverse proxy must pass on unchanged: Caddy does, nginx needs ``proxy_set_header Host
$host``). A post with neither header is refused, as OWASP recommends: every browser mentor-tui
supports sends Origin with a POST (the pages' ``Referrer-Policy: same-origin`` keeps it a real
origin, not ``null``), so only a non-browser client lacks both, and it can send Origin itself.
Only the host and port are compared, not the scheme: behind an HTTPS proxy the page is
``https://`` while the request reaches this process as plain HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

CROSS_SITE = (
    "This form was sent from another site (or without saying where from), so it was refused: "
    "open this site's own page and try again."
)


def source_of(headers: Mapping[str, str]) -> str | None:
    """Where a post says it comes from: its Origin, else its Referer, else nothing."""
    origin = headers.get("Origin")
    if origin is not None:
        return origin.strip()
    referer = headers.get("Referer")
    return referer.strip() if referer else None


def same_site(source: str | None, host: str | None) -> bool:
    """True when ``source`` (an Origin or a Referer) is a web page of ``host`` (host[:port])."""
    if not source or not host:
        return False
    parts = urlsplit(source)  # "null" (a sandboxed or redirected page) has no scheme: refused
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.strip().lower()


def posted_from_here(headers: Mapping[str, str], host: str | None) -> bool:
    return same_site(source_of(headers), host)
