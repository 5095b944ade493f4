"""Fixtures shared by tests/points, tests/activities and tests/service.

A request that fails rolls the session back; in the per-test transaction that would also undo
everything the test arranged but did not commit. `world` and `api` here commit (release the
test's savepoint; the outer transaction is still rolled back after the test), so a 4xx in the
middle of a test leaves the arranged data in place and "nothing written" is a real check."""
from datetime import UTC, datetime

import pytest
from flask import g
from flask.testing import FlaskClient

from app.extensions import db


@pytest.fixture
def world(world):
    db.session.commit()
    return world


@pytest.fixture
def api(api):
    def make(user=None):
        client = api(user)
        db.session.commit()
        return client

    return make


@pytest.fixture
def now():
    return datetime.now(UTC).replace(microsecond=0)


def settle():
    """Commit what the test arranged so that a failing request cannot roll it back."""
    db.session.commit()


class PageClient(FlaskClient):
    """The tests share one app context, so Flask-Login's per-request user cache (g._login_user)
    would outlive a request; drop it so every request signs in from its own session cookie."""

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture
def page(app):
    """page(user) -> a test client signed in to the pages as user (session cookie with a
    server-side session, as signing in makes)."""
    from app.auth.sessions import open_session

    def make(user):
        client = PageClient(app, app.response_class, use_cookies=True)
        with client.session_transaction() as session:
            session.update(open_session(user))
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
        db.session.commit()
        return client

    return make
