"""Fixtures: one app and one migrated database per test session (SQLite by default,
PostgreSQL with TEST_DB=postgres), and one rolled-back transaction per test."""
from __future__ import annotations

import contextlib
import os
import socket
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import g
from flask.testing import FlaskClient
from flask_migrate import upgrade

from app import create_app
from app.extensions import db, limiter
from app.points.models import LedgerEntry
from app.registrations.models import Registration
from config import TestConfig
from tests import factories as f
from tests.pg import PostgresServer

BACKEND = os.environ.get("TEST_DB", "sqlite")


def pytest_report_header(config):
    return f"database backend: {BACKEND}"


def pytest_configure(config):
    config.addinivalue_line("markers", "commits: test commits for real (threads, processes); "
                                       "tables are emptied afterwards")
    config.addinivalue_line("markers", "browser: drives headless chromium")


@pytest.fixture(scope="session")
def postgres_server():
    """The throwaway PostgreSQL server of a TEST_DB=postgres run (None on SQLite); tests may
    create more databases on it (`create_database(name)` returns the URL)."""
    if BACKEND != "postgres":
        yield None
        return
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def database_url(postgres_server):
    if postgres_server is not None:
        yield postgres_server.create_database("app_test")
    else:
        folder = Path(tempfile.mkdtemp(prefix="sqlitetest-"))
        yield f"sqlite:///{folder / 'test.db'}"


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app({
        **{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
        "SQLALCHEMY_DATABASE_URI": database_url,
        "TESTING": True,
    })
    # Each test has its own app context (`_transaction`), and the requests of one test share it,
    # so `g` would outlive a request (Flask-Login's user cache, Flask-WTF's CSRF token, the
    # permission caches): every request starts with a clean `g`, as in production.
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_g)
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        yield app


def _fresh_g():
    for key in list(g):
        g.pop(key)


def _empty_all_tables():
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            if table.name == "scoring_rule":
                continue
            conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """Each test runs inside a transaction rolled back at the end; services' commits become
    savepoint releases. Tests marked `commits` run for real and the tables are emptied after."""
    limiter.reset()
    with app.app_context():  # a fresh app context (and `g`) per test; one app for the session
        if request.node.get_closest_marker("commits"):
            yield
            _empty_all_tables()
            return
        yield from _rolled_back()


def _rolled_back():
    connection = db.engine.connect()
    outer = connection.begin()
    engines = db.engines
    saved = engines[None]
    engines[None] = connection
    db.session.remove()
    db.session.session_factory.kw["join_transaction_mode"] = "create_savepoint"
    try:
        yield
    finally:
        db.session.remove()
        engines[None] = saved
        db.session.session_factory.kw.pop("join_transaction_mode", None)
        outer.rollback()
        connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


class ApiClient:
    """A test client that speaks JSON with a bearer token for one user."""

    def __init__(self, client, token: str | None = None):
        self.client = client
        self.token = token

    def _headers(self, headers):
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def open(self, method, path, json=None, headers=None, **kw):
        if not path.startswith("/api"):
            path = "/api/v1" + path
        return self.client.open(path, method=method, json=json, headers=self._headers(headers), **kw)

    def get(self, path, **kw):
        return self.open("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.open("POST", path, json=json if json is not None else {}, **kw)

    def put(self, path, json=None, **kw):
        return self.open("PUT", path, json=json if json is not None else {}, **kw)

    def delete(self, path, **kw):
        return self.open("DELETE", path, **kw)


def settle() -> None:
    """Commit what the test arranged. Inside the per-test transaction this only releases the
    session's savepoint, so a request that fails (and rolls the session back) cannot undo the
    arrangement, and "nothing was written" is a real check."""
    db.session.commit()


@pytest.fixture
def api(client):
    """api(user) -> ApiClient signed in as user (a fresh bearer token); api() -> anonymous."""
    from app.auth.services import issue_token

    def make(user=None):
        if user is None:
            return ApiClient(client)
        raw, _ = issue_token(user)
        settle()
        return ApiClient(client, raw)

    return make


@pytest.fixture
def page(app):
    """page(user) -> a test client signed in to the pages as user (session cookie with a
    server-side session, as signing in makes); page() -> anonymous. CSRF is off in TestConfig;
    tests/auth/test_security.py turns it on."""
    from app.auth.sessions import open_session

    def make(user=None):
        client = FlaskClient(app, app.response_class, use_cookies=True)
        with app.test_request_context(environ_base=client.environ_base):  # its address and UA
            identifier = app.login_manager._session_identifier_generator()
        if user is not None:
            with client.session_transaction() as session:
                session.update(open_session(user))
                session["_user_id"] = str(user.id)
                session["_fresh"] = True
                session["_id"] = identifier  # as signing in sets it (session protection)
        settle()
        return client

    return make


@pytest.fixture
def now():
    """This moment, to the second (for services that take `now`)."""
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def world(app):
    """A small district: 1 district, 2 streets, 3 communities, grids, 2 units, one account
    per role (see tests/factories.py::build_world); committed (see `settle`)."""
    w = f.build_world()
    settle()
    return w


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


# ---- a clock, members approved long ago, service evidence, senders, settings, SMTP -------
# (the daily pass in tests/reminders, deliveries in tests/notifications)

TODAY = date(2026, 11, 24)                      # a Tuesday, not a checklist checkpoint
NOW = datetime(2026, 11, 24, 1, 30, tzinfo=UTC)  # 09:30 in Asia/Shanghai: after REMINDER_RUN_AT
LONG_AGO = datetime(2026, 6, 1, 2, tzinfo=UTC)


def at(day: date, hour: int = 9, minute: int = 30) -> datetime:
    """`day` at hour:minute Asia/Shanghai, as UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def approved_at(member, when: datetime) -> None:
    reg = db.session.query(Registration).filter_by(member_id=member.id).one()
    reg.approved_at = when
    db.session.flush()


_seq = iter(range(1, 10**9))


def served(member, when: datetime, source_type: str = "service_record") -> LedgerEntry:
    """A ledger entry proving service (or not, for source_type='adjustment') at `when`."""
    n = next(_seq)
    entry = LedgerEntry(member_id=member.id, year=when.year, points=5, rule_key="service_hour",
                        source_type=source_type, source_id=n, created_at=when,
                        idempotency_key=f"test-{source_type}-{n}-{member.id}")
    db.session.add(entry)
    db.session.flush()
    return entry


@pytest.fixture
def idle_world(world):
    """The world with every member approved on 2026-06-01, so all are idle on TODAY."""
    for member in (world.member1, world.member2, world.member3):
        approved_at(member, LONG_AGO)
    world.member1.email = "member1@example.org"
    db.session.flush()
    return world


@pytest.fixture
def settings(app):
    """settings(KEY=value, ...) changes the app's config until the test ends."""
    saved = {}

    def change(**values):
        for key, value in values.items():
            saved.setdefault(key, app.config.get(key))
            app.config[key] = value

    yield change
    app.config.update(saved)


class RecordingSender:
    def __init__(self, fail: bool = False):
        self.sent: list[tuple[str, str, str]] = []
        self.fail = fail

    def send(self, address, subject, body):
        if self.fail:
            raise ConnectionError("channel down")
        self.sent.append((address, subject, body))


@pytest.fixture
def recorder():
    email, sms = RecordingSender(), RecordingSender()
    return {"email": email, "sms": sms}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    """smtp_server.start() / .stop() a real SMTP server on a fixed free port; .messages."""

    class Server:
        port = free_port()
        handler = Inbox()
        controller = None

        @property
        def messages(self):
            return self.handler.messages

        def start(self):
            self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
            self.controller.start()

        def stop(self):
            if self.controller is not None:
                with contextlib.suppress(Exception):
                    self.controller.stop()
                self.controller = None

    server = Server()
    yield server
    server.stop()
