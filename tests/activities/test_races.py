"""Sign-ups, cancellations and attendance racing with real transactions (threads with their
own app context, session and connection), on SQLite and on PostgreSQL: a double submit never
moves a slot twice, never pays twice and never answers 500."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.activities import services
from app.activities.models import Activity, ActivitySignup
from app.auth.models import User
from app.extensions import db
from app.points.models import LedgerEntry
from tests import factories as f
from tests.conftest import count
from tests.races import race

pytestmark = pytest.mark.commits


def _activity(members: int, *, starts_in=timedelta(days=1)):
    now = datetime.now(UTC)
    district = f.place("district", "并发区")
    street = f.place("street", "并发街道", district)
    community = f.place("community", "并发社区", street)
    staff = f.UserFactory(role="staff", place_id=community.id)
    member_ids = [f.member_in(community).id for _ in range(members)]
    activity = services.create_activity(
        staff, community_id=community.id, title="清洁家园", category="洁净家园",
        starts_at=now + starts_in, ends_at=now + starts_in + timedelta(hours=2), capacity=10,
        points=6, now=now)
    db.session.commit()
    ids = activity.id, staff.id, member_ids
    db.session.close()  # hold no (SQLite: write) transaction while the threads race
    return ids


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


def test_a_cancellation_sent_twice_frees_one_slot(app):
    activity_id, _, (member_id, other_id) = _activity(2)
    with app.app_context():
        services.sign_up(_user(other_id), activity_id)
        services.sign_up(_user(member_id), activity_id)
        db.session.commit()
        db.session.remove()
    outcomes = race(app, [lambda: services.cancel_signup(_user(member_id), activity_id)] * 6)
    assert sorted(outcomes) == ["conflict"] * 5 + ["ok"]
    assert db.session.get(Activity, activity_id).signup_count == 1  # the other member's slot


def test_signing_up_again_twice_at_once_takes_one_slot(app):
    activity_id, _, (member_id,) = _activity(1)
    with app.app_context():
        services.sign_up(_user(member_id), activity_id)
        services.cancel_signup(_user(member_id), activity_id)
        db.session.commit()
        db.session.remove()
    outcomes = race(app, [lambda: services.sign_up(_user(member_id), activity_id)] * 6)
    assert sorted(outcomes) == ["conflict"] * 5 + ["ok"]
    assert db.session.get(Activity, activity_id).signup_count == 1
    assert count(ActivitySignup, ActivitySignup.activity_id == activity_id) == 1


def test_a_walk_in_recorded_by_staff_and_by_qr_at_once_is_present_once(app):
    """He never signed up: both the staff's record and his own check-in create his attendance."""
    activity_id, staff_id, (member_id,) = _activity(1, starts_in=timedelta(minutes=10))
    with app.app_context():
        code = services.checkin_code(_user(staff_id), activity_id)["code"]
        db.session.remove()
    calls = [lambda: services.record_attendance(_user(staff_id), activity_id, member_id),
             lambda: services.check_in(_user(member_id), activity_id, code)] * 3
    outcomes = race(app, calls)
    assert "ok" in outcomes and set(outcomes) <= {"ok", "conflict"}
    assert count(ActivitySignup, ActivitySignup.activity_id == activity_id) == 1
    assert count(LedgerEntry, LedgerEntry.member_id == member_id) == 1


def test_calling_an_activity_off_twice_at_once_tells_members_once(app):
    from app.audit.models import AuditEntry
    from app.notifications.models import Notification

    activity_id, staff_id, (member_id,) = _activity(1)
    with app.app_context():
        services.sign_up(_user(member_id), activity_id)
        db.session.commit()
        db.session.remove()
    outcomes = race(app, [lambda: services.cancel_activity(_user(staff_id), activity_id, "暴雨")] * 4)
    assert sorted(outcomes) == ["conflict"] * 3 + ["ok"]
    assert count(Notification, Notification.kind == "activity_cancelled") == 1
    assert count(AuditEntry, AuditEntry.action == "activity.cancel") == 1
