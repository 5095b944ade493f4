"""Teams fixtures: the co-building world (tests/projects/conftest.py) with a legal team of
comm1 led by member1, and a pool order of comm1."""

from __future__ import annotations

import pytest

from app.orders import services as orders
from app.teams import services
from tests.conftest import settle
from tests.projects.conftest import cob  # noqa: F401  (the fixture, re-exported)


@pytest.fixture
def team_world(cob):  # noqa: F811
    w = cob
    w.team = services.create_team(
        w.staff1,
        name="仓边法律服务队",
        leader_id=w.member1.id,
        specialities=["法律咨询"],
        community_id=w.comm1.id,
    )
    w.order = orders.create_order(
        w.resident1, title="咨询遗产继承", category="法律咨询", description="想咨询遗嘱", urgency="normal"
    )
    orders.dispatch(w.staff1, w.order.id, to_pool=True)
    settle()
    return w
