"""Hot reads answered again while nothing has changed (PostgreSQL).

A member's phone asks for /api/v1/me, his points and his checklist every time it opens; staff
keep the dispatch board open and reload it. Most of these answers are the same as the last
time, because nothing in the database changed in between. A view marked `@cached_read` has
its successful answers kept in the process (`app.extensions["read_cache"]`, at most
READ_CACHE_ENTRIES, 0 turns it off) under:

- who asks: the API token's row, the page session's row, or nobody (a public list);
- what is asked: path, query string, scheme, host (they decide the endpoint), language;
- the minute of the clock (an answer showing what is overdue is at most a minute late);
- the database's data version: PostgreSQL's WAL insert position
  (`pg_current_wal_insert_lsn()`) and the current snapshot (`pg_current_snapshot()`). Every
  write by any process or host (the other workers, the scheduler, an import, psql) moves the
  position; a commit already in the WAL but not yet visible to others is in the snapshot's
  in-progress list, and leaves it when its rows become visible. So an answer is never served
  across a write.

Every request to such a view still checks its credential: one statement reads the token (or
page session) with the same rules as signing in by it (`auth.services.token_valid`,
`auth.sessions.session_ended`) and the data version, sent by psycopg itself
(`database.driver_row`). With a kept answer for that version it is sent as it is; otherwise
the view runs as usual and its answer is kept if it is a 200 that changed no cookie.
What the check cannot decide (a user who must change his password, a page session whose
last-seen time is due to move, pending flashed messages, a failed session-protection check)
goes the usual way, uncached. SQLite (development) has no data version: no caching there.

Two doors, one store: API reads are answered by `KeptAnswers`, a WSGI layer in front of Flask
(a bearer token is in the environ: nothing of Flask's request machinery is needed, and it is
half the cost of such a request); page reads need Flask's session and Flask-Login, and are
answered by `serve_kept`, a before-request hook. Either notes the key in the environ for
`keep`, the last after-request hook.

The version is read before the view reads its data, so an answer is kept under a version at
most as new as its data: a write in between only makes the next request miss."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask, Response, current_app, request, session
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from app import clock
from app.auth.models import ApiToken, User, WebSession
from app.auth.services import bearer_token, token_hash, token_valid
from app.database import driver_row, is_postgresql
from app.errors import is_api_path, is_api_request
from app.extensions import db
from app.i18n import locale_of, select_locale
from app.observability import READ_CACHE, REQUEST_ID_HEADER, count_request, request_id_for

MAX_BODY = 512 * 1024  # larger answers are not kept
_NOTE = "app.read_cache.note"  # environ: (key, version) of an answer `keep` may keep
_DROPPED_HEADERS = frozenset({"set-cookie", "content-length", "x-request-id"})
# The data version: the WAL insert position and the snapshot. The position moves with every
# write; the snapshot covers the moment after a commit is in the WAL and before other sessions
# see its rows (the committing transaction is still in the snapshot's in-progress list).
_VERSION = sa.func.concat(sa.cast(sa.func.pg_current_wal_insert_lsn(), sa.Text), " ",
                          sa.cast(sa.func.pg_current_snapshot(), sa.Text)).label("version")

_TOKEN_CHECK = (
    sa.select(ApiToken.id, User.must_change_password, _VERSION)
    .join(User, User.id == ApiToken.user_id).where(*token_valid()))
_SESSION_CHECK = (
    sa.select(WebSession.id, WebSession.user_id, WebSession.revoked_at, WebSession.created_at,
              User.is_active, User.must_change_password, _VERSION)
    .join(User, User.id == WebSession.user_id)
    .where(WebSession.token_hash == sa.bindparam("token_hash")))
_VERSION_ONLY = sa.select(_VERSION)


def cached_read(view: Callable) -> Callable:
    """Marks a GET view whose answer depends only on the database, the reader, the request
    and the minute (no other state, no writes): its answers may be served again (see above).
    Put it closest to the function: the outer decorators copy the mark."""
    view.cached_read = True
    return view


@dataclass(frozen=True, slots=True)
class Kept:
    version: str
    status: int
    headers: tuple
    body: bytes

    @property
    def status_line(self) -> str:
        return f"{self.status} {HTTP_STATUS_CODES[self.status]}"

    def response(self) -> Response:
        return Response(self.body, status=self.status, headers=list(self.headers))


def _size(key: tuple, kept: Kept) -> int:
    return (len(kept.body) + sum(len(k) + len(v) for k, v in kept.headers)
            + sum(len(part) for part in key if isinstance(part, str)) + 200)


class ReadCache:
    """Least recently used answers of the data version seen last, at most `size` of them and
    `max_bytes` in all (a lock: the development server threads). Another version (a write; a
    failover to a server with other positions) forgets every answer kept: none of them can be
    served again."""

    def __init__(self, size: int, max_bytes: int):
        self.size, self.max_bytes = size, max_bytes
        self.clear()
        self.lock = threading.Lock()

    def clear(self) -> None:
        self.entries: OrderedDict[tuple, tuple[Kept, int]] = OrderedDict()
        self.bytes = 0
        self.version = None

    def get(self, key: tuple, version: str) -> Kept | None:
        with self.lock:
            if version != self.version:
                self.clear()
                self.version = version
                return None
            found = self.entries.get(key)
            if found is None:
                return None
            self.entries.move_to_end(key)
            return found[0]

    def put(self, key: tuple, kept: Kept) -> None:
        with self.lock:
            if kept.version != self.version:
                return  # another request has seen a newer version since this one was read
            size = _size(key, kept)
            old = self.entries.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            self.entries[key] = (kept, size)
            self.bytes += size
            while self.entries and (len(self.entries) > self.size or self.bytes > self.max_bytes):
                self.bytes -= self.entries.popitem(last=False)[1][1]


def _cache(app: Flask) -> ReadCache | None:
    try:
        return app.extensions["read_cache"]
    except KeyError:
        size = app.config["READ_CACHE_ENTRIES"]
        with app.app_context():  # the kept answers' layer asks before Flask's context exists
            on = size > 0 and is_postgresql()
        cache = ReadCache(size, app.config["READ_CACHE_MB"] * 1024 * 1024) if on else None
        app.extensions["read_cache"] = cache
        return cache


def _key(environ: dict, who: tuple, language: str, now) -> tuple:
    """What a kept answer is kept under: the reader, the request as sent (werkzeug's parsed
    forms cost more; path and host decide the endpoint), the language and the minute."""
    return (who, environ.get("PATH_INFO"), environ.get("QUERY_STRING"),
            environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), environ.get("SCRIPT_NAME"),
            language, int(now.timestamp()) // 60)


def _has_body(environ: dict) -> bool:
    return environ.get("CONTENT_LENGTH") not in (None, "", "0") \
        or "HTTP_TRANSFER_ENCODING" in environ


def _token_reader(bind, header: str | None, now) -> tuple[tuple, str] | None:
    """(who, data version) of an API request after checking its bearer token (None: the usual
    way decides, and says why), or of a request without one (a public list)."""
    if header is None:
        return ("public",), driver_row(bind, _VERSION_ONLY).version
    raw = bearer_token(header)
    if not raw:
        return None
    row = driver_row(bind, _TOKEN_CHECK, {"token_hash": token_hash(raw), "now": now})
    if row is None or row.must_change_password:
        return None  # refused, or sent to change his password: the usual way says so
    return ("token", row.id), row.version


def _session_reader(now) -> tuple[tuple, str] | None:
    """(who, data version) of a page request after checking its session, or None when the
    request must go the usual way (no session the check can decide on)."""
    from app.auth.sessions import LAST_SEEN, SESSION_ID, TOUCH_SECONDS, session_ended

    raw, seen, user_id = session.get(SESSION_ID), session.get(LAST_SEEN), session.get("_user_id")
    if not (isinstance(raw, str) and isinstance(seen, int) and user_id) or "_flashes" in session:
        return None
    if now.timestamp() - seen >= TOUCH_SECONDS:
        return None  # the cookie's last-seen time moves: the usual way writes the cookie
    manager = current_app.login_manager
    mode = current_app.config.get("SESSION_PROTECTION", manager.session_protection)
    if mode in ("basic", "strong") and session.get("_id") != manager._session_identifier_generator() \
            and (mode == "strong" or session.get("_fresh") is not False):
        return None  # Flask-Login's session protection changes the session: it decides
    row = driver_row(db.engine, _SESSION_CHECK, {"token_hash": token_hash(raw)})
    if row is None or row.must_change_password or session_ended(
            revoked_at=row.revoked_at, session_user_id=row.user_id, cookie_user_id=user_id,
            user_active=row.is_active, created_at=row.created_at, seen=seen, now=now):
        return None
    return ("session", row.id), row.version


class KeptAnswers:
    """The WSGI layer in front of the Flask app that answers API reads again: a GET of a marked
    view under /api/ whose bearer token (or absence of one) the check can decide on. A kept
    answer goes out from here, without Flask's request context, its session, URL adapter and
    hooks: the answer's headers are those the hooks gave it when it was kept (the security
    headers among them), with a new request id; the request metrics count it as the hooks
    would. Anything else (another method, a body, another view, a token the check refuses,
    no kept answer, a database error) goes on to Flask, noted for `keep` when it may be kept.
    Page sessions need Flask's session and Flask-Login: `serve_kept` answers them."""

    def __init__(self, app: Flask, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app
        with app.app_context():
            self.engines = db.engines  # the app's engines by bind key (a test swaps its own in)

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "GET" or not is_api_path(environ.get("PATH_INFO", "")) \
                or _has_body(environ):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        answer = self._kept(environ)
        if answer is None:
            return self.wsgi_app(environ, start_response)
        endpoint, kept = answer
        rid = request_id_for(environ.get("HTTP_X_REQUEST_ID"))
        start_response(kept.status_line, [*kept.headers, ("Content-Length", str(len(kept.body))),
                                          (REQUEST_ID_HEADER, rid)])
        count_request(endpoint, "GET", kept.status, started)
        return [kept.body]

    def _kept(self, environ) -> tuple[str, Kept] | None:
        app = self.app
        cache = _cache(app)
        if cache is None:
            return None
        req = app.request_class(environ)
        try:
            endpoint, _args = app.create_url_adapter(req).match()
        except HTTPException:  # not found, a redirect, an untrusted host: Flask answers
            return None
        if not getattr(app.view_functions.get(endpoint), "cached_read", False):
            return None
        now = clock.utcnow()
        try:
            reader = _token_reader(self.engines[None], environ.get("HTTP_AUTHORIZATION"), now)
        except sa.exc.SQLAlchemyError:
            return None  # the usual way meets the same error, and answers and logs it
        if reader is None:
            return None
        who, version = reader
        key = _key(environ, who, locale_of(req).language, now)
        kept = cache.get(key, version)
        if kept is None:
            READ_CACHE.labels("miss").inc()
            environ[_NOTE] = (key, version)
            return None
        READ_CACHE.labels("hit").inc()
        return endpoint, kept


def serve_kept():
    """before_request: a kept answer of a marked page view, else notes the key for `keep`."""
    if request.method != "GET" or is_api_request():  # the API's: KeptAnswers
        return None
    view = current_app.view_functions.get(request.endpoint)
    if not getattr(view, "cached_read", False):
        return None
    cache = _cache(current_app)
    if cache is None:
        return None
    now = clock.utcnow()
    reader = _session_reader(now)
    if reader is None:
        return None
    who, version = reader
    key = _key(request.environ, who, select_locale().language, now)
    kept = cache.get(key, version)
    if kept is not None:
        READ_CACHE.labels("hit").inc()
        return kept.response()
    READ_CACHE.labels("miss").inc()
    request.environ[_NOTE] = (key, version)
    return None


def keep(response: Response) -> Response:
    """after_request (the last to run): keeps a successful answer of a marked view."""
    noted = request.environ.pop(_NOTE, None)
    if noted is None or response.status_code != 200 or response.is_streamed \
            or response.direct_passthrough or session.modified or "Set-Cookie" in response.headers \
            or "X-RateLimit-Limit" in response.headers:  # a limit counted it: it must count again
        return response
    body = response.get_data()
    if len(body) > MAX_BODY:
        return response
    key, version = noted
    headers = tuple((k, v) for k, v in response.headers.items() if k.lower() not in _DROPPED_HEADERS)
    _cache(current_app).put(key, Kept(version, response.status_code, headers, body))
    return response


def install(app: Flask) -> None:
    """`KeptAnswers` wraps the app (inside ProxyFix: app/__init__.py wraps it last);
    `serve_kept` goes right before the API's bearer authentication (registered next by the
    caller); `keep` runs after every other after-request hook but the session's save."""
    app.wsgi_app = KeptAnswers(app, app.wsgi_app)
    app.before_request(serve_kept)
    app.after_request_funcs.setdefault(None, []).insert(0, keep)
