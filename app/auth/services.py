"""Accounts and tokens. Services flush; the caller commits."""
from __future__ import annotations

import functools
import hashlib
import re
import secrets
from datetime import datetime, timedelta

import phonenumbers
import sqlalchemy as sa
from flask import current_app, g, request
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth.models import ApiToken, Role, User
from app.auth.passwords import check_password_policy
from app.auth.roles import UNIT_SIDE
from app.auth.signals import account_created, account_scope_checked, member_communities
from app.clock import utcnow
from app.database import UTCDateTime, insert_unique
from app.errors import Conflict, Invalid
from app.extensions import db
from app.signals import ask

PHONE_DIGITS = 11
USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{3,64}$")


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def normalize_phone(phone: str | None, field: str = "phone") -> str | None:
    """A mainland mobile number as its 11 digits, whatever the spelling (`+86 138-0013-8000`,
    `(0086) 13800138000`, full-width digits), parsed by the phonenumbers library; anything
    else is `Invalid` naming `field` (the form or API field the number came in)."""
    if phone is None or phone.strip() == "":
        return None
    try:
        number = phonenumbers.parse(phone.strip(), "CN")
    except phonenumbers.NumberParseException:
        number = None
    digits = str(number.national_number) if number is not None else ""
    if (number is None or number.country_code != 86 or len(digits) != PHONE_DIGITS
            or not digits.startswith("1")):
        raise Invalid(field, _("手机号应为11位数字"))
    return digits


@functools.cache
def _dummy_password_hash(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def authenticate(username: str, password: str) -> User | None:
    """The user if the password is his and the account active, else None. Every failure costs
    the same hash work (an unknown username is checked against a dummy hash of the configured
    scheme and cost), so the answer's timing does not tell which usernames exist."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        check_password_hash(_dummy_password_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    return user


def issue_token(user: User, now: datetime | None = None) -> tuple[str, ApiToken]:
    now = now or utcnow()
    raw = secrets.token_urlsafe(32)
    ttl = timedelta(hours=current_app.config["API_TOKEN_TTL_HOURS"])
    token = ApiToken(user_id=user.id, token_hash=token_hash(raw), created_at=now, expires_at=now + ttl)
    db.session.add(token)
    db.session.flush()
    return raw, token


def bearer_token(header: str | None = None) -> str | None:
    """The raw token of an `Authorization: Bearer …` header (by default the request's), or
    None."""
    if header is None:
        header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else None


def token_valid() -> tuple:
    """What makes a bearer token sign its user in (bound: `token_hash`, `now`): unrevoked,
    unexpired, an active user. Also the check of a kept answer (app/auth/read_cache.py)."""
    return (ApiToken.token_hash == sa.bindparam("token_hash"), ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > sa.bindparam("now", type_=UTCDateTime()),
            User.is_active.is_(True))


# Every API request runs this: the token's user (with his place and unit, joined) and the
# token's id in one statement, built once (constructing it again costs as much as sending it).
_TOKEN_USER = (
    sa.select(User, ApiToken.id).join(ApiToken, ApiToken.user_id == User.id).where(*token_valid()))


def user_for_token(raw: str, now: datetime | None = None) -> User | None:
    """The active user of an unrevoked, unexpired token, else None."""
    row = db.session.execute(_TOKEN_USER, {"token_hash": token_hash(raw),
                                           "now": now or utcnow()}).first()
    if row is None:
        return None
    g.api_token_id = row[1]  # the request's own token (kept when its user changes his password)
    return row[0]


def revoke_token(raw: str, now: datetime | None = None) -> None:
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == token_hash(raw)))
    if token is not None and token.revoked_at is None:
        token.revoked_at = now or utcnow()
        db.session.flush()


def _check_username(username: str) -> None:
    if db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        message = _("用户名已存在")
        raise Conflict(message, {"username": [message]})


def create_user(
    *,
    username: str,
    password: str,
    name: str,
    role: str,
    phone: str | None = None,
    email: str | None = None,
    place_id: int | None = None,
    unit_id: int | None = None,
    created_by: User | None = None,
    password_hash: str | None = None,
    must_change_password: bool | None = None,
) -> User:
    """Creates an account, checking that its scope suits its role and its password the policy.
    `password_hash` (instead of hashing `password`) is for bulk loads such as the demo data,
    where hashing is the cost; such a password is not checked. An account someone else creates
    must change its password at first sign-in unless `must_change_password` says otherwise."""
    if role not in set(Role):
        raise Invalid("role", _("未知角色"))
    if not USERNAME.match(username or ""):
        raise Invalid("username", _("用户名应为3-64位字母、数字或 _.@-"))
    if password_hash is None:
        check_password_policy(password, username=username, name=name)
    if not (name or "").strip():
        raise Invalid("name", _("请填写姓名"))
    phone = normalize_phone(phone)
    if role != Role.ADMIN and not ask(account_scope_checked, "auth", role=role, place_id=place_id,
                                      unit_id=unit_id):
        raise RuntimeError("nobody checks an account's place (app/places/receivers.py)")
    if role in UNIT_SIDE:
        place_id = None
    elif role == Role.ADMIN:  # unscoped
        place_id = unit_id = None
    if role == Role.RESIDENT:
        unit_id = None
    _check_username(username)
    user = User(
        username=username, name=name, role=role, phone=phone, email=email,
        place_id=place_id, unit_id=unit_id,
        must_change_password=created_by is not None if must_change_password is None else must_change_password,
    )
    if password_hash:
        user.password_hash = password_hash
    else:
        user.set_password(password, current_app.config["PASSWORD_HASH_METHOD"])
    message = _("用户名已存在")  # the same username sent twice at once: 409, not 500
    insert_unique(user, Conflict(message, {"username": [message]}))
    if created_by is not None:
        account_created.send("auth", user=user, actor=created_by,
                             detail={"role": role, "username": username})
    return user


def create_demo_user(*, password: str, password_hash: str | None = None, **fields) -> User:
    """An account of the demo data with the demo's shared password, which the policy would
    refuse: it is hashed directly (`password_hash` when the caller hashed it once for many).
    In production (DEMO_MUST_CHANGE_PASSWORD) it must be changed at first sign-in."""
    password_hash = password_hash or generate_password_hash(
        password, method=current_app.config["PASSWORD_HASH_METHOD"])
    return create_user(password=password, password_hash=password_hash, **fields,
                       must_change_password=current_app.config["DEMO_MUST_CHANGE_PASSWORD"])


def signup_member(*, username: str, password: str, name: str, phone: str, unit_id: int) -> User:
    """Public member sign-up; the member then registers with a community."""
    return create_user(
        username=username, password=password, name=name, phone=phone,
        role=Role.MEMBER, unit_id=unit_id,
    )


def accounts_query(role: str | None = None, name_part: str | None = None):
    """Accounts newest first, optionally of one role and matching part of username or name."""
    stmt = sa.select(User).order_by(User.id.desc())
    if role:
        stmt = stmt.where(User.role == role)
    if name_part:
        part = name_part.strip()
        stmt = stmt.where(sa.or_(User.username.icontains(part, autoescape=True),
                                 User.name.icontains(part, autoescape=True)))
    return stmt


def create_admin(username: str, password: str) -> User:
    return create_user(username=username, password=password, name=username, role=Role.ADMIN)


def user_scope(user: User) -> dict:
    """Where the user belongs: his place or unit, and a member's active community."""
    place = user.place
    active = (ask(member_communities, "auth", member_id=user.id, active_only=True) or []
              if user.role == Role.MEMBER else [])
    community_id = None
    if active:
        community_id = active[0]
    elif place is not None and place.is_community:
        community_id = place.id
    return {
        "place_id": place.id if place else None,
        "place_kind": place.kind if place else None,
        "place_name": place.name if place else None,
        "unit_id": user.unit_id,
        "unit_name": user.unit.name if user.unit else None,
        "community_id": community_id,
    }
