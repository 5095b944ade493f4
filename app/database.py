"""Database helpers shared by every domain: the UTC column type (aware datetimes in Python),
bulk updates, inserts a unique index may refuse; how the app uses its PostgreSQL connections
(the end of this file). The clock is app/clock.py."""
import select
from collections import namedtuple
from contextlib import contextmanager
from datetime import UTC

import psycopg
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
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


def local_month(column) -> sa.ColumnElement:
    """The Asia/Shanghai month (UTC+8, no daylight saving) of a UTC timestamp column, an integer."""
    if is_postgresql():
        return sa.cast(sa.extract("month", sa.func.timezone("Asia/Shanghai", column)), sa.Integer)
    return sa.cast(sa.func.strftime("%m", column, "+8 hours"), sa.Integer)


# ---- PostgreSQL connections (psycopg) ---------------------------------------------------------
# A request used to pay five round trips to the database before its own queries were done:
# the pool's pre-ping (SELECT 1), BEGIN, its queries, ROLLBACK. Two behaviours remove three:
#
# - No pre-ping: a pooled connection whose server end has gone (a restart, an idle timeout,
#   pg_terminate_backend) has its socket readable (the server's goodbye or EOF), which a
#   zero-timeout poll sees without a round trip; such a connection is replaced at checkout
#   (DisconnectionError makes the pool connect anew). `pool_recycle` (config.py) replaces
#   connections before a firewall's idle timeout could drop them silently.
# - BEGIN only before the first statement that needs a transaction: connections wait in
#   autocommit, and a statement that writes or locks (anything but a plain SELECT: INSERT,
#   UPDATE, DELETE, SAVEPOINT, SET LOCAL, SELECT ... FOR UPDATE, advisory transaction locks,
#   text statements) switches autocommit off first, so psycopg sends BEGIN before it and the
#   unit of work commits or rolls back as before. A request that only reads sends neither
#   BEGIN nor ROLLBACK (psycopg skips both outside a transaction). Under READ COMMITTED (the
#   default, the only level used) a plain SELECT sees the same rows inside or outside a
#   transaction: each statement takes its own snapshot either way.

def _is_psycopg(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("psycopg")


def _wait_in_autocommit(dbapi_connection, _record) -> None:
    if _is_psycopg(dbapi_connection):
        dbapi_connection.autocommit = True


def _server_left(dbapi_connection) -> bool:
    """Whether the server has closed this idle connection (its socket is readable)."""
    if dbapi_connection.closed:
        return True
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def _check_out(dbapi_connection, _record, _proxy) -> None:
    if _is_psycopg(dbapi_connection) and _server_left(dbapi_connection):
        raise sa.exc.DisconnectionError("the server closed the connection")


def _check_in(dbapi_connection, _record) -> None:
    if dbapi_connection is not None and _is_psycopg(dbapi_connection) \
            and not dbapi_connection.closed and not dbapi_connection.autocommit \
            and dbapi_connection.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
        dbapi_connection.autocommit = True


def _reads_only(statement: str, context) -> bool:
    """A plain SELECT built by SQLAlchemy: no lock, no server-side cursor."""
    compiled = getattr(context, "compiled", None)
    if compiled is None or context.isinsert or context.isupdate or context.isdelete:
        return False
    select_ = compiled.statement
    return (isinstance(select_, sa.Select) and select_._for_update_arg is None
            and not context.execution_options.get("stream_results")
            and "_xact_" not in statement)  # pg_advisory_xact_lock() and its kin


def _begin_if_needed(conn, _cursor, statement, _parameters, context, _executemany) -> None:
    if conn.dialect.name != "postgresql":
        return
    dbapi_connection = conn.connection.dbapi_connection
    if dbapi_connection.autocommit and not _reads_only(statement, context) \
            and not conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        dbapi_connection.autocommit = False  # psycopg sends BEGIN before this statement


def install_postgres_behaviour() -> None:
    """Once per process, for every engine (they are created per app, lazily)."""
    if getattr(install_postgres_behaviour, "done", False):
        return
    install_postgres_behaviour.done = True
    sa.event.listen(Engine, "connect", _wait_in_autocommit)
    sa.event.listen(Engine, "checkout", _check_out)
    sa.event.listen(Engine, "checkin", _check_in)
    sa.event.listen(Engine, "before_cursor_execute", _begin_if_needed)


# ---- one plain SELECT on psycopg's own connection -------------------------------------------
# The kept answers' check (app/auth/read_cache.py) is the one statement every hot read sends.
# SQLAlchemy's execution of it (the compiled-cache look-up, an execution context, seven event
# look-ups, a result object, a Connection around the pooled one) costs ~60 µs of CPU, more than
# psycopg's round trip itself. `driver_row` compiles such a statement once and sends it on the
# pooled psycopg connection (the pool's checkout and checkin behaviour above still apply), with
# its values through their types' bind processors and its columns through their result
# processors, as SQLAlchemy would. SQLAlchemy's events do not see it: `driver_statements_sent`
# counts them (tests/sql.py and the benches add it to their counts).
_compiled: dict = {}
_driver_sent = 0


def driver_statements_sent() -> int:
    return _driver_sent


def _compile(statement: sa.Select, dialect):
    found = _compiled.get((statement, dialect.name))
    if found is None:
        compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        binds = {name: (bind.value, bind.type.bind_processor(dialect))
                 for name, bind in compiled.binds.items()}
        results = [column.type.result_processor(dialect, None)
                   for column in statement.selected_columns]
        row = namedtuple("Row", [column.key for column in statement.selected_columns])
        found = _compiled[(statement, dialect.name)] = (str(compiled), binds, results, row)
    return found


def driver_row(bind: sa.Engine | sa.Connection, statement: sa.Select, params: dict | None = None):
    """The first row (a named tuple) of a plain SELECT on PostgreSQL, or None. `bind`: an
    engine (a pooled connection, given back at once; a lost one is not) or a connection (a
    test's: its own transaction's rows). The driver's errors come as SQLAlchemy's."""
    global _driver_sent
    sql, binds, results, row_type = _compile(statement, bind.dialect)
    given = params or {}
    values = {}
    for name, (default, process) in binds.items():
        value = given.get(name, default)
        values[name] = process(value) if process is not None else value
    if isinstance(bind, sa.Connection):
        pooled, give_back = bind.connection, False
    else:
        pooled, give_back = bind.raw_connection(), True
    dbapi = bind.dialect.loaded_dbapi
    try:
        with pooled.driver_connection.cursor() as cursor:
            _driver_sent += 1
            cursor.execute(sql, values)
            row = cursor.fetchone()
    except dbapi.Error as exc:  # raised as SQLAlchemy would: its DBAPIError, the pool told
        if give_back and bind.dialect.is_disconnect(exc, pooled.dbapi_connection, None):
            pooled.invalidate(exc)
        raise sa.exc.DBAPIError.instance(sql, values, exc, dbapi.Error) from exc
    finally:
        if give_back:
            pooled.close()
    if row is None:
        return None
    return row_type(*(process(value) if process is not None else value
                      for value, process in zip(row, results, strict=True)))
