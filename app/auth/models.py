"""Accounts, roles and API tokens."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.clock import utcnow
from app.database import UTCDateTime
from app.extensions import db


class Role(StrEnum):
    MEMBER = "member"
    RESIDENT = "resident"
    STAFF = "staff"
    UNIT_ADMIN = "unit_admin"
    STREET_ADMIN = "street_admin"
    ADMIN = "admin"


# The hash of an account without a password (made by an import or a phone sign-up): never
# matches, since check_password_hash() wants the "method$salt$hash" form. Its owner signs in
# by phone with a one-time code and may then set a password without giving a current one.
UNUSABLE_PASSWORD = "!"


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    name: Mapped[str] = mapped_column(sa.String(64))
    phone: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    email: Mapped[str | None] = mapped_column(sa.String(120))
    role: Mapped[str] = mapped_column(sa.String(20), index=True)
    # Scope: community/grid for staff and residents, street/district for street admins.
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"), index=True)
    # Employer for members; the administered unit for unit admins.
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Set by a reset (and for accounts others create): the next sign-in leads to 修改密码 and
    # nothing else works until the password is changed.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    place = relationship("Place", lazy="joined")
    unit = relationship("Unit", lazy="joined")

    def set_password(self, password: str, method: str = "scrypt") -> None:
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def has_password(self) -> bool:
        return self.password_hash != UNUSABLE_PASSWORD

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username} {self.role}>"


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", lazy="joined")


class WebSession(db.Model):
    """A signed-in browser: the session cookie carries the raw id, only its SHA-256 is stored.
    Signing out revokes the row, so a copied cookie stops working at once."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", lazy="joined")


class SmsCode(db.Model):
    """A one-time sign-in code sent by SMS; only its hash is stored. Used or out of tries:
    dead. Rows double as the send log the per-phone and per-address throttles count."""

    __tablename__ = "sms_code"
    __table_args__ = (sa.Index("ix_sms_code_phone_created", "phone", "created_at"),
                      sa.Index("ix_sms_code_address_created", "address", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(sa.String(20))
    address: Mapped[str] = mapped_column(sa.String(64), default="")
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
