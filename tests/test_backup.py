"""Backup and restore as README "Backup and restore" says: a populated database (the demo
district, through the services) is dumped, restored into a fresh server / file, and every
table's row count, the ledger's sums per member and the running totals match.
PostgreSQL: `pg_dump -Fc` and `pg_restore` into a new cluster. SQLite: the online `.backup`
(sqlite3's backup API) while the database is open, then the copy is opened as the database."""
from __future__ import annotations

import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from config import TestConfig
from tests.conftest import BACKEND
from tests.pg import PG_BIN, PostgresServer, _as_pg

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def _populated_app(url: str):
    from app.demo import seed_demo

    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        seed_demo(members=40)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return app


def fingerprint(url: str) -> dict:
    """Row counts of every table (and the migration revision), ledger sums, running totals."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            tables = sa.inspect(conn).get_table_names()
            counts = {t: conn.execute(sa.text(f'SELECT COUNT(*) FROM "{t}"')).scalar() for t in tables}
            revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            ledger = {(m, y): s for m, y, s in conn.execute(sa.text(
                "SELECT member_id, year, SUM(points) FROM ledger_entry GROUP BY member_id, year"))}
            totals = {(m, y): t for m, y, t in conn.execute(sa.text(
                "SELECT member_id, year, total FROM points_total"))}
            keys = conn.execute(sa.text(
                "SELECT COUNT(DISTINCT idempotency_key) FROM ledger_entry")).scalar()
    finally:
        engine.dispose()
    return {"counts": counts, "revision": revision, "ledger": ledger, "totals": totals, "keys": keys}


def _check_populated(before: dict) -> None:
    assert before["counts"]["user"] > 40 and before["counts"]["ledger_entry"] > 0
    assert before["counts"]["notification"] >= 0 and before["revision"]
    # the books balance: each running total is its ledger's sum
    assert before["ledger"] == {k: t for k, t in before["totals"].items() if t or k in before["ledger"]}
    assert before["keys"] == before["counts"]["ledger_entry"]


@pytest.mark.skipif(BACKEND != "postgres", reason="PostgreSQL pass (TEST_DB=postgres)")
def test_pg_dump_restores_into_a_fresh_server(postgres_server, tmp_path):
    url = postgres_server.create_database("backup_source")
    _populated_app(url)
    before = fingerprint(url)
    _check_populated(before)

    dump = postgres_server.dir / "backup.dump"  # owned by the server's user when we are root
    subprocess.run(_as_pg([str(PG_BIN / "pg_dump"), "-Fc", "--no-owner", "-h", "127.0.0.1",
                           "-p", str(postgres_server.port), "-U", postgres_server.user,
                           "-f", str(dump), "backup_source"]), check=True)
    assert dump.stat().st_size > 0
    fresh = PostgresServer().start()
    try:
        target = fresh.create_database("restored")
        subprocess.run(_as_pg([str(PG_BIN / "pg_restore"), "--no-owner", "--exit-on-error",
                               "-h", "127.0.0.1", "-p", str(fresh.port), "-U", fresh.user,
                               "-d", "restored", str(dump)]), check=True)
        after = fingerprint(target)
        assert after == before
        # the restored database serves: ready, and sequences continue after the restored ids
        app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                          "SQLALCHEMY_DATABASE_URI": target})
        with app.app_context():
            assert app.test_client().get("/readyz").status_code == 200
            for table in ("user", "ledger_entry", "notification"):
                next_id = db.session.execute(sa.text(
                    f"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id'))")).scalar()
                top = db.session.execute(sa.text(f'SELECT MAX(id) FROM "{table}"')).scalar()
                assert next_id > (top or 0), table
            db.session.rollback()
            db.session.remove()
            db.engine.dispose()
    finally:
        fresh.stop()


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite pass")
def test_sqlite_online_backup_restores(tmp_path):
    source = tmp_path / "app.db"
    url = f"sqlite:///{source}"
    _populated_app(url)
    before = fingerprint(url)
    _check_populated(before)

    backup = tmp_path / "backup.db"
    with sqlite3.connect(source) as live, sqlite3.connect(backup) as copy:
        live.execute("BEGIN")  # another connection in a transaction does not stop the backup
        live.backup(copy)
        live.rollback()
    restored = Path(tempfile.mkdtemp(prefix="restored-")) / "app.db"
    restored.write_bytes(backup.read_bytes())
    with sqlite3.connect(restored) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    after = fingerprint(f"sqlite:///{restored}")
    assert after == before
