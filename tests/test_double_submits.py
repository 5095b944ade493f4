"""Double submits of every state-changing decision, racing with real transactions (SQLite and
PostgreSQL): exactly one request wins, the others get 409, points are paid once and the audit
and notifications are written once. (Claims and sign-ups: tests/orders, tests/activities.)"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.auth.models import User
from app.extensions import db
from app.notifications.models import Notification
from app.orders import services as orders
from app.orders.models import Order, OrderEvent
from app.points.models import LedgerEntry
from app.ratings import services as ratings
from app.ratings.models import Rating
from app.registrations import services as registrations
from app.registrations.models import Registration
from app.service import services as service
from app.service.models import Pairing
from tests import factories as f
from tests.conftest import count
from tests.orders.conftest import ORDER
from tests.races import race

pytestmark = pytest.mark.commits
NOW = datetime.now(UTC)


@pytest.fixture
def w(app):
    world = f.build_world()
    db.session.commit()
    return world


def user(user_id: int) -> User:
    return db.session.get(User, user_id)


def arranged(value):
    """Commit what the test arranged and hand back plain ids (no session held while racing)."""
    db.session.commit()
    value = value.id if hasattr(value, "id") else value
    db.session.close()
    return value


def one_winner(outcomes: list[str]) -> None:
    assert outcomes.count("ok") == 1 and outcomes.count("conflict") == len(outcomes) - 1


def test_verifying_a_service_record_twice(app, w):
    staff, member = w.staff1.id, w.member1.id
    rec = arranged(service.create_record(w.member1, community_id=w.comm1.id, category="助老", hours=2,
                                         started_at=NOW - timedelta(hours=3), description="陪诊"))
    one_winner(race(app, [lambda: service.verify_record(user(staff), rec, True)] * 3
                    + [lambda: service.verify_record(user(staff), rec, False, "重复")] * 3))
    paid = count(LedgerEntry, LedgerEntry.member_id == member)
    assert paid in (0, 1)
    assert count(AuditEntry, AuditEntry.action.like("service_record.%")) == 1
    assert count(Notification, Notification.user_id == member) == 1


def test_adopting_a_suggestion_twice(app, w):
    staff, member = w.staff1.id, w.member1.id
    sug = arranged(service.create_suggestion(w.member1, community_id=w.comm1.id, title="加装路灯",
                                             body="北门太暗"))
    one_winner(race(app, [lambda: service.decide_suggestion(user(staff), sug, True)] * 5))
    assert count(LedgerEntry, LedgerEntry.member_id == member) == 1
    assert count(AuditEntry, AuditEntry.action == "suggestion.adopt") == 1


def test_pairing_a_member_twice(app, w):
    staff, member = w.staff1.id, w.member1.id
    household = arranged(service.create_household(w.staff1, community_id=w.comm1.id, name="困难户",
                                                  address="仓边路1号"))
    one_winner(race(app, [lambda: service.pair(user(staff), household, member)] * 4))
    assert count(Pairing) == 1 and count(AuditEntry, AuditEntry.action == "pairing.create") == 1


def test_deciding_a_registration_twice(app, w):
    staff = w.staff1.id
    reg = arranged(registrations.register(w.newbie, community_id=w.comm1.id, address="仓边路9号"))
    one_winner(race(app, [lambda: registrations.approve(user(staff), reg)] * 3
                    + [lambda: registrations.reject(user(staff), reg, "不在本社区")] * 3))
    assert count(AuditEntry, AuditEntry.action.like("registration.%")) == 1
    assert count(Notification, Notification.user_id == w.newbie.id) == 1


def test_moving_house_twice(app, w):
    member = w.member1.id
    comm2 = w.comm2.id
    reg = arranged(registrations.active_registration(member))
    one_winner(race(app, [lambda: registrations.transfer(user(member), reg, community_id=comm2,
                                                          address="都府路1号")] * 4))
    assert count(Registration, Registration.member_id == member) == 2
    assert count(Registration, Registration.member_id == member, Registration.status == "pending") == 1


def _pool_order(w, *steps: str) -> int:
    order = orders.create_order(w.resident1, **ORDER)
    orders.dispatch(w.staff1, order.id, to_pool=True)
    for step in steps:
        {"claim": lambda: orders.claim(w.member1, order.id),
         "complete": lambda: orders.complete(w.member1, order.id, "已修好")}[step]()
    return arranged(order)


def test_rating_an_order_by_resident_and_staff_at_once(app, w):
    resident, staff, member = w.resident1.id, w.staff1.id, w.member1.id
    order = _pool_order(w, "claim", "complete")
    one_winner(race(app, [lambda: orders.rate(user(resident), order, 5, "好")] * 3
                    + [lambda: orders.rate(user(staff), order, 4)] * 3))
    for rule in ("order_completed", "order_good_rating"):
        assert count(LedgerEntry, LedgerEntry.member_id == member, LedgerEntry.rule_key == rule) == 1


def test_reopening_an_order_twice(app, w):
    resident = w.resident1.id
    order = _pool_order(w, "claim", "complete")
    one_winner(race(app, [lambda: orders.reopen(user(resident), order, "还在漏水")] * 4))
    assert db.session.get(Order, order).reopen_count == 1
    assert count(OrderEvent, OrderEvent.order_id == order, OrderEvent.action == "reopen") == 1


def test_releasing_a_claim_twice_costs_once(app, w):
    member = w.member1.id
    order = _pool_order(w, "claim")
    one_winner(race(app, [lambda: orders.release(user(member), order, "临时出差")] * 4))
    assert db.session.get(Order, order).claimed_count == 0
    assert count(LedgerEntry, LedgerEntry.member_id == member, LedgerEntry.rule_key == "claim_abandoned") == 1


@pytest.mark.parametrize("action", ["dispatch", "cancel", "complete"])
def test_other_order_transitions_twice(app, w, action):
    staff, member = w.staff1.id, w.member1.id
    if action == "dispatch":
        order = arranged(orders.create_order(w.resident1, **ORDER))
        call = lambda: orders.dispatch(user(staff), order, to_pool=True)  # noqa: E731
    elif action == "cancel":
        order = _pool_order(w)
        call = lambda: orders.cancel(user(staff), order, "居民已自行解决")  # noqa: E731
    else:
        order = _pool_order(w, "claim")
        call = lambda: orders.complete(user(member), order, "已修好")  # noqa: E731
    one_winner(race(app, [call] * 4))
    assert count(OrderEvent, OrderEvent.order_id == order, OrderEvent.action == action) == 1


def test_publishing_a_community_twice(app, w):
    staff, year, community = w.staff1.id, NOW.year, arranged(w.comm1)
    outcomes = race(app, [lambda: ratings.publish(user(staff), community, year)] * 3)
    assert "ok" in outcomes and set(outcomes) <= {"ok", "conflict"}
    members = count(Registration, Registration.community_id == community, Registration.status == "approved")
    assert count(Rating, Rating.community_id == community, Rating.published_at.is_not(None)) == members
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(Rating.member_id)))) == members
