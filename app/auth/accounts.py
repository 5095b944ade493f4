"""The account lifecycle: a user changes his own password; admins and staff reset one to a
temporary password; admins disable and re-enable accounts. Each ends the sessions and API
tokens it must, and each is audited. Services flush; the caller commits."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _

from app.auth.models import User
from app.auth.passwords import check_password_policy, temporary_password
from app.auth.permissions import require_manage_account
from app.auth.sessions import end_sessions
from app.auth.signals import account_changed
from app.clock import utcnow
from app.errors import Invalid
from app.extensions import db


def _set_password(user: User, password: str) -> None:
    user.set_password(password, current_app.config["PASSWORD_HASH_METHOD"])


def change_password(user: User, current_password: str, new_password: str, *,
                    keep_session_id: int | None = None, keep_token_id: int | None = None,
                    now: datetime | None = None) -> None:
    """The user's own change: the current password must match, the new one pass the policy
    and differ from it. An account without a password yet (imported, or signed up by phone:
    he signed in with an SMS code) sets his first one without a current password. Every other
    session and token of the user ends; the one named (the request's own) stays signed in.
    Clears the must-change flag."""
    if user.has_password and not user.check_password(current_password or ""):
        raise Invalid("current_password", _("当前密码不正确"))
    check_password_policy(new_password, username=user.username, name=user.name, field="new_password")
    if user.check_password(new_password):
        raise Invalid("new_password", _("新密码不能与当前密码相同"))
    _set_password(user, new_password)
    user.must_change_password = False
    end_sessions(user, keep_session_id=keep_session_id, keep_token_id=keep_token_id, now=now)
    _announce(user, "user.password_change", user, now)


def reset_password(actor: User | None, user: User, now: datetime | None = None) -> str:
    """Sets a one-time temporary password (returned once, never stored in clear or audited),
    ends every session and token of the user and makes him change it at next sign-in.
    `actor` None is the command line."""
    password = temporary_password()
    _set_password(user, password)
    user.must_change_password = True
    end_sessions(user, now=now)
    _announce(actor, "user.password_reset", user, now)
    return password


def set_active(actor: User | None, user: User, active: bool, now: datetime | None = None) -> User:
    """Disables (every session and token ends at once) or re-enables an account."""
    if user.is_active != active:
        user.is_active = active
        if not active:
            end_sessions(user, now=now or utcnow())
        _announce(actor, "user.enable" if active else "user.disable", user, now)
    db.session.flush()
    return user


def reset_password_by(actor: User, user_id: int) -> tuple[User, str]:
    """A reset asked for by a signed-in admin or staff member (scope checked)."""
    user = require_manage_account(actor, user_id, "reset")
    return user, reset_password(actor, user)


def set_active_by(actor: User, user_id: int, active: bool) -> User:
    return set_active(actor, require_manage_account(actor, user_id, "disable"), active)


def _announce(actor: User, action: str, user: User, now: datetime | None) -> None:
    """Tells the layers above (audit records it) what happened to the account."""
    account_changed.send("auth", actor=actor, action=action, user=user,
                         detail={"username": user.username}, now=now)
