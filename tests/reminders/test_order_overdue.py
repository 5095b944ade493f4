"""The daily pass alerts community staff and the unit's admins of orders past their deadline:
once per order and deadline (the same day twice, or the next days, add nothing), again when a
new deadline passes; finished orders and other communities' staff are left alone."""
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.notifications.models import Notification
from app.orders import services
from app.registrations.units import register_unit
from app.reminders.daily_pass import run_pass
from app.reminders.models import Reminder, ReminderKind
from tests.conftest import NOW, TODAY, at
from tests.factories import UserFactory

ORDER = {"title": "修理楼道灯", "category": "维修服务"}


def overdue_alerts(user) -> list[Reminder]:
    return db.session.scalars(sa.select(Reminder).where(
        Reminder.user_id == user.id, Reminder.kind == ReminderKind.ORDER_OVERDUE)
        .order_by(Reminder.subject_id, Reminder.id)).all()


def _orders(w):
    """A unit order and a pool order of comm1 past their deadline, one not yet due, one closed."""
    register_unit(unit=w.unit1, community_id=w.comm1.id, resources=["维修"], actor=w.admin)
    long_ago = NOW - timedelta(days=5)  # normal urgency: due 3 days after, so 2 days late
    to_unit = services.create_order(w.resident1, **ORDER, now=long_ago)
    services.dispatch(w.staff1, to_unit.id, unit_id=w.unit1.id, now=long_ago)
    pool = services.create_order(w.resident1, **{**ORDER, "title": "陪老人买菜"}, now=long_ago)
    services.dispatch(w.staff1, pool.id, to_pool=True, now=long_ago)
    services.create_order(w.resident1, **{**ORDER, "title": "还没到期"}, now=NOW - timedelta(hours=1))
    done = services.create_order(w.resident1, **{**ORDER, "title": "早已办结"}, now=long_ago)
    services.dispatch(w.staff1, done.id, to_pool=True, now=long_ago)
    services.claim(w.member1, done.id, now=long_ago)
    services.complete(w.member1, done.id, "好了", now=long_ago)
    services.rate(w.resident1, done.id, 5, now=long_ago)
    return to_unit, pool


def test_overdue_orders_alert_the_communitys_staff_and_the_units_admins_once(world):
    w = world
    second_staff = UserFactory(role="staff", place_id=w.comm1.id)
    gone_staff = UserFactory(role="staff", place_id=w.comm1.id, is_active=False)
    to_unit, pool = _orders(w)

    summary = run_pass(TODAY, NOW)

    assert summary[ReminderKind.ORDER_OVERDUE] == 5  # 2 staff x 2 orders + unit1's admin x 1
    for staff in (w.staff1, second_staff):
        assert [r.subject_id for r in overdue_alerts(staff)] == [to_unit.id, pool.id]
    assert [r.subject_id for r in overdue_alerts(w.unit_admin1)] == [to_unit.id]
    for user in (gone_staff, w.staff2, w.staff3, w.unit_admin2, w.resident1, w.member1):
        assert overdue_alerts(user) == []
    alert = overdue_alerts(w.staff1)[0]
    assert alert.text == f"工单「修理楼道灯」（#{to_unit.id}，已派单）已超过办理期限，请尽快处理。"
    digest = db.session.scalars(sa.select(Notification).where(
        Notification.user_id == w.staff1.id, Notification.kind == "digest")).one()
    assert "修理楼道灯" in digest.body and "陪老人买菜" in digest.body

    def counts():
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                     for model in (Reminder, Notification))

    snapshot = counts()
    assert run_pass(TODAY, NOW + timedelta(hours=3))[ReminderKind.ORDER_OVERDUE] == 0
    tomorrow = TODAY + timedelta(days=1)
    assert run_pass(tomorrow, at(tomorrow))[ReminderKind.ORDER_OVERDUE] == 0  # still late: once
    assert counts() == snapshot


def test_a_new_deadline_alerts_again_once_it_passes(world):
    w = world
    to_unit, _pool = _orders(w)
    run_pass(TODAY, NOW)
    services.decline(w.unit_admin1, to_unit.id, "人手不足", now=NOW)
    services.dispatch(w.staff1, to_unit.id, to_pool=True, deadline=NOW + timedelta(days=1), now=NOW)
    later = TODAY + timedelta(days=1)
    assert run_pass(later, at(later))[ReminderKind.ORDER_OVERDUE] == 0  # not due yet
    day = TODAY + timedelta(days=2)
    summary = run_pass(day, at(day))
    assert summary[ReminderKind.ORDER_OVERDUE] == 1  # staff1 only: it left the unit
    assert [r.due_on for r in overdue_alerts(w.staff1) if r.subject_id == to_unit.id] == [TODAY, day]
    assert [r.subject_id for r in overdue_alerts(w.unit_admin1)] == [to_unit.id]  # the first one


def test_no_alert_for_orders_finished_before_the_pass(world):
    w = world
    to_unit, pool = _orders(w)
    services.cancel(w.staff1, to_unit.id, "居民搬走", now=NOW - timedelta(hours=1))
    services.claim(w.member1, pool.id, now=NOW - timedelta(hours=1))
    services.complete(w.member1, pool.id, "已陪同", now=NOW - timedelta(minutes=30))
    assert run_pass(TODAY, NOW)[ReminderKind.ORDER_OVERDUE] == 0
