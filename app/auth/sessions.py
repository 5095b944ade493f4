"""Page sessions kept on the server, and ending a user's sessions and API tokens.

Signing in stores a `web_session` row (the SHA-256 of a random id) and puts the raw id in the
signed session cookie, with the time of the last request. Every page request loads the user
through that row, in the one query that loading the user costs anyway, and refuses the cookie
when the row is revoked (sign-out, sign-out everywhere, a password change or reset, a disabled
account), older than SESSION_MAX_HOURS, or idle for longer than SESSION_IDLE_MINUTES. A copy
of the cookie taken before any of these stops working at the same moment as the original.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.auth.models import ApiToken, User, WebSession
from app.auth.services import token_hash
from app.clock import utcnow
from app.errors import Forbidden, is_api_request
from app.extensions import db

SESSION_ID = "_sid"  # keys in the session cookie
LAST_SEEN = "_seen"  # Unix time of the last request
TOUCH_SECONDS = 60  # the cookie's last-seen time moves at most once a minute


def _limits() -> tuple[timedelta, timedelta]:
    config = current_app.config
    return timedelta(minutes=config["SESSION_IDLE_MINUTES"]), timedelta(hours=config["SESSION_MAX_HOURS"])


def open_session(user: User, now: datetime | None = None) -> dict:
    """Stores a new session for `user`; returns the values the session cookie must carry.
    The user's revoked and expired rows are deleted on the way (the table stays small)."""
    now = now or utcnow()
    _idle, lifetime = _limits()
    db.session.execute(sa.delete(WebSession).where(
        WebSession.user_id == user.id,
        sa.or_(WebSession.revoked_at.is_not(None), WebSession.created_at <= now - lifetime)))
    raw = secrets.token_urlsafe(32)
    db.session.add(WebSession(user_id=user.id, token_hash=token_hash(raw), created_at=now))
    db.session.flush()
    return {SESSION_ID: raw, LAST_SEEN: int(now.timestamp())}


def sign_in(user: User, now: datetime | None = None) -> None:
    """Signs `user` in to the pages: a fresh cookie (nothing kept from before signing in)."""
    values = open_session(user, now)
    session.clear()
    login_user(user)
    session.update(values)


# Every page request runs this (the session row joined to its user): built once.
_SESSION_ROW = sa.select(WebSession).where(WebSession.token_hash == sa.bindparam("token_hash"))


def session_ended(*, revoked_at, session_user_id, cookie_user_id, user_active, created_at,
                  seen: int, now: datetime) -> bool:
    """Whether a page session no longer signs its user in: revoked, not the cookie's user, a
    disabled account, older than SESSION_MAX_HOURS, or idle for SESSION_IDLE_MINUTES. Also the
    check of a kept answer (app/auth/read_cache.py)."""
    idle, lifetime = _limits()
    return (revoked_at is not None or str(session_user_id) != str(cookie_user_id)
            or not user_active or created_at <= now - lifetime
            or now.timestamp() - seen >= idle.total_seconds())


def user_for_session(user_id: str, now: datetime | None = None) -> User | None:
    """The user of this request's session cookie, or None if the session has ended. Refreshes
    the cookie's last-seen time. Flask-Login's user loader."""
    now = now or utcnow()
    raw, seen = session.get(SESSION_ID), session.get(LAST_SEEN)
    row = None
    if isinstance(raw, str) and isinstance(seen, int):
        row = db.session.scalar(_SESSION_ROW, {"token_hash": token_hash(raw)})
    if row is None or session_ended(revoked_at=row.revoked_at, session_user_id=row.user_id,
                                    cookie_user_id=user_id, user_active=row.user.is_active,
                                    created_at=row.created_at, seen=seen, now=now):
        session.clear()  # ended: the cookie is dropped, the next page asks to sign in
        return None
    if now.timestamp() - seen >= TOUCH_SECONDS:
        session[LAST_SEEN] = int(now.timestamp())
    g.web_session_id = row.id
    return row.user


def current_session_id() -> int | None:
    return g.get("web_session_id")


def sign_out(now: datetime | None = None) -> None:
    """Ends this browser's session on the server, then drops the cookie."""
    raw = session.get(SESSION_ID)
    if isinstance(raw, str):
        db.session.execute(sa.update(WebSession).where(
            WebSession.token_hash == token_hash(raw), WebSession.revoked_at.is_(None))
            .values(revoked_at=now or utcnow()))
    logout_user()
    session.clear()


def end_sessions(user: User, *, keep_session_id: int | None = None, keep_token_id: int | None = None,
                 now: datetime | None = None) -> None:
    """Revokes every page session and API token of `user` but the ones named (the request's
    own, when a user changes his password)."""
    now = now or utcnow()
    db.session.execute(sa.update(WebSession).where(
        WebSession.user_id == user.id, WebSession.revoked_at.is_(None),
        WebSession.id != (keep_session_id or 0)).values(revoked_at=now))
    db.session.execute(sa.update(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None),
        ApiToken.id != (keep_token_id or 0)).values(revoked_at=now))
    db.session.flush()


# Until a reset (or first) password is changed, only these are open to the user.
OPEN_WHILE_MUST_CHANGE = frozenset({
    "auth.change_password", "auth.logout", "auth.logout_everywhere", "main.set_language",
    "main.healthz", "static", "auth_api.change_password", "auth_api.revoke_token", "auth_api.me",
})


def require_password_change():
    """before_request: a user who must change his password is sent to 修改密码 (pages) or
    refused with a 403 that says so (API), whatever else he asks for."""
    if request.endpoint in OPEN_WHILE_MUST_CHANGE:
        return None
    user = current_user
    if not user.is_authenticated or not user.must_change_password:
        return None
    if is_api_request():
        raise Forbidden(_("请先修改密码（POST /api/v1/me/password）后再使用其他功能"),
                        {"password": ["must_change_password"]})
    flash(_("请先修改密码后再继续"), "error")
    return redirect(url_for("auth.change_password"))
