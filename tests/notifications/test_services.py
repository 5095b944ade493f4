"""notify(): one notification per distinct user, its deliveries queued in the same transaction
(only on channels the user has an address for), and none before quiet hours end."""
from datetime import UTC, datetime

import sqlalchemy as sa

from app.auth.models import Role
from app.extensions import db
from app.notifications.models import Delivery
from app.notifications.services import notify
from tests.conftest import NOW
from tests.factories import UserFactory


def test_notify_stores_the_notification_and_queues_its_deliveries(world):
    w = world
    w.resident1.email = "res@example.org"
    staff_without_phone = UserFactory(role=Role.STAFF, place_id=w.comm1.id, phone=None)
    notes = notify([w.resident1.id, w.resident1.id, staff_without_phone.id, None],
                   kind="order_dispatched", title="您的需求已派单", now=NOW)

    assert len(notes) == 2
    rows = db.session.scalars(sa.select(Delivery).order_by(Delivery.id)).all()
    assert sorted((r.notification.user_id, r.channel) for r in rows) == sorted(
        [(w.resident1.id, "email"), (w.resident1.id, "sms")])
    assert all(r.status == "pending" and r.attempts == 0 and r.next_attempt_at == NOW
               for r in rows)


def test_a_notification_in_quiet_hours_waits_for_the_morning(world):
    late = datetime(2026, 11, 24, 14, 30, tzinfo=UTC)  # 22:30 local
    notify([world.resident1.id], kind="order_closed", title="已完成", now=late)
    delivery = db.session.scalars(sa.select(Delivery)).one()
    assert delivery.next_attempt_at == datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # 08:00 local
