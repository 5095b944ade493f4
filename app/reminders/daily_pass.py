"""The daily reminder pass: a handful of INSERT ... SELECT statements that turn what is due
into Reminder rows (unique per person, kind, subject and period, so a rerun adds nothing),
then one digest notification per person combining them, then its deliveries.
Services flush; the caller (CLI or scheduler) commits, and sending happens after that."""
from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

from app.activities.models import Activity, ActivitySignup, SignupStatus
from app.announcements.models import Announcement
from app.auth.models import Role, User
from app.clock import day_start, local_today, utcnow
from app.database import UTCDateTime, insert_ignoring_duplicates, minute_utc, refresh_statistics, without_jit
from app.extensions import db
from app.notifications.delivery import plan_deliveries
from app.notifications.models import Notification
from app.orders.models import OPEN_STATUSES as OPEN_ORDER_STATUSES
from app.orders.models import Order
from app.orders.states import STATUS_LABELS as ORDER_STATUS_LABELS
from app.places.models import Place, PlaceKind
from app.points.checklist import DEFAULT_SPECS, ItemSpec, configured_specs
from app.points.idleness import approved_before, approved_members, idle_conditions
from app.points.models import ChecklistEvidence, ChecklistItem
from app.registrations.models import Registration, RegistrationStatus
from app.reminders.models import Reminder, ReminderKind

REMINDER_COLUMNS = ["user_id", "kind", "subject_id", "period", "due_on", "text", "created_at",
                    "sent_at"]
DIGEST_KIND = "digest"
INBOX_LINK = "/notifications"


def digest_key(day: date) -> str:
    return f"digest:{day.isoformat()}"


def _values(kind: str, period: str, today: date, now: datetime, user_id) -> tuple:
    """The constant columns of a reminder row, and its sent_at: `now` (it goes into today's
    digest, composed at the end of this pass) unless the person already has today's digest,
    in which case it waits, unsent, for tomorrow's."""
    sent_at = sa.literal(now, UTCDateTime)
    if _digests_exist(today):
        has_digest = sa.exists().where(Notification.user_id == user_id,
                                       Notification.dedupe_key == digest_key(today))
        sent_at = sa.case((has_digest, sa.null()), else_=sent_at)
    return (sa.literal(kind), sa.literal(period), sa.literal(today, sa.Date),
            sa.literal(now, UTCDateTime), sent_at)


def _digests_exist(today: date) -> bool:
    return db.session.scalar(sa.select(Notification.id)
                             .where(Notification.dedupe_key == digest_key(today))
                             .limit(1)) is not None


def idle_period(today: date) -> str:
    """Idle reminders repeat every REMINDER_IDLE_EVERY_DAYS: the period is the bucket's first day."""
    every = max(current_app.config["REMINDER_IDLE_EVERY_DAYS"], 1)
    return (today - timedelta(days=today.toordinal() % every)).isoformat()


def remind_idle(today: date, now: datetime) -> int:
    days = current_app.config["REMINDER_IDLE_NO_SERVICE_DAYS"]
    text = (f"您已超过 {days} 天没有服务记录。社区期待您的参与：报名社区活动、认领群众点单，"
            "或登记您的志愿服务。")
    kind, period, due_on, created, sent = _values(ReminderKind.IDLE, idle_period(today), today,
                                                  now, Registration.member_id)
    rows = (approved_members()
            .with_only_columns(Registration.member_id, kind, sa.literal(0), period, due_on,
                               sa.literal(text), created, sent)
            .where(*idle_conditions(today)))
    return insert_ignoring_duplicates(Reminder, REMINDER_COLUMNS, rows)


def escalate_idle(today: date, now: datetime) -> int:
    """Members still idle after K idle reminders (within the idle window) -> their unit
    admins, at most once a month per member."""
    config = current_app.config
    window_start = today - timedelta(days=config["REMINDER_IDLE_NO_SERVICE_DAYS"])
    reminded = (sa.select(Reminder.user_id)
                .where(Reminder.kind == sa.literal_column("'idle'"), Reminder.subject_id == 0,
                       Reminder.due_on < today, Reminder.due_on > window_start)
                .group_by(Reminder.user_id)
                .having(sa.func.count() >= config["REMINDER_ESCALATE_AFTER"]))
    admin = aliased(User)
    kind, period, due_on, created, sent = _values(
        ReminderKind.IDLE_ESCALATION, today.strftime("%Y-%m"), today, now, admin.id)
    text = (sa.literal("在职党员 ") + User.name
            + sa.literal(f" 已被提醒 {config['REMINDER_ESCALATE_AFTER']} 次，仍超过 "
                         f"{config['REMINDER_IDLE_NO_SERVICE_DAYS']} 天没有服务记录，请单位督促。"))
    rows = (approved_members()
            .join(admin, sa.and_(admin.unit_id == User.unit_id, admin.role == Role.UNIT_ADMIN,
                                 admin.is_active.is_(True)))
            .with_only_columns(admin.id, kind, Registration.member_id, period, due_on, text,
                               created, sent)
            .where(*idle_conditions(today), Registration.member_id.in_(reminded)))
    return insert_ignoring_duplicates(Reminder, REMINDER_COLUMNS, rows)


def checkpoint_share(today: date) -> float | None:
    """The share of his list a member should have ticked if today is a checkpoint."""
    for spec in current_app.config["REMINDER_CHECKLIST_CHECKPOINTS"].split(","):
        month_day, _, share = spec.strip().partition(":")
        if month_day and today.strftime("%m-%d") == month_day:
            return float(share or 1)
    return None


def _community_groups(year: int) -> dict[tuple[ItemSpec, ...], list[int]]:
    """Communities grouped by the checklist that applies to them this year (few groups)."""
    configured_places = db.session.scalars(
        sa.select(ChecklistItem.place_id).where(ChecklistItem.year == year).distinct()).all()
    if not configured_places:
        return {}
    specs = configured_specs(configured_places, year)
    groups: dict[tuple[ItemSpec, ...], list[int]] = defaultdict(list)
    for community_id, path in db.session.execute(
            sa.select(Place.id, Place.path).where(Place.kind == PlaceKind.COMMUNITY)):
        ancestors = [int(p) for p in path.strip("/").split("/") if p]
        spec = next((specs[p] for p in reversed(ancestors) if p in specs), DEFAULT_SPECS)
        if spec != DEFAULT_SPECS:
            groups[spec].append(community_id)
    return groups


def remind_checklist_lag(today: date, now: datetime) -> int:
    """At a checkpoint, members who have ticked fewer items than the checkpoint's share of
    their year's list: one INSERT ... SELECT per distinct list (usually one)."""
    share = checkpoint_share(today)
    if share is None:
        return 0
    groups = _community_groups(today.year)
    configured_ids = [cid for ids in groups.values() for cid in ids]
    added = _remind_lag_for(DEFAULT_SPECS, Registration.community_id.not_in(configured_ids),
                            share, today, now)
    for spec, community_ids in groups.items():
        added += _remind_lag_for(spec, Registration.community_id.in_(community_ids), share,
                                 today, now)
    return added


def _remind_lag_for(spec: tuple[ItemSpec, ...], where, share: float, today: date,
                    now: datetime) -> int:
    required = {item.key: item.required for item in spec}
    expected = min(len(spec), max(1, math.floor(len(spec) * share + 1e-9)))
    counts = (sa.select(ChecklistEvidence.member_id, ChecklistEvidence.item_key,
                        sa.func.count().label("n"))
              .where(ChecklistEvidence.year == today.year,
                     ChecklistEvidence.item_key.in_(list(required)))
              .group_by(ChecklistEvidence.member_id, ChecklistEvidence.item_key).subquery())
    done = (sa.select(counts.c.member_id, sa.func.count().label("done"))
            .where(counts.c.n >= sa.case(required, value=counts.c.item_key, else_=1))
            .group_by(counts.c.member_id).subquery())
    done_n = sa.func.coalesce(done.c.done, 0)
    kind, period, due_on, created, sent = _values(
        ReminderKind.CHECKLIST_LAG, f"{today.year}-{today.strftime('%m-%d')}", today, now,
        Registration.member_id)
    text = (sa.literal("“五个一”清单进度落后：已完成 ") + sa.cast(done_n, sa.String)
            + sa.literal(f"/{len(spec)} 项，此时应完成至少 {expected} 项。"))
    rows = (approved_members()
            .outerjoin(done, done.c.member_id == Registration.member_id)
            .with_only_columns(Registration.member_id, kind, sa.literal(0), period, due_on, text,
                               created, sent)
            .where(where, Registration.approved_at < approved_before(today), done_n < expected))
    return insert_ignoring_duplicates(Reminder, REMINDER_COLUMNS, rows)


def remind_activity_tomorrow(today: date, now: datetime) -> int:
    """Everyone still signed up for an activity starting tomorrow (and not yet started)."""
    tomorrow = today + timedelta(days=1)
    kind, period, due_on, created, sent = _values(
        ReminderKind.ACTIVITY_TOMORROW, tomorrow.isoformat(), today, now, ActivitySignup.member_id)
    text = sa.literal("明天的活动「") + Activity.title + sa.literal("」，请准时参加。")
    rows = (sa.select(ActivitySignup.member_id, kind, Activity.id, period, due_on, text, created,
                      sent)
            .join(Activity, Activity.id == ActivitySignup.activity_id)
            .where(ActivitySignup.status == SignupStatus.SIGNED_UP,
                   Activity.is_cancelled.is_(False),
                   Activity.starts_at >= max(day_start(tomorrow), now),
                   Activity.starts_at < day_start(tomorrow + timedelta(days=1))))
    return insert_ignoring_duplicates(Reminder, REMINDER_COLUMNS, rows)


ANNOUNCEMENT_WINDOW = timedelta(days=3)  # a pass missed for a day or two still brings them


def remind_announcements(today: date, now: datetime) -> int:
    """New announcements (posted in the last few days, not expired) -> every member approved in
    a community under the announcement's place, and every resident living under it; once per
    person and announcement (the period is "once"). Two INSERT ... SELECT."""
    added = 0
    text = sa.literal("通知公告：") + sa.func.substr(Announcement.title, 1, 120)
    target = aliased(Place)
    fresh = (Announcement.created_at >= now - ANNOUNCEMENT_WINDOW, Announcement.created_at <= now,
             sa.or_(Announcement.expires_on.is_(None), Announcement.expires_on >= today))
    home = aliased(Place)
    for person, joined in (
            (Registration.member_id, lambda q: q.join(Registration, sa.and_(
                Registration.community_id == home.id, Registration.status == RegistrationStatus.APPROVED))
             .join(User, User.id == Registration.member_id)),
            (User.id, lambda q: q.join(User, sa.and_(User.place_id == home.id, User.role == Role.RESIDENT)))):
        kind, period, due_on, created, sent = _values(ReminderKind.ANNOUNCEMENT, "once", today, now, person)
        rows = joined(sa.select(person, kind, Announcement.id, period, due_on, text, created, sent)
                      .select_from(Announcement)
                      .join(target, target.id == Announcement.place_id)
                      .join(home, home.path.startswith(target.path)))
        added += insert_ignoring_duplicates(
            Reminder, REMINDER_COLUMNS, rows.where(*fresh, User.is_active.is_(True)))
    return added


def alert_overdue_orders(today: date, now: datetime) -> int:
    """Open orders past their deadline -> the staff of the order's community and the admins of
    the unit it was sent to. Once per order and deadline (the period is the deadline): an order
    that stays overdue is not repeated every day (the dispatch board lists it first), but a new
    deadline (dispatched again, reopened) alerts again once it passes. Two INSERT ... SELECT."""
    status = sa.case({s.value: ORDER_STATUS_LABELS[s] for s in OPEN_ORDER_STATUSES},
                     value=Order.status, else_=Order.status)
    text = (sa.literal("工单「") + Order.title + sa.literal("」（#") + sa.cast(Order.id, sa.String)
            + sa.literal("，") + status + sa.literal("）已超过办理期限，请尽快处理。"))
    recipients = (
        sa.and_(User.role == Role.STAFF, User.place_id == Order.community_id),
        sa.and_(User.role == Role.UNIT_ADMIN, User.unit_id == Order.unit_id,
                Order.to_pool.is_(False)),
    )
    added = 0
    for recipient in recipients:
        kind, _period, due_on, created, sent = _values(ReminderKind.ORDER_OVERDUE, "", today, now,
                                                       User.id)
        rows = (sa.select(User.id, kind, Order.id, minute_utc(Order.deadline), due_on, text,
                          created, sent)
                .select_from(Order).join(User, recipient)
                .where(Order.status.in_(OPEN_ORDER_STATUSES), Order.deadline < now,
                       User.is_active.is_(True)))
        added += insert_ignoring_duplicates(Reminder, REMINDER_COLUMNS, rows)
    return added


def compose_digests(today: date, now: datetime) -> int:
    """One notification per person combining his reminders marked sent by this pass (and any
    left unsent because he already had a digest that day), then its deliveries. A person who
    already has today's digest gets the rest tomorrow: one digest a day."""
    key = digest_key(today)
    has_digest = sa.exists().where(Notification.user_id == Reminder.user_id,
                                   Notification.dedupe_key == key)
    db.session.execute(  # earlier days' leftovers (partial index on unsent rows: few)
        sa.update(Reminder).where(Reminder.sent_at.is_(None), ~has_digest)
        .values(sent_at=now, due_on=today).execution_options(synchronize_session=False))
    title = sa.literal("今日提醒（") + sa.cast(sa.func.count(), sa.String) + sa.literal(" 条）")
    rows = (sa.select(Reminder.user_id, sa.literal(DIGEST_KIND), title,
                      sa.func.aggregate_strings(Reminder.text, "\n"), sa.literal(INBOX_LINK),
                      sa.literal(key), sa.literal(now, UTCDateTime))
            .where(Reminder.sent_at == now, Reminder.due_on == today)
            .group_by(Reminder.user_id))
    added = insert_ignoring_duplicates(
        Notification, ["user_id", "kind", "title", "body", "link", "dedupe_key", "created_at"],
        rows)
    if added:
        refresh_statistics("notification")
        plan_deliveries(sa.select(Notification.id).where(Notification.dedupe_key == key,
                                                         Notification.created_at == now), now)
    return added


def run_pass(today: date | None = None, now: datetime | None = None) -> dict[str, int]:
    """The whole daily pass for `today` (local date). Flushes only; the caller commits.
    Returns how many reminders of each kind were added and how many digests were stored."""
    now = now or utcnow()
    today = today or local_today(now)
    without_jit()
    summary = {
        ReminderKind.IDLE: remind_idle(today, now),
        ReminderKind.IDLE_ESCALATION: escalate_idle(today, now),
        ReminderKind.CHECKLIST_LAG: remind_checklist_lag(today, now),
        ReminderKind.ACTIVITY_TOMORROW: remind_activity_tomorrow(today, now),
        ReminderKind.ORDER_OVERDUE: alert_overdue_orders(today, now),
        ReminderKind.ANNOUNCEMENT: remind_announcements(today, now),
    }
    refresh_statistics("reminder")
    summary["digests"] = compose_digests(today, now)
    db.session.expire_all()
    return summary
