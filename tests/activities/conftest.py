from datetime import timedelta

import pytest

from app.activities.services import create_activity
from tests.conftest import settle


@pytest.fixture
def make_activity(world, now):
    def make(**over):
        values = dict(community_id=world.comm1.id, title="清洁家园", category="洁净家园",
                      starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=1, hours=2),
                      capacity=2, points=6)
        values.update(over)
        activity = create_activity(world.staff1, **values, now=now)
        settle()
        return activity

    return make
