"""What staff see of the idle: members of their communities the pass would call idle today,
with the reminders they (and their unit, by escalation) received."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from app.auth.models import User
from app.auth.permissions import place_scope, require_manage_community
from app.clock import local_today
from app.extensions import db
from app.i18n import N_
from app.params import valid_id
from app.points.idleness import approved_members, idle_conditions
from app.registrations.models import Registration
from app.reminders.models import Reminder, ReminderKind

KIND_LABELS = {
    ReminderKind.IDLE: N_("未服务提醒"),
    ReminderKind.IDLE_ESCALATION: N_("已通知单位"),
    ReminderKind.CHECKLIST_LAG: N_("五个一进度提醒"),
    ReminderKind.ORDER_OVERDUE: N_("工单超期"),
    ReminderKind.ACTIVITY_TOMORROW: N_("活动提醒"),
}


def idle_members(viewer: User, today: date | None = None, community_id: int | None = None):
    """A SELECT of Registration rows: idle members inside the viewer's scope (optionally one
    community, which must be his: 404/403 otherwise), longest-approved first."""
    today = today or local_today()
    stmt = (approved_members().with_only_columns(Registration)
            .where(*idle_conditions(today), place_scope(viewer, Registration.community_id))
            .order_by(Registration.approved_at, Registration.id))
    if community_id:
        require_manage_community(viewer, valid_id(community_id))
        stmt = stmt.where(Registration.community_id == community_id)
    return stmt


def reminder_history(member_ids: list[int], limit_per_member: int = 10) -> dict[int, list[Reminder]]:
    """Reminders each member received plus escalations about him, newest first; one query."""
    if not member_ids:
        return {}
    rows = db.session.scalars(
        sa.select(Reminder).where(sa.or_(
            sa.and_(Reminder.user_id.in_(member_ids), Reminder.kind.in_(
                [ReminderKind.IDLE, ReminderKind.CHECKLIST_LAG])),
            sa.and_(Reminder.kind == sa.literal_column("'idle_escalation'"),
                    Reminder.subject_id.in_(member_ids))))
        .order_by(Reminder.created_at.desc(), Reminder.id.desc())).all()
    history: dict[int, list[Reminder]] = defaultdict(list)
    for row in rows:
        member_id = row.subject_id if row.kind == ReminderKind.IDLE_ESCALATION else row.user_id
        if len(history[member_id]) < limit_per_member:
            history[member_id].append(row)
    return history
