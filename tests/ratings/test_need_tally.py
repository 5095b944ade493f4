"""The units' need tallies follow every order transition made through the orders services: after
dispatch, accept, decline, claim, complete, rate, reopen and cancel they equal a full recount."""

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.orders import services as orders
from app.ratings import need_tally
from app.ratings.models import UnitNeedTally
from app.registrations.models import UnitRegistration
from tests.conftest import settle


def _tallies() -> set[tuple]:
    return {
        tuple(r) for r in db.session.execute(sa.select(*UnitNeedTally.__table__.c)).all() if any(r[4:])
    }  # rows left at zero by a recount are the same as no row


def test_the_tallies_follow_the_transitions(world, now):
    w = world
    db.session.add(UnitRegistration(unit_id=w.unit1.id, community_id=w.comm1.id, resources=[]))
    settle()
    needs = [
        orders.create_order(w.resident1, title=f"需求{i}", category="关爱老人", now=now).id for i in range(4)
    ]
    for order_id in needs:
        orders.dispatch(w.staff1, order_id, unit_id=w.unit1.id, now=now)
    orders.accept(w.unit_admin1, needs[0], now=now + timedelta(hours=2))
    orders.claim(w.member1, needs[0], now=now + timedelta(hours=3))
    orders.complete(w.member1, needs[0], "已送达", now=now + timedelta(hours=5))
    orders.rate(w.resident1, needs[0], 4, now=now + timedelta(hours=6))
    orders.decline(w.unit_admin1, needs[1], "人手不足", now=now + timedelta(hours=1))
    orders.accept(w.unit_admin1, needs[2], now=now + timedelta(hours=1))
    orders.claim(w.member1, needs[2], now=now + timedelta(hours=2))
    orders.complete(w.member1, needs[2], "已完成", now=now + timedelta(hours=3))
    orders.reopen(w.resident1, needs[2], "没修好", now=now + timedelta(hours=4))
    orders.cancel(w.staff1, needs[3], "重复", now=now + timedelta(hours=1))
    followed = _tallies()
    need_tally.rebuild()
    assert followed == _tallies()
    row = db.session.scalars(sa.select(UnitNeedTally)).one()
    assert (row.received_now, row.accepted, row.declined, row.completed, row.reopened, row.score_sum) == (
        3,
        2,
        1,
        1,
        1,
        4,
    )
