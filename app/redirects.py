"""Where a redirect may go: one rule for `next` after sign-in and for every Referer bounce.

A target is followed only when it is a path on this site. Anything a browser could read as
another site is refused, whatever its spelling: a scheme (`https:`, `javascript:`), a host
(`//evil`, `///evil`, `/\\evil`, full-width `／／evil`), and control characters (tab, CR, LF
and anything below 0x20, which browsers silently drop, so `/\\t/evil` becomes `//evil`, and
which would otherwise break the Location header). Refused targets fall back to a default
page; nothing here raises.
"""
from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import redirect, request

MAX_TARGET = 2048


def _is_local_path(target: str) -> bool:
    if len(target) > MAX_TARGET or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return False
    # Browsers fold backslashes into slashes and full-width forms into ASCII in hosts:
    # judge the text as the most generous browser would read it.
    for text in {target, unicodedata.normalize("NFKC", target)}:
        if "\\" in text or not text.startswith("/") or text.startswith("//"):
            return False
        try:
            parts = urlsplit(text)
        except ValueError:
            return False
        if parts.scheme or parts.netloc:
            return False
    return True


def safe_path(target: str | None) -> str | None:
    """`target` if it is a path on this site (path, query, fragment), else None. An absolute
    http(s) URL naming this request's own host is reduced to its path."""
    if not isinstance(target, str) or not target:
        return None
    if not target.startswith("/"):
        try:
            parts = urlsplit(target)
        except ValueError:
            return None
        if parts.scheme not in ("http", "https") or parts.netloc != request.host:
            return None
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        if parts.fragment:
            target += "#" + parts.fragment
    return target if _is_local_path(target) else None


def redirect_to(target: str | None, fallback: str):
    """A redirect to `target` when it is a path on this site, else to `fallback` (a URL this
    code built, e.g. with url_for)."""
    return redirect(safe_path(target) or fallback)


def back_url(fallback: str) -> str:
    """The page the request came from (its Referer) when that is a page of this site."""
    return safe_path(request.referrer) or fallback


def redirect_back(fallback: str):
    """Back to the page the request came from (the Referer), if it is on this site."""
    return redirect(back_url(fallback))
