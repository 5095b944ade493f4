"""Orders fixtures: the small world with unit1 and unit2 reported to comm1, and make_order()
driving the real services to any state.

Who is who for orders in comm1 (see tests/factories.py::build_world): resident1 places them;
staff1 and street_admin manage comm1 (staff3 does not); unit_admin1 runs unit1, where they
are sent (unit_admin2 runs unit2); member1 (unit1, comm1, grid1) claims them; member2 (unit2,
comm1) is in comm1's pool only; member3 (unit1, comm3) is in unit1 only; resident2 lives in
comm3."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.orders import services
from app.registrations.units import register_unit

ORDER = {"title": "帮老人修水龙头", "category": "维修服务", "description": "厨房水龙头漏水，需要上门维修",
         "urgency": "normal"}

# setup -> (how it was sent, the steps from submitted)
SETUPS = {
    "submitted": ("unit", []),
    "dispatched_unit": ("unit", ["dispatch"]),
    "dispatched_pool": ("pool", ["dispatch"]),
    "accepted_unit": ("unit", ["dispatch", "accept"]),
    "claimed_unit": ("unit", ["dispatch", "accept", "claim"]),
    "claimed_pool": ("pool", ["dispatch", "claim"]),
    "completed": ("unit", ["dispatch", "accept", "claim", "complete"]),
    "closed": ("unit", ["dispatch", "accept", "claim", "complete", "rate"]),
    "rejected": ("unit", ["reject"]),
    "cancelled": ("unit", ["cancel"]),
}


@pytest.fixture
def world(world):
    """The world (committed, see tests/conftest.py), with unit1 and unit2 reported to comm1
    (组织报到)."""
    w = world
    for unit in (w.unit1, w.unit2):
        register_unit(unit=unit, community_id=w.comm1.id, resources=["志愿服务"], actor=w.admin)
    db.session.commit()
    return w


def step(world, order_id: int, name: str, route: str, at=None):
    """One step of the usual path, by the usual actor."""
    w = world
    if name == "dispatch":
        if route == "pool":
            return services.dispatch(w.staff1, order_id, to_pool=True, now=at)
        return services.dispatch(w.staff1, order_id, unit_id=w.unit1.id, now=at)
    calls = {
        "accept": lambda: services.accept(w.unit_admin1, order_id, now=at),
        "claim": lambda: services.claim(w.member1, order_id, now=at),
        "complete": lambda: services.complete(w.member1, order_id, "已上门修好", now=at),
        "rate": lambda: services.rate(w.resident1, order_id, 5, "很好", now=at),
        "reject": lambda: services.reject(w.staff1, order_id, "不属于社区服务范围", now=at),
        "cancel": lambda: services.cancel(w.resident1, order_id, "已自行解决", now=at),
    }
    return calls[name]()


@pytest.fixture
def make_order(world, now):
    """make_order(setup="submitted", **fields) -> a committed order of resident1 in comm1,
    brought to `setup` (a key of SETUPS) through the services."""

    def make(setup: str = "submitted", at=None, **fields):
        route, steps = SETUPS[setup]
        moment = at or now
        order = services.create_order(world.resident1, **{**ORDER, **fields}, now=moment)
        for name in steps:
            step(world, order.id, name, route, at=moment)
        db.session.commit()
        return db.session.get(type(order), order.id)

    return make

