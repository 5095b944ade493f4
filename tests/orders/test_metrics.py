"""The per-member order figures ratings read."""
from datetime import UTC, datetime

import sqlalchemy as sa

from app.extensions import db
from app.orders.metrics import abandoned_claims_for, satisfaction_for
from app.orders.models import Order, OrderClaim


def _closed_order(world, score, when):
    order = Order(community_id=world.comm1.id, title="代买药品", category="关爱老人",
                  status="closed", score=score, closed_at=when)
    db.session.add(order)
    db.session.flush()
    return order


def test_satisfaction_and_abandoned_claims_per_member_and_year(world):
    when = datetime(2026, 5, 1, tzinfo=UTC)
    good, poor = _closed_order(world, 4, when), _closed_order(world, 2, when)
    m1, m2, m3 = world.member1.id, world.member2.id, world.member3.id
    db.session.add_all([
        OrderClaim(order_id=good.id, member_id=m1),
        OrderClaim(order_id=poor.id, member_id=m1),
        OrderClaim(order_id=poor.id, member_id=m2, released_at=when, abandoned=True),
    ])
    db.session.flush()

    assert satisfaction_for([m1, m2, m3], 2026) == {m1: (3.0, 2), m2: (None, 0), m3: (None, 0)}
    assert abandoned_claims_for([m1, m2, m3], 2026) == {m1: 0, m2: 1, m3: 0}
    # A SELECT of ids gives only those with data.
    assert abandoned_claims_for(sa.select(sa.literal(m2)), 2026) == {m2: 1}
    assert satisfaction_for(sa.select(sa.literal(m1)), 2026) == {m1: (3.0, 2)}
    # Another year has nothing.
    assert satisfaction_for([m1], 2025) == {m1: (None, 0)}
    assert abandoned_claims_for([m2], 2027) == {m2: 0}
