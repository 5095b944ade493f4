"""The daily pass: who is reminded, once, in one digest; escalation; checkpoints; activities."""
from datetime import date, timedelta

import sqlalchemy as sa

from app.activities.models import Activity, ActivitySignup
from app.extensions import db
from app.notifications.models import Delivery, Notification
from app.points.models import ChecklistEvidence, ChecklistItem
from app.reminders.daily_pass import run_pass
from app.reminders.models import Reminder, ReminderKind
from tests.conftest import LONG_AGO, NOW, TODAY, approved_at, at, count, served


def reminders_of(user, kind=None):
    where = [Reminder.user_id == user.id] + ([Reminder.kind == kind] if kind else [])
    return db.session.scalars(sa.select(Reminder).where(*where)).all()


def test_idle_members_are_reminded_and_the_same_day_twice_sends_nothing_new(idle_world):
    w = idle_world
    first = run_pass(TODAY, NOW)
    assert first[ReminderKind.IDLE] == 3
    assert first["digests"] == 3
    snapshot = (count(Reminder), count(Notification), count(Delivery))

    second = run_pass(TODAY, NOW + timedelta(hours=2))

    assert second == {k: 0 for k in first}
    assert (count(Reminder), count(Notification), count(Delivery)) == snapshot
    assert len(reminders_of(w.member1, ReminderKind.IDLE)) == 1
    assert count(Notification, Notification.user_id == w.member1.id) == 1
    # never the staff, residents or the unregistered member
    for user in (w.staff1, w.resident1, w.newbie, w.unit_admin1):
        assert reminders_of(user) == []


def test_service_evidence_in_the_window_is_not_idle_but_an_adjustment_is(idle_world):
    w = idle_world
    served(w.member1, NOW - timedelta(days=10))
    served(w.member2, NOW - timedelta(days=10), source_type="adjustment")
    served(w.member3, NOW - timedelta(days=90))  # too long ago

    run_pass(TODAY, NOW)

    assert reminders_of(w.member1) == []
    assert len(reminders_of(w.member2, ReminderKind.IDLE)) == 1
    assert len(reminders_of(w.member3, ReminderKind.IDLE)) == 1


def test_recently_approved_or_pending_members_are_not_reminded(idle_world):
    w = idle_world
    approved_at(w.member1, NOW - timedelta(days=5))
    from app.registrations.models import Registration
    reg = db.session.query(Registration).filter_by(member_id=w.member2.id).one()
    reg.status = "pending"
    db.session.flush()

    run_pass(TODAY, NOW)

    assert reminders_of(w.member1) == [] and reminders_of(w.member2) == []
    assert len(reminders_of(w.member3)) == 1


def test_a_persons_reminders_of_one_day_are_one_digest(idle_world):
    w = idle_world
    day = date(2026, 7, 1)  # checkpoint: half of the list
    activity = Activity(community_id=w.comm1.id, title="社区义诊", category="elderly",
                        starts_at=at(day + timedelta(days=1), 10, 0),
                        ends_at=at(day + timedelta(days=1), 12, 0), capacity=10)
    db.session.add(activity)
    db.session.flush()
    db.session.add(ActivitySignup(activity_id=activity.id, member_id=w.member1.id))
    db.session.flush()

    summary = run_pass(day, at(day))

    assert summary[ReminderKind.IDLE] == 3 and summary[ReminderKind.CHECKLIST_LAG] == 3
    assert summary[ReminderKind.ACTIVITY_TOMORROW] == 1
    notes = db.session.scalars(sa.select(Notification)
                               .where(Notification.user_id == w.member1.id)).all()
    assert len(notes) == 1
    digest = notes[0]
    assert digest.kind == "digest" and "3" in digest.title
    assert "社区义诊" in digest.body and "五个一" in digest.body and "服务记录" in digest.body
    rows = reminders_of(w.member1)
    assert len(rows) == 3 and all(r.sent_at == digest.created_at
                                  for r in rows)
    # deliveries: email (he has an address) and SMS, once each for the digest
    channels = sorted(db.session.scalars(sa.select(Delivery.channel)
                                         .where(Delivery.notification_id == digest.id)))
    assert channels == ["email", "sms"]
    assert count(Delivery, Delivery.notification_id.in_(
        sa.select(Notification.id).where(Notification.user_id == w.member2.id))) == 1  # no email


def test_reminders_found_after_the_days_digest_wait_for_the_next_day(idle_world):
    w = idle_world
    run_pass(TODAY, NOW)
    activity = Activity(community_id=w.comm1.id, title="晚间巡逻", category="safety",
                        starts_at=at(TODAY + timedelta(days=1), 19, 0),
                        ends_at=at(TODAY + timedelta(days=1), 21, 0), capacity=5)
    db.session.add(activity)
    db.session.flush()
    db.session.add(ActivitySignup(activity_id=activity.id, member_id=w.member1.id))
    db.session.flush()

    again = run_pass(TODAY, NOW + timedelta(hours=3))

    assert again[ReminderKind.ACTIVITY_TOMORROW] == 1 and again["digests"] == 0
    assert count(Notification, Notification.user_id == w.member1.id) == 1
    late = reminders_of(w.member1, ReminderKind.ACTIVITY_TOMORROW)[0]
    assert late.sent_at is None
    # already tomorrow the activity has started: no reminder for it, but the unsent one goes out
    run_pass(TODAY + timedelta(days=1), NOW + timedelta(days=1))
    db.session.refresh(late)
    assert late.sent_at is not None
    assert count(Notification, Notification.user_id == w.member1.id) == 2


def test_escalation_to_the_unit_after_k_reminders(idle_world, settings):
    w = idle_world
    settings(REMINDER_ESCALATE_AFTER=3, REMINDER_IDLE_EVERY_DAYS=7)
    days = [date(2026, 11, 1) + timedelta(days=7 * n) for n in range(4)]  # 1, 8, 15, 22 Nov
    for day in days[:3]:
        summary = run_pass(day, at(day))
        assert summary[ReminderKind.IDLE] == 3
        assert summary[ReminderKind.IDLE_ESCALATION] == 0
    served(w.member2, at(days[2]) + timedelta(days=1))  # member2 finally serves

    summary = run_pass(days[3], at(days[3]))

    escalations = db.session.scalars(sa.select(Reminder).where(
        Reminder.kind == ReminderKind.IDLE_ESCALATION)).all()
    # member1 and member3 work for unit1; member2 (unit2) served
    assert sorted((r.user_id, r.subject_id) for r in escalations) == sorted(
        [(w.unit_admin1.id, w.member1.id), (w.unit_admin1.id, w.member3.id)])
    assert summary[ReminderKind.IDLE_ESCALATION] == 2
    assert reminders_of(w.unit_admin2) == []
    digest = db.session.scalars(sa.select(Notification)
                                .where(Notification.user_id == w.unit_admin1.id)).one()
    assert w.member1.name in digest.body and w.member3.name in digest.body
    # the next day: no second escalation in the same month, no second idle reminder this week
    assert run_pass(days[3] + timedelta(days=1), at(days[3] + timedelta(days=1))) == {
        k: 0 for k in summary}


def test_no_escalation_before_k_reminders(idle_world, settings):
    w = idle_world
    settings(REMINDER_ESCALATE_AFTER=3, REMINDER_IDLE_EVERY_DAYS=7)
    for day in (date(2026, 11, 8), date(2026, 11, 15), date(2026, 11, 16)):
        assert run_pass(day, at(day))[ReminderKind.IDLE_ESCALATION] == 0
    assert reminders_of(w.unit_admin1) == []


def test_checklist_lag_only_at_checkpoints_and_by_the_applicable_list(idle_world):
    w = idle_world
    day = date(2026, 7, 1)
    for n, key in enumerate(["grid_volunteer", "suggestion"]):
        db.session.add(ChecklistEvidence(member_id=w.member1.id, year=2026, item_key=key,
                                         source_type="service_record", source_id=100 + n))
    db.session.add(ChecklistEvidence(member_id=w.member2.id, year=2026, item_key="suggestion",
                                     source_type="suggestion", source_id=7))
    # street2 (member3's) asks for a single item this year, which he has done
    db.session.add(ChecklistItem(place_id=w.street2.id, year=2026, key="help_household",
                                 title="帮助一户困难群众", required=1))
    db.session.add(ChecklistEvidence(member_id=w.member3.id, year=2026, item_key="help_household",
                                     source_type="pairing", source_id=9))
    db.session.flush()

    assert run_pass(day - timedelta(days=1), at(day - timedelta(days=1)))[
        ReminderKind.CHECKLIST_LAG] == 0
    summary = run_pass(day, at(day))

    assert summary[ReminderKind.CHECKLIST_LAG] == 1
    lag = reminders_of(w.member2, ReminderKind.CHECKLIST_LAG)
    assert len(lag) == 1 and "1/5" in lag[0].text
    assert reminders_of(w.member1, ReminderKind.CHECKLIST_LAG) == []
    assert reminders_of(w.member3, ReminderKind.CHECKLIST_LAG) == []


def test_activity_tomorrow_reminds_only_those_still_signed_up(idle_world):
    w = idle_world
    served(w.member1, NOW - timedelta(days=1))
    served(w.member2, NOW - timedelta(days=1))
    tomorrow = TODAY + timedelta(days=1)
    live = Activity(community_id=w.comm1.id, title="垃圾分类宣传", category="clean",
                    starts_at=at(tomorrow, 9, 0), ends_at=at(tomorrow, 11, 0), capacity=5)
    cancelled = Activity(community_id=w.comm1.id, title="已取消的活动", category="clean",
                         starts_at=at(tomorrow, 15, 0), ends_at=at(tomorrow, 16, 0), capacity=5,
                         is_cancelled=True)
    later = Activity(community_id=w.comm1.id, title="下周活动", category="clean",
                     starts_at=at(tomorrow + timedelta(days=6), 9, 0),
                     ends_at=at(tomorrow + timedelta(days=6), 10, 0), capacity=5)
    db.session.add_all([live, cancelled, later])
    db.session.flush()
    db.session.add_all([
        ActivitySignup(activity_id=live.id, member_id=w.member1.id),
        ActivitySignup(activity_id=live.id, member_id=w.member2.id, status="cancelled"),
        ActivitySignup(activity_id=cancelled.id, member_id=w.member1.id),
        ActivitySignup(activity_id=later.id, member_id=w.member1.id),
    ])
    db.session.flush()

    run_pass(TODAY, NOW)

    rows = reminders_of(w.member1, ReminderKind.ACTIVITY_TOMORROW)
    assert [(r.subject_id, "垃圾分类宣传" in r.text) for r in rows] == [(live.id, True)]
    assert reminders_of(w.member2) == []


def test_pass_works_for_inactive_or_unitless_members(idle_world):
    w = idle_world
    w.member1.is_active = False
    w.member2.unit_id = None
    db.session.flush()
    run_pass(TODAY, NOW)
    assert reminders_of(w.member1) == []
    assert len(reminders_of(w.member2)) == 1
    assert LONG_AGO.year == 2026
