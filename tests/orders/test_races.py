"""Claims racing with real transactions (threads with their own app context, session and
connection), on SQLite and on PostgreSQL: however many members claim at once, the slots hold."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.orders import services
from app.orders.models import Order, OrderClaim, OrderEvent
from tests import factories as f
from tests.conftest import count
from tests.orders.conftest import ORDER
from tests.races import race


def _race(app, order_id: int, member_ids: list[int]) -> list[str]:
    """Each member claims in his own thread (own app context, session and connection), all
    released at once; returns "ok" / "conflict" per thread."""
    from app.auth.models import User

    def claim_as(member_id):
        return lambda: services.claim(db.session.get(User, member_id), order_id)

    return race(app, [claim_as(m) for m in member_ids])


def _pool_order(slots: int, members: int):
    district = f.place("district", "并发区")
    street = f.place("street", "并发街道", district)
    community = f.place("community", "并发社区", street)
    staff = f.UserFactory(role="staff", place_id=community.id)
    resident = f.UserFactory(role="resident", place_id=community.id)
    member_ids = [f.member_in(community).id for _ in range(members)]
    order = services.create_order(resident, **{**ORDER, "slots": slots})
    services.dispatch(staff, order.id, to_pool=True)
    db.session.commit()
    order_id = order.id
    db.session.close()
    return order_id, member_ids


@pytest.mark.commits
def test_fifty_members_race_for_one_slot_exactly_one_wins(app):
    order_id, member_ids = _pool_order(slots=1, members=50)
    outcomes = _race(app, order_id, member_ids)
    assert outcomes.count("ok") == 1 and outcomes.count("conflict") == 49
    order = db.session.get(Order, order_id)
    assert (order.status, order.claimed_count) == ("claimed", 1)
    assert count(OrderClaim, OrderClaim.order_id == order_id) == 1
    assert count(OrderEvent, OrderEvent.order_id == order_id, OrderEvent.action == "claim") == 1


@pytest.mark.commits
def test_one_member_retrying_at_once_takes_one_slot(app):
    order_id, member_ids = _pool_order(slots=3, members=1)
    outcomes = _race(app, order_id, member_ids * 8)
    assert outcomes.count("ok") == 1 and outcomes.count("conflict") == 7
    order = db.session.get(Order, order_id)
    assert (order.status, order.claimed_count) == ("dispatched", 1)
    assert count(OrderClaim, OrderClaim.order_id == order_id) == 1
