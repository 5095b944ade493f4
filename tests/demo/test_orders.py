import random

import sqlalchemy as sa

from app.auth.models import Role, User
from app.demo.orders import seed
from app.extensions import db
from app.orders.models import Order, OrderEvent, OrderStatus
from app.points.models import ChecklistEvidence, LedgerEntry, PointsTotal
from app.registrations.models import UnitRegistration
from tests import factories as f
from tests.conftest import count


def test_demo_orders_cover_every_state_consistently_and_once(world, now):
    for _ in range(3):  # comm1 has staff, a resident and now five approved members
        f.member_in(world.comm1, world.unit1)
    comm2_members = [f.member_in(world.comm2) for _ in range(2)]  # comm2: staff, no resident
    lines = seed({"now": now, "rng": random.Random(3), "password": "demo1234"})
    assert lines[0].startswith("orders: 30 ")  # comm3 has one member only: none there
    orders = db.session.scalars(sa.select(Order)).all()
    assert {o.community_id for o in orders} == {world.comm1.id, world.comm2.id}
    for community in (world.comm1, world.comm2):
        assert {o.status for o in orders if o.community_id == community.id} == set(OrderStatus)
    assert any(o.is_overdue(now) for o in orders)
    assert any(o.reopen_count for o in orders)
    assert {e.action for e in db.session.scalars(sa.select(OrderEvent))} >= {
        "submit", "dispatch", "accept", "decline", "claim", "release", "complete", "rate",
        "reopen", "reject", "cancel", "invite"}
    for order in orders:
        assert order.events[0].action == "submit" and order.events[-1].to_status == order.status
        assert order.claimed_count == len(order.active_claims)
    closed = [o for o in orders if o.status == "closed"]
    assert len(closed) == 4
    assert count(ChecklistEvidence, ChecklistEvidence.item_key == "solve_problem") == sum(
        len(o.active_claims) for o in closed)
    ledger = db.session.scalar(sa.select(sa.func.sum(LedgerEntry.points)))
    assert ledger == db.session.scalar(sa.select(sa.func.sum(PointsTotal.total)))
    # comm1 had what it needs (resident1, unit1 reported, its admin); comm2 got a resident,
    # its members' unit reported and an admin for it
    assert count(User, User.role == Role.RESIDENT, User.place_id == world.comm1.id) == 1
    assert count(User, User.role == Role.RESIDENT, User.place_id == world.comm2.id) == 1
    unit = next(o.unit_id for o in orders if o.community_id == world.comm2.id and o.unit_id)
    assert unit in {m.unit_id for m in comm2_members}
    assert count(UnitRegistration, UnitRegistration.community_id == world.comm2.id,
                 UnitRegistration.unit_id == unit) == 1
    assert count(User, User.role == Role.UNIT_ADMIN, User.unit_id == unit) == 1
    assert len(lines) == 3 and all("demo1234" in line for line in lines[1:])
    assert seed({"now": now}) == [] and count(Order) == 30
