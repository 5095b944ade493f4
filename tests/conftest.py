"""Fixtures: one app and one migrated database per test session (SQLite by default,
PostgreSQL with TEST_DB=postgres), and one rolled-back transaction per test."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g
from flask.testing import FlaskClient
from flask_migrate import upgrade

from app import create_app
from app.extensions import db, limiter
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
    # The tests share one app context, so `g` would outlive a request (Flask-Login's user cache,
    # Flask-WTF's CSRF token): every request starts with a clean `g`, as in production.
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
    if request.node.get_closest_marker("commits"):
        yield
        _empty_all_tables()
        return
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
        if user is not None:
            with client.session_transaction() as session:
                session.update(open_session(user))
                session["_user_id"] = str(user.id)
                session["_fresh"] = True
        settle()
        return client

    return make


@pytest.fixture
def world(app):
    """A small district: 1 district, 2 streets, 3 communities, grids, 2 units, one account
    per role (see tests/factories.py::build_world); committed (see `settle`)."""
    w = f.build_world()
    settle()
    return w


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0
