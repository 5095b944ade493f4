"""Deliveries: stored first, sent after the commit, retried with back-off, quiet hours,
and a real SMTP server that is down and then comes back."""
import email
import email.policy
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.notifications.delivery import deliver_due
from app.notifications.models import Delivery, Notification
from app.notifications.quiet_hours import first_allowed, is_quiet
from app.notifications.services import notify
from app.reminders.daily_pass import run_pass
from tests.conftest import NOW, TODAY, RecordingSender, at, count


def deliveries(**where):
    stmt = sa.select(Delivery).order_by(Delivery.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(Delivery, key) == value)
    db.session.expire_all()
    return db.session.scalars(stmt).all()


def test_quiet_hours_window():
    spec = "21:00-08:00"
    assert is_quiet(at(TODAY, 21, 0), spec) and is_quiet(at(TODAY, 3, 0), spec)
    assert not is_quiet(at(TODAY, 8, 0), spec) and not is_quiet(at(TODAY, 20, 59), spec)
    assert first_allowed(at(TODAY, 23, 0), spec) == at(TODAY + timedelta(days=1), 8, 0)
    assert first_allowed(at(TODAY, 6, 0), spec) == at(TODAY, 8, 0)
    assert first_allowed(at(TODAY, 12, 0), spec) == at(TODAY, 12, 0)
    assert not is_quiet(at(TODAY, 23, 0), "")


def test_due_deliveries_are_sent_once_each(idle_world, recorder):
    run_pass(TODAY, NOW)
    queued = len(deliveries(status="pending"))
    assert queued == 4  # member1: email + sms; member2, member3: sms

    report = deliver_due(NOW, senders=recorder)

    assert report.sent == 4 and report.failed == 0
    assert [a for a, _s, _b in recorder["email"].sent] == ["member1@example.org"]
    assert len(recorder["sms"].sent) == 3
    assert all(d.status == "sent" and d.attempts == 1 and d.sent_at == NOW for d in deliveries())
    # nothing is sent twice
    assert deliver_due(NOW + timedelta(hours=1), senders=recorder).sent == 0
    assert len(recorder["sms"].sent) == 3


def test_nothing_is_sent_in_quiet_hours_and_it_goes_out_in_the_morning(idle_world, recorder):
    night = at(TODAY, 22, 30)
    run_pass(TODAY, night)
    assert all(d.next_attempt_at == at(TODAY + timedelta(days=1), 8, 0) for d in deliveries())

    report = deliver_due(at(TODAY, 23, 59), senders=recorder)
    assert report.quiet and report.sent == 0
    assert deliver_due(at(TODAY + timedelta(days=1), 7, 59), senders=recorder).sent == 0
    assert recorder["sms"].sent == [] and len(deliveries(status="pending")) == 4

    morning = deliver_due(at(TODAY + timedelta(days=1), 8, 1), senders=recorder)
    assert morning.sent == 4 and len(recorder["sms"].sent) == 3


def test_a_failing_channel_is_retried_with_exponential_back_off(world, settings):
    settings(DELIVERY_BACKOFF_SECONDS=60, DELIVERY_MAX_ATTEMPTS=3)
    notify([world.resident1.id], kind="order_dispatched", title="已派单", now=NOW)
    down = {"email": RecordingSender(fail=True), "sms": RecordingSender(fail=True)}

    first = deliver_due(NOW, senders=down)
    (delivery,) = deliveries()
    assert first.failed == 1 and delivery.status == "pending" and delivery.attempts == 1
    assert delivery.next_attempt_at == NOW + timedelta(seconds=60)
    assert "channel down" in delivery.last_error
    # not due yet: not attempted
    assert deliver_due(NOW + timedelta(seconds=59), senders=down).failed == 0
    deliver_due(NOW + timedelta(seconds=60), senders=down)
    (delivery,) = deliveries()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at == NOW + timedelta(seconds=60 + 120)
    gave_up = deliver_due(NOW + timedelta(seconds=180), senders=down)
    (delivery,) = deliveries()
    assert gave_up.gave_up == 1 and delivery.status == "failed" and delivery.attempts == 3
    # the notification itself is kept in the inbox whatever happened to its delivery
    assert count(Notification, Notification.user_id == world.resident1.id) == 1


def test_retry_after_failure_sends_when_the_channel_is_back(world, recorder):
    notify([world.resident1.id], kind="order_claimed", title="已有党员领单", now=NOW)
    deliver_due(NOW, senders={"sms": RecordingSender(fail=True)})
    assert recorder["sms"].sent == []
    later = NOW + timedelta(minutes=5)
    assert deliver_due(later, senders=recorder).sent == 1
    assert recorder["sms"].sent[0][1] == "已有党员领单"
    (delivery,) = deliveries()
    assert delivery.status == "sent" and delivery.attempts == 2 and delivery.last_error is None


def test_a_dead_smtp_server_loses_nothing(world, settings, smtp_server):
    """A real SMTP server (aiosmtpd) started by the test: down at first, then back."""
    settings(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SMTP_TIMEOUT=5,
             NOTIFY_CHANNELS="email")
    world.resident1.email = "resident1@example.org"
    notify([world.resident1.id], kind="order_completed", title="您的需求已完成",
           body="请为本次服务评分", now=NOW)
    db.session.commit()

    down = deliver_due(NOW)
    (delivery,) = deliveries()
    assert down.failed == 1 and down.sent == 0
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.last_error
    assert smtp_server.messages == []

    smtp_server.start()
    assert deliver_due(NOW + timedelta(seconds=30)).sent == 0  # back-off not over yet
    back = deliver_due(NOW + timedelta(minutes=2))

    assert back.sent == 1
    (delivery,) = deliveries()
    assert delivery.status == "sent" and delivery.attempts == 2
    (message,) = smtp_server.messages
    assert message.rcpt_tos == ["resident1@example.org"]
    parsed = email.message_from_bytes(message.content, policy=email.policy.default)
    assert parsed["Subject"] == "您的需求已完成"
    assert "请为本次服务评分" in parsed.get_content()
    assert deliver_due(NOW + timedelta(hours=1)).sent == 0 and len(smtp_server.messages) == 1


def test_delivery_claims_are_exclusive(world, recorder):
    notify([world.resident1.id], kind="x", title="t", now=NOW)
    (delivery,) = deliveries()
    delivery.claim_token = "someone-else"
    delivery.next_attempt_at = NOW + timedelta(minutes=10)  # leased by another sweep
    db.session.flush()
    assert deliver_due(NOW, senders=recorder).sent == 0
    # a crashed sweep's lease runs out and the delivery is picked up again
    assert deliver_due(NOW + timedelta(minutes=11), senders=recorder).sent == 1
    assert datetime(2026, 1, 1, tzinfo=UTC) < NOW


def test_an_unreachable_channel_is_tried_once_per_batch(world):
    class Counting(RecordingSender):
        calls = 0

        def send(self, address, subject, body):
            Counting.calls += 1
            raise ConnectionRefusedError("connection refused")

    for user in (world.resident1, world.resident2, world.member1):
        notify([user.id], kind="t", title="t", now=NOW)
    report = deliver_due(NOW, senders={"sms": Counting()})
    assert Counting.calls == 1 and report.failed == 3
    assert all(d.status == "pending" and d.attempts == 1 and "refused" in d.last_error
               for d in deliveries())
