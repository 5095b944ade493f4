"""The per-member order figures ratings read."""
from datetime import UTC, datetime

import sqlalchemy as sa

from app.extensions import db
from app.orders.metrics import abandoned_claims_for, satisfaction_for
from app.orders.models import Order, OrderClaim


def test_satisfaction_and_abandoned_claims_per_member_and_year(world):
    now = datetime(2026, 5, 1, tzinfo=UTC)
    o = Order(community_id=world.comm1.id, title="t", category="c", status="closed", score=4, closed_at=now)
    o2 = Order(community_id=world.comm1.id, title="t", category="c", status="closed", score=2, closed_at=now)
    db.session.add_all([o, o2]); db.session.flush()
    db.session.add_all([OrderClaim(order_id=o.id, member_id=world.member1.id, released_at=None),
                        OrderClaim(order_id=o2.id, member_id=world.member1.id),
                        OrderClaim(order_id=o2.id, member_id=world.member2.id, released_at=now, abandoned=True)])
    db.session.flush()
    ids = [world.member1.id, world.member2.id, world.member3.id]
    assert satisfaction_for(ids, 2026) == {world.member1.id: (3.0, 2), world.member2.id: (None, 0), world.member3.id: (None, 0)}
    assert abandoned_claims_for(ids, 2026) == {world.member1.id: 0, world.member2.id: 1, world.member3.id: 0}
    assert abandoned_claims_for(sa.select(sa.literal(world.member2.id)), 2026) == {world.member2.id: 1}
    assert satisfaction_for(sa.select(sa.literal(world.member1.id)), 2026) == {world.member1.id: (3.0, 2)}
    assert satisfaction_for(ids, 2025)[world.member1.id] == (None, 0)
