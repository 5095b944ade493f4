"""Database helpers shared by every domain: the UTC column type (aware datetimes in Python),
bulk updates, inserts a unique index may refuse. The clock is app/clock.py."""
from contextlib import contextmanager
from datetime import UTC

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import TypeDecorator

from app.extensions import db


class UTCDateTime(TypeDecorator):
    """Stores UTC; always hands back timezone-aware datetimes (SQLite drops the offset)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def update_by_id(session, model, rows: list[dict]) -> None:
    """Bulk UPDATE by primary key (one executemany per set of changed columns): each dict holds
    the primary key and only the columns that change."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    for group in groups.values():
        session.execute(sa.update(model), group)


class Duplicate(Exception):
    """A unique index refused what a `savepoint()` block wrote."""


@contextmanager
def savepoint(conflict: Exception | None = None):
    """Runs the block in a savepoint, flushed at its end. When the database refuses what it
    wrote (a unique index: a duplicate, perhaps a racing request's), only the savepoint is
    undone and `conflict` is raised (a 409 when it is a Conflict), or Duplicate without one."""
    try:
        with db.session.begin_nested():
            yield
            db.session.flush()
    except IntegrityError:
        raise (conflict if conflict is not None else Duplicate()) from None


def insert_unique(row, conflict: Exception | None = None):
    """Adds `row` in a savepoint: the row, or, when a unique index refuses it, `conflict`
    raised (None returned without one)."""
    try:
        with savepoint(conflict):
            db.session.add(row)
    except Duplicate:
        return None
    return row
