"""Accounts in bulk, for imports: look up by phone, insert and update many rows in a few
statements. Accounts made here have no usable password (`UNUSABLE_PASSWORD`): their owners
sign in by phone with a one-time SMS code first."""
from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from app.auth.models import UNUSABLE_PASSWORD, User
from app.clock import utcnow
from app.database import update_by_id
from app.extensions import db

__all__ = ["UNUSABLE_PASSWORD", "accounts_by_phone"]


def accounts_by_phone(phones: list[str]) -> dict[str, list]:
    """{phone: [accounts with that phone]} in one query; each a row of id, phone, role, name,
    unit_id and place_id (no joins: a plain index look-up, whatever the planner's statistics)."""
    found: dict[str, list] = defaultdict(list)
    if phones:
        stmt = (sa.select(User.id, User.phone, User.role, User.name, User.unit_id, User.place_id)
                .where(User.phone.in_(phones)).order_by(User.id))
        for row in db.session.execute(stmt):
            found[row.phone].append(row)
    return found


def taken_usernames(usernames: list[str]) -> set[str]:
    if not usernames:
        return set()
    return set(db.session.scalars(sa.select(User.username).where(User.username.in_(usernames))))


def insert_accounts(rows: list[dict]) -> dict[str, int]:
    """Inserts accounts (dicts of User columns, without a password) and returns {phone: id}."""
    if not rows:
        return {}
    now = utcnow()
    values = [{"password_hash": UNUSABLE_PASSWORD, "is_active": True, "must_change_password": False,
               "created_at": now,
               "email": None, **row} for row in rows]
    result = db.session.execute(sa.insert(User).returning(User.id, User.phone), values)
    return {phone: user_id for user_id, phone in result}


def update_accounts(rows: list[dict]) -> None:
    """Bulk UPDATE by primary key: each dict holds `id` and the columns that changed."""
    update_by_id(db.session, User, rows)
