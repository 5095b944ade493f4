"""Column types and clocks shared by every model: UTC in the database, aware datetimes in
Python; how the app uses its PostgreSQL connections (below)."""
import select
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_today(now: datetime | None = None) -> date:
    """The calendar date in Asia/Shanghai, which is what years and days mean to users."""
    return (now or utcnow()).astimezone(LOCAL_TZ).date()


def year_of(moment: datetime) -> int:
    return moment.astimezone(LOCAL_TZ).year


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
