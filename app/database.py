"""Database helpers shared by every domain: the UTC column type (aware datetimes in Python),
bulk updates, inserts a unique index may refuse. The clock is app/clock.py."""
from contextlib import contextmanager
from datetime import UTC

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import TypeDecorator

from app.errors import NotFound
from app.extensions import db
from app.params import not_found, require_id


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


def get_or_404(model, row_id: int | None, what: str):
    """The `model` row with that id; NotFound ("<what>不存在", in the reader's language) for an
    id that cannot exist or does not."""
    row = db.session.get(model, require_id(row_id, what))
    if row is None:
        raise NotFound(not_found(what))
    return row


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


# ---- the two dialects: every `dialect.name` branch of the domains lives here ------------------

def is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def upsert(model):
    """INSERT for `model` with ON CONFLICT clauses (PostgreSQL's or SQLite's)."""
    return (postgresql.insert if is_postgresql() else sqlite.insert)(model)


def insert_ignoring_duplicates(model, columns: list[str], rows: sa.Select) -> int:
    """INSERT ... SELECT ... ON CONFLICT DO NOTHING; returns the number of rows added."""
    stmt = (upsert(model).from_select(columns, rows).on_conflict_do_nothing()
            .execution_options(preserve_rowcount=True))
    return max(db.session.execute(stmt).rowcount or 0, 0)


def refresh_statistics(*tables: str) -> None:
    """PostgreSQL plans the next statements with the row counts just written (ANALYZE sees
    this transaction's own rows): without it a table that was nearly empty when last analyzed
    gets a nested loop of sequential scans, quadratic in the number of members."""
    if is_postgresql():
        for table in tables:
            db.session.execute(sa.text(f"ANALYZE {table}"))


def without_jit() -> None:
    """PostgreSQL: no JIT compiling for the rest of the transaction (for a few large
    statements whose compiling costs more than it saves)."""
    if is_postgresql():
        db.session.execute(sa.text("SET LOCAL jit = off"))


def lock_pair(a: int, b: int) -> None:
    """Serializes, until the transaction ends, the transactions that lock the same pair.
    (SQLite writers are serialized by BEGIN IMMEDIATE already.)"""
    if is_postgresql():
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": a, "b": b})


def skip_locked(select: sa.Select) -> sa.Select:
    """PostgreSQL: the rows no other transaction holds, locked (FOR UPDATE SKIP LOCKED)."""
    return select.with_for_update(skip_locked=True) if is_postgresql() else select


def minute_utc(column) -> sa.ColumnElement:
    """A timestamp as 'YYYYMMDDHHMI' in UTC (the same text on both databases)."""
    if is_postgresql():
        return sa.func.to_char(sa.func.timezone("UTC", column), "YYYYMMDDHH24MI")
    return sa.func.strftime("%Y%m%d%H%M", column)


def seconds_between(start, end) -> sa.ColumnElement:
    """`end - start` of two timestamp columns, in seconds (a float)."""
    if is_postgresql():
        return sa.extract("epoch", end - start)
    return (sa.func.julianday(end) - sa.func.julianday(start)) * 86400.0
