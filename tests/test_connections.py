"""How requests use their PostgreSQL connections (app/database.py): a request that only reads
opens no transaction (no BEGIN, no ROLLBACK: two round trips fewer), one that writes or locks
still runs in one transaction that commits or rolls back as a whole, and a pooled connection
the server has closed is replaced at checkout without a failed request (there is no pre-ping).
Real transactions (`commits`), PostgreSQL only."""
from __future__ import annotations

import time
from contextlib import contextmanager

import psycopg
import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from app.transaction import unit_of_work
from tests import factories as f
from tests.conftest import BACKEND, count

pytestmark = [pytest.mark.commits,
              pytest.mark.skipif(BACKEND != "postgres", reason="PostgreSQL connections")]
IDLE, INTRANS = psycopg.pq.TransactionStatus.IDLE, psycopg.pq.TransactionStatus.INTRANS


@contextmanager
def transaction_states():
    """(transaction status right after the statement, statement) for each statement sent."""
    seen = []

    def record(conn, _cursor, statement, *_args):
        seen.append((conn.connection.dbapi_connection.info.transaction_status, statement))

    sa.event.listen(db.engine, "after_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "after_cursor_execute", record)


def test_a_request_that_only_reads_opens_no_transaction(world, api, page):
    client, browser, member = api(world.member1), page(world.member1), world.member1.id
    db.session.remove()
    with transaction_states() as seen:
        assert client.get("/me").status_code == 200
        assert client.get(f"/members/{member}/points").status_code == 200
        assert browser.get("/me").status_code == 200
    assert len(seen) >= 4
    assert [statement for state, statement in seen if state != IDLE] == []


def test_a_request_that_writes_runs_in_one_transaction(world, api):
    client = api(world.staff1)
    before = count(User)
    body = {"username": "newres1", "password": "s3cret-pass-1", "name": "张三",
            "role": "resident", "place_id": world.comm1.id}
    db.session.remove()
    with transaction_states() as seen:
        assert client.post("/users", json=body).status_code == 201
    writes = [state for state, statement in seen if not statement.lstrip().startswith("SELECT")]
    assert writes and set(writes) == {INTRANS}
    db.session.remove()
    assert count(User) == before + 1


def test_a_unit_of_work_that_raises_after_writing_leaves_nothing(app, world):
    before = count(User)
    db.session.remove()
    with pytest.raises(RuntimeError), unit_of_work():
        f.MemberFactory()
        db.session.flush()
        assert db.session.connection().connection.dbapi_connection.info.transaction_status == INTRANS
        raise RuntimeError("boom")
    db.session.remove()
    assert count(User) == before


@pytest.mark.parametrize("statement", [
    sa.select(User.id).with_for_update(),
    sa.text("SELECT pg_advisory_xact_lock(1, 2)"),
    sa.select(sa.func.pg_advisory_xact_lock(3, 4)),
])
def test_a_statement_that_locks_starts_the_transaction(app, world, statement):
    db.session.remove()
    with transaction_states() as seen:
        db.session.execute(statement)
    assert [state for state, _ in seen] == [INTRANS]
    db.session.rollback()
    db.session.remove()
    with transaction_states() as seen:  # back in the pool, the connection waits in autocommit
        db.session.scalar(sa.select(sa.func.count()).select_from(User))
    assert [state for state, _ in seen] == [IDLE]


def _terminate_other_backends() -> None:
    """Ends every other server process of this database, as a restart would, and waits."""
    url = db.engine.url.set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        deadline = time.monotonic() + 10
        while conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                           "current_database() AND pid <> pg_backend_pid()").fetchone()[0]:
            assert time.monotonic() < deadline, "backends did not end"
            time.sleep(0.05)


def test_a_connection_the_server_closed_is_replaced_without_a_failed_request(app, world, api):
    assert db.engine.pool._pre_ping is False  # no SELECT 1 round trip per checkout
    client = api(world.member1)
    db.session.remove()
    assert client.get("/me").status_code == 200
    db.session.remove()  # the connection is back in the pool
    _terminate_other_backends()
    for _ in range(3):
        assert client.get("/me").status_code == 200
        db.session.remove()


def test_a_statement_psycopg_sends_itself_is_typed_counted_and_opens_no_transaction(app, world):
    """`driver_row` (the kept answers' check): the values and columns go through their types as
    SQLAlchemy's would, the statement is counted, and the pooled connection goes back idle."""
    from datetime import UTC, datetime

    from app.database import UTCDateTime, driver_row, driver_statements_sent

    member, created = world.member1.id, world.member1.created_at
    db.session.remove()
    statement = sa.select(User.id, User.created_at).where(
        User.id == sa.bindparam("id"), User.created_at > sa.bindparam("after", type_=UTCDateTime()))
    since = datetime(2000, 1, 1, tzinfo=UTC)
    sent = driver_statements_sent()
    row = driver_row(db.engine, statement, {"id": member, "after": since})
    assert row.id == member and row.created_at.tzinfo is UTC and row.created_at == created
    assert driver_row(db.engine, statement, {"id": -1, "after": since}) is None
    assert driver_statements_sent() == sent + 2
    with pytest.raises(ValueError, match="naive"):  # UTCDateTime's own check ran
        driver_row(db.engine, statement, {"id": member, "after": datetime(2000, 1, 1)})
    assert db.engine.pool.checkedout() == 0
    with db.engine.connect() as conn:
        assert conn.connection.dbapi_connection.info.transaction_status == IDLE
