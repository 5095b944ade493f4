"""One-time sign-in codes sent by SMS: 6 digits, valid SMS_CODE_TTL_SECONDS (5 minutes),
stored as an HMAC, dead after SMS_CODE_MAX_TRIES wrong tries or one use. A phone gets a new
code at most once per SMS_CODE_INTERVAL_SECONDS and SMS_CODE_PER_HOUR_PHONE times an hour; an
address may ask SMS_CODE_PER_HOUR_ADDRESS times an hour. Every valid phone gets a code, with or
without an account (a resident signs up with one), so the answer never tells which phones
have accounts. Sending is the caller's job, after its commit. Services flush."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.auth.models import SmsCode, User
from app.auth.services import normalize_phone
from app.clock import utcnow
from app.errors import Conflict, DomainError, Invalid
from app.extensions import db

CODE_DIGITS = 6


class TooManyCodes(DomainError):
    status_code = 429
    status = "Too Many Requests"


def _digest(phone: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _sent_since(column, value: str, since: datetime) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SmsCode)
                             .where(column == value, SmsCode.created_at > since)) or 0


def issue_code(phone: str, address: str, now: datetime | None = None) -> tuple[str, str]:
    """A new code for the phone: (normalised phone, the code). Raises Invalid for a phone that
    is not a mobile number and TooManyCodes (429) past a throttle."""
    now = now or utcnow()
    config = current_app.config
    phone = normalize_phone(phone)
    if phone is None:
        raise Invalid("phone", _("请填写手机号"))
    address = (address or "")[:64]
    interval = timedelta(seconds=config["SMS_CODE_INTERVAL_SECONDS"])
    hour = now - timedelta(hours=1)
    if (_sent_since(SmsCode.phone, phone, now - interval) > 0
            or _sent_since(SmsCode.phone, phone, hour) >= config["SMS_CODE_PER_HOUR_PHONE"]
            or _sent_since(SmsCode.address, address, hour) >= config["SMS_CODE_PER_HOUR_ADDRESS"]):
        raise TooManyCodes(_("验证码发送过于频繁，请稍后再试"))
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    db.session.add(SmsCode(phone=phone, address=address, code_hash=_digest(phone, code), created_at=now,
                           expires_at=now + timedelta(seconds=config["SMS_CODE_TTL_SECONDS"])))
    db.session.flush()
    return phone, code


def use_code(phone: str, code: str, now: datetime | None = None) -> str | None:
    """Spends the phone's latest live code if `code` is it: the normalised phone, else None.
    A wrong code counts a try on the live code (the caller commits that even when it refuses
    the request); expired, used and tried-out codes never match."""
    now = now or utcnow()
    try:
        phone = normalize_phone(phone)
    except DomainError:
        return None
    if phone is None or not (code or "").isdigit() or len(code) != CODE_DIGITS:
        return None
    live = db.session.scalar(
        sa.select(SmsCode).where(SmsCode.phone == phone, SmsCode.used_at.is_(None),
                                 SmsCode.expires_at > now,
                                 SmsCode.attempts < current_app.config["SMS_CODE_MAX_TRIES"])
        .order_by(SmsCode.created_at.desc(), SmsCode.id.desc()).limit(1))
    if live is None:
        return None
    if not hmac.compare_digest(live.code_hash, _digest(phone, code)):
        db.session.execute(sa.update(SmsCode).where(SmsCode.id == live.id)
                           .values(attempts=SmsCode.attempts + 1)
                           .execution_options(synchronize_session=False))
        return None
    spent = db.session.execute(sa.update(SmsCode).where(SmsCode.id == live.id, SmsCode.used_at.is_(None))
                               .values(used_at=now).execution_options(synchronize_session=False))
    return phone if spent.rowcount == 1 else None  # a racing second use loses


def account_for_phone(phone: str) -> User | None:
    """The active account of a phone (None without one); 409 if several share it."""
    users = list(db.session.scalars(sa.select(User).where(User.phone == phone, User.is_active.is_(True))
                                    .limit(2)))
    if len(users) > 1:
        raise Conflict(_("该手机号对应多个账号，请用用户名和密码登录"))
    return users[0] if users else None


def sign_in_with_code(phone: str, code: str, now: datetime | None = None) -> User | None:
    """The account the code signs into, or None (wrong, expired, used code, or no account)."""
    phone = use_code(phone, code, now)
    return account_for_phone(phone) if phone else None
