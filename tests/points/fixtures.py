"""Fixtures shared by tests/points, tests/activities and tests/service.

A request that fails rolls the session back; in the per-test transaction that would also undo
everything the test arranged but did not commit. `world` and `api` here commit (release the
test's savepoint; the outer transaction is still rolled back after the test), so a 4xx in the
middle of a test leaves the arranged data in place and "nothing written" is a real check."""
from datetime import UTC, datetime

import pytest

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
