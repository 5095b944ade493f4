"""Request bodies are bounded before anything else reads them (the first before-request hook:
ahead of CSRF, the limiter's keys and the input checks).

- Size: `MAX_CONTENT_LENGTH` (a setting). A declared Content-Length above it is a 413 at once,
  with the body unread. A chunked body (no Content-Length) is read here, at most to the limit
  (werkzeug's stream stops there quietly, which would leave a truncated body): one byte more
  from the server's stream makes it a 413. So no request holds more than the limit in memory.
- Depth: a JSON body nested deeper than `MAX_JSON_DEPTH` is a 400 naming the body. Python's
  decoder gives up with a RecursionError near 1,000 levels (a 500 otherwise), and anything that
  walks a parsed body recursively would too; here the body is parsed once (the parse is cached
  for the hooks and views after) and measured without recursion.
- Larger bodies where a blueprint needs them (file uploads): `allow_larger_bodies(blueprint,
  "SETTING")` lets the requests of that blueprint carry up to that setting's bytes (plus the
  multipart envelope). It is the one place the limit of a route is decided: this hook runs
  before any blueprint's own hooks, so a limit raised later would come too late.
"""
from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext
from werkzeug.exceptions import RequestEntityTooLarge

from app.errors import DomainError

CONTAINERS = (dict, list)
MULTIPART_ENVELOPE = 64 * 1024  # boundaries, part headers and the other form fields of an upload
_LARGER_BODIES: dict[str, str] = {}  # blueprint name → the setting holding its limit in bytes


def allow_larger_bodies(blueprint, setting: str) -> None:
    """Requests to `blueprint` may carry up to `current_app.config[setting]` bytes of file."""
    _LARGER_BODIES[blueprint.name] = setting


def body_limit() -> int | None:
    """The body limit of this request: its blueprint's setting if it declared one, else
    MAX_CONTENT_LENGTH."""
    for name in request.blueprints:
        setting = _LARGER_BODIES.get(name)
        if setting is not None:
            return current_app.config[setting] + MULTIPART_ENVELOPE
    return request.max_content_length


def deeper_than(value, limit: int) -> bool:
    """Whether JSON `value` nests containers more than `limit` levels (`[]` is one level)."""
    pending = [(value, 1)] if isinstance(value, CONTAINERS) else []
    while pending:
        item, depth = pending.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        pending.extend((child, depth + 1) for child in children if isinstance(child, CONTAINERS))
    return False


def too_deep(limit: int) -> DomainError:
    message = gettext("JSON 嵌套过深（最多 %(limit)s 层）", limit=limit)
    return DomainError(message, {"body": [message]})


def _chunked_body_too_large(limit: int) -> bool:
    body = request.get_data(cache=True)  # werkzeug reads at most `limit`; the parsers reuse it
    return len(body) >= limit and bool(request.environ["wsgi.input"].read(1))


def check_request_body() -> None:
    environ = request.environ
    if environ.get("CONTENT_LENGTH", "") in ("", "0") and "HTTP_TRANSFER_ENCODING" not in environ:
        return  # no body (most GETs): nothing to bound or to measure
    length, limit = request.content_length, body_limit()
    if limit != request.max_content_length:
        request.max_content_length = limit  # werkzeug's form parser enforces the same bound
    if limit is not None:
        if length is not None and length > limit:
            raise RequestEntityTooLarge()
        chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
        if length is None and chunked and _chunked_body_too_large(limit):
            raise RequestEntityTooLarge()
    if not request.is_json:
        return
    depth = current_app.config["MAX_JSON_DEPTH"]
    try:
        body = request.get_json(silent=True)  # bounded by the size limit; cached for later reads
    except RecursionError:
        raise too_deep(depth) from None
    if deeper_than(body, depth):
        raise too_deep(depth)
