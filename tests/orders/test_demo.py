import random

import sqlalchemy as sa

from app.auth.models import Role, User
from app.extensions import db
from app.orders.demo import seed
from app.orders.models import Order, OrderEvent, OrderStatus
from app.points.models import ChecklistEvidence, LedgerEntry, PointsTotal
from tests import factories as f
from tests.conftest import count


def test_demo_orders_cover_every_state_consistently_and_once(world, now):
    for _ in range(3):  # comm1 has staff and now five approved members; comm3 only one
        f.member_in(world.comm1, world.unit1)
    lines = seed({"now": now, "rng": random.Random(3)})
    assert lines[0].startswith("orders: 15 ")
    orders = db.session.scalars(sa.select(Order)).all()
    assert {o.community_id for o in orders} == {world.comm1.id}
    assert {o.status for o in orders} == set(OrderStatus)
    assert any(o.is_overdue(now) for o in orders)
    assert any(o.reopen_count for o in orders)
    assert {e.action for e in db.session.scalars(sa.select(OrderEvent))} >= {
        "submit", "dispatch", "accept", "decline", "claim", "release", "complete", "rate",
        "reopen", "reject", "cancel", "invite"}
    for order in orders:
        assert order.events[0].action == "submit" and order.events[-1].to_status == order.status
        assert order.claimed_count == len(order.active_claims)
    assert count(ChecklistEvidence, ChecklistEvidence.item_key == "solve_problem") == 2
    ledger = db.session.scalar(sa.select(sa.func.sum(LedgerEntry.points)))
    assert ledger == db.session.scalar(sa.select(sa.func.sum(PointsTotal.total)))
    # residents existed (resident1); the unit with most members got reported, it had an admin
    assert count(User, User.role == Role.RESIDENT, User.place_id == world.comm1.id) == 3
    assert seed({"now": now}) == [] and count(Order) == 15
