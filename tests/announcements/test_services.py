"""通知公告: who may post where, who sees what, expiry, pinning, and the daily digest."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.announcements import services
from app.announcements.models import Announcement
from app.audit.models import AuditEntry
from app.errors import Forbidden, Invalid
from app.extensions import db
from app.notifications.models import Notification
from app.reminders.daily_pass import run_pass
from app.reminders.models import Reminder, ReminderKind
from tests.conftest import NOW, TODAY, count


def titles(user, today=TODAY):
    return [a.title for a in db.session.scalars(services.announcements_query(user, today))]


def test_reach_by_place(world):
    services.post(world.staff1, place_id=world.comm1.id, title="仓边停水通知", body="周六停水", now=NOW)
    services.post(world.street_admin, place_id=world.street1.id, title="北京街道党课", body="周五", now=NOW)
    services.post(world.admin, place_id=world.district.id, title="全区党务公开", body="…", now=NOW,
                  is_pinned=True)
    assert titles(world.member1) == ["全区党务公开", "北京街道党课", "仓边停水通知"]  # pinned first
    assert titles(world.resident1) == ["全区党务公开", "北京街道党课", "仓边停水通知"]
    assert titles(world.member3) == ["全区党务公开"]  # 光孝社区, the other street
    assert titles(world.resident2) == ["全区党务公开"]
    assert set(titles(world.staff2)) == {"全区党务公开", "北京街道党课"}
    assert set(titles(world.street_admin)) == {"全区党务公开", "北京街道党课", "仓边停水通知"}
    assert titles(world.newbie) == []  # not registered anywhere
    assert count(AuditEntry, AuditEntry.action == "announcement.post") == 3


def test_expired_announcements_are_hidden(world):
    services.post(world.staff1, place_id=world.comm1.id, title="一周有效", body="…",
                  expires_on=TODAY + timedelta(days=7), now=NOW)
    assert titles(world.member1) == ["一周有效"]
    assert titles(world.member1, today=TODAY + timedelta(days=8)) == []


def test_who_may_post_where(world):
    with pytest.raises(Forbidden):
        services.post(world.staff2, place_id=world.comm1.id, title="x", body="y")
    with pytest.raises(Forbidden):
        services.post(world.staff1, place_id=world.street1.id, title="x", body="y")
    with pytest.raises(Invalid) as err:
        services.post(world.staff1, place_id=world.grid1.id, title="x", body="y")
    assert err.value.field == "place_id"
    with pytest.raises(Invalid) as err:
        services.post(world.staff1, place_id=world.comm1.id, title="x", body="y",
                      expires_on=date(2020, 1, 1), now=NOW)
    assert err.value.field == "expires_on"
    assert count(Announcement) == 0


def test_a_new_announcement_is_in_the_next_digest_once(world):
    item = services.post(world.street_admin, place_id=world.street1.id, title="街道党课通知", body="…",
                         now=NOW - timedelta(hours=12))
    run_pass(TODAY, NOW)
    reached = set(db.session.scalars(sa.select(Reminder.user_id).where(
        Reminder.kind == ReminderKind.ANNOUNCEMENT, Reminder.subject_id == item.id)))
    assert reached == {world.member1.id, world.member2.id, world.resident1.id}
    digest = db.session.scalar(sa.select(Notification.body).where(
        Notification.user_id == world.resident1.id, Notification.kind == "digest"))
    assert "通知公告：街道党课通知" in digest
    run_pass(TODAY + timedelta(days=1), NOW + timedelta(days=1))
    assert count(Reminder, Reminder.kind == ReminderKind.ANNOUNCEMENT) == 3  # once per person
