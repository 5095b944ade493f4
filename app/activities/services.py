"""Activities: post, sign up, cancel, attendance by staff or by QR code. Services flush;
callers commit. Attendance pays the activity's points once and ticks its checklist item."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from app.activities.models import Activity, ActivitySignup, SignupStatus
from app.audit.services import record
from app.auth.models import Role, User
from app.auth.permissions import place_scope, require_manage_community
from app.auth.roles import STAFF_LIKE
from app.clock import utcnow
from app.database import get_or_404, insert_unique
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.notifications.services import notify
from app.points.checklist import ITEM_KEYS
from app.points.models import SourceType
from app.points.services import award, get_rule, record_evidence
from app.registrations.services import active_registration

CHECKIN_SALT = "activity-checkin"
CHECKIN_WINDOW = timedelta(hours=1)  # QR check-in opens an hour before, closes an hour after
STAFF_RECORD_LATE = timedelta(days=7)  # staff may record attendance up to a week afterwards


def _home_community_id(member_id: int) -> int | None:
    reg = active_registration(member_id)
    return reg.community_id if reg is not None else None


def create_activity(staff: User, *, community_id: int, title: str, category: str,
                    starts_at: datetime, ends_at: datetime, capacity: int,
                    points: int | None = None, checklist_item: str | None = "community_activity",
                    description: str = "", location: str = "",
                    now: datetime | None = None) -> Activity:
    require_manage_community(staff, community_id)
    if not title or not title.strip():
        raise Invalid("title", _("请填写标题"))
    if ends_at <= starts_at:
        raise Invalid("ends_at", _("结束时间须晚于开始时间"))
    if capacity < 1:
        raise Invalid("capacity", _("名额至少为 1"))
    if checklist_item is not None and checklist_item not in ITEM_KEYS:
        raise Invalid("checklist_item", _("未知的清单项目"))
    if points is None:
        points = get_rule("attendance").points
    now = now or utcnow()
    activity = Activity(
        community_id=community_id, title=title.strip(), category=category.strip(),
        description=(description or "").strip(), location=(location or "").strip(),
        checklist_item=checklist_item, starts_at=starts_at, ends_at=ends_at, capacity=capacity,
        points=points, created_by_id=staff.id, created_at=now,
    )
    db.session.add(activity)
    db.session.flush()
    record(staff, "activity.create", activity, {"title": activity.title}, now=now)
    return activity


def get_activity(activity_id: int) -> Activity:
    return get_or_404(Activity, activity_id, "activity")


def can_view_activity(viewer: User, activity: Activity) -> bool:
    if viewer.role == Role.MEMBER:
        return _home_community_id(viewer.id) == activity.community_id
    if viewer.role in STAFF_LIKE:
        try:
            require_manage_community(viewer, activity.community_id)
        except (Forbidden, NotFound):
            return False
        return True
    return False


def visible_activity(viewer: User, activity_id: int) -> Activity:
    """404 for unknown activities and for those outside the viewer's community or scope."""
    activity = get_activity(activity_id)
    if not can_view_activity(viewer, activity):
        raise NotFound(_("活动不存在"))
    return activity


def managed_activity(staff: User, activity_id: int) -> Activity:
    if staff.role not in STAFF_LIKE:
        raise Forbidden(_("只有社区工作人员可以操作"))
    return visible_activity(staff, activity_id)


def list_activities(viewer: User, *, community_id: int | None = None, upcoming: bool = False,
                    now: datetime | None = None):
    """A select of the activities the viewer may see, soonest first."""
    stmt = sa.select(Activity).order_by(Activity.starts_at.desc(), Activity.id.desc())
    if viewer.role == Role.MEMBER:
        stmt = stmt.where(Activity.community_id == (_home_community_id(viewer.id) or -1))
    elif viewer.role in STAFF_LIKE:
        stmt = stmt.where(place_scope(viewer, Activity.community_id))
    else:
        raise Forbidden(_("无权操作"))
    if community_id:
        stmt = stmt.where(Activity.community_id == community_id)
    if upcoming:
        stmt = stmt.where(Activity.ends_at >= (now or utcnow())).order_by(None).order_by(
            Activity.starts_at, Activity.id)
    return stmt


def cancel_activity(staff: User, activity_id: int, reason: str,
                    now: datetime | None = None) -> Activity:
    """Staff call an activity off before it ends; everyone signed up is told why."""
    now = now or utcnow()
    activity = managed_activity(staff, activity_id)
    if not reason or not reason.strip():
        raise Invalid("reason", _("请填写原因"))
    over = Conflict(_("活动已结束或已取消"))
    if activity.is_cancelled or activity.ends_at <= now:
        raise over
    called_off = db.session.execute(  # conditional: a second call at the same moment is a 409
        sa.update(Activity).where(Activity.id == activity.id, Activity.is_cancelled.is_(False))
        .values(is_cancelled=True).execution_options(synchronize_session=False))
    if called_off.rowcount != 1:
        raise over
    db.session.refresh(activity)
    record(staff, "activity.cancel", activity, {"reason": reason.strip()}, now=now)
    notify([s.member_id for s in signups(activity) if s.status == SignupStatus.SIGNED_UP],
           kind="activity_cancelled", title=f"活动取消：{activity.title}", body=reason.strip(),
           link=f"/activities/{activity.id}", now=now)
    return activity


def signup_of(activity_id: int, member_id: int) -> ActivitySignup | None:
    return db.session.scalar(sa.select(ActivitySignup).where(
        ActivitySignup.activity_id == activity_id, ActivitySignup.member_id == member_id))


def _take_slot(activity: Activity) -> None:
    """Conditional UPDATE: the capacity holds however many members sign up at once."""
    result = db.session.execute(
        sa.update(Activity)
        .where(Activity.id == activity.id, Activity.signup_count < Activity.capacity)
        .values(signup_count=Activity.signup_count + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(_("名额已满"))
    db.session.refresh(activity)


def _release_slot(activity: Activity) -> None:
    db.session.execute(
        sa.update(Activity).where(Activity.id == activity.id, Activity.signup_count > 0)
        .values(signup_count=Activity.signup_count - 1)
        .execution_options(synchronize_session=False))
    db.session.refresh(activity)


def sign_up(member: User, activity_id: int, now: datetime | None = None) -> ActivitySignup:
    """A member registered in the activity's community takes a slot; full: 409."""
    now = now or utcnow()
    if member.role != Role.MEMBER:
        raise Forbidden(_("只有在职党员可以报名"))
    activity = get_activity(activity_id)
    if _home_community_id(member.id) != activity.community_id:
        raise Forbidden(_("只能报名本人报到社区的活动"))
    if activity.is_cancelled or activity.ends_at <= now:
        raise Conflict(_("活动已结束或取消"))
    signup = signup_of(activity.id, member.id)
    if signup is not None and signup.status != SignupStatus.CANCELLED:
        raise Conflict(_("已经报名"))
    if signup is None:
        signup = ActivitySignup(activity_id=activity.id, member_id=member.id, created_at=now)
        insert_unique(signup, Conflict(_("已经报名")))
    else:  # signing up again: only one of two racing requests finds it still cancelled
        _move_signup(signup, SignupStatus.CANCELLED, Conflict(_("已经报名")),
                     status=SignupStatus.SIGNED_UP, cancelled_at=None, created_at=now,
                     counts_for_capacity=True)
    _take_slot(activity)
    return signup


def _move_signup(signup: ActivitySignup, expected: str, conflict: Conflict, **values) -> None:
    """UPDATE ... WHERE status = :expected; a racing request that moved it first: `conflict`."""
    moved = db.session.execute(
        sa.update(ActivitySignup).where(ActivitySignup.id == signup.id, ActivitySignup.status == expected)
        .values(**values).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise conflict
    db.session.refresh(signup)


def cancel_signup(member: User, activity_id: int, now: datetime | None = None) -> ActivitySignup:
    now = now or utcnow()
    activity = get_activity(activity_id)
    signup = signup_of(activity.id, member.id)
    if signup is None:
        raise NotFound(_("报名记录不存在"))
    refused = Conflict(_("无法取消：活动已开始或未报名"))
    if signup.status != SignupStatus.SIGNED_UP or activity.starts_at <= now:
        raise refused
    _move_signup(signup, SignupStatus.SIGNED_UP, refused,  # a second cancel at once: 409
                 status=SignupStatus.CANCELLED, cancelled_at=now)
    if signup.counts_for_capacity:
        _release_slot(activity)
    return signup


def _attend(activity: Activity, member_id: int, *, method: str, recorded_by: User,
            now: datetime, late: timedelta = CHECKIN_WINDOW) -> ActivitySignup:
    if activity.is_cancelled:
        raise Conflict(_("活动已取消"))
    if now < activity.starts_at - CHECKIN_WINDOW or now > activity.ends_at + late:
        raise Conflict(_("不在活动签到时间内"))
    signup = signup_of(activity.id, member_id) or _walk_in(activity, member_id, now)
    if signup.status == SignupStatus.ATTENDED:
        return signup
    if signup.status == SignupStatus.CANCELLED:
        signup.counts_for_capacity = False
    signup.status, signup.attended_at = SignupStatus.ATTENDED, now
    signup.checkin_method, signup.recorded_by_id = method, recorded_by.id
    db.session.flush()
    award(member_id, "attendance", source_type=SourceType.ATTENDANCE, source_id=activity.id,
          points=activity.points, created_by_id=recorded_by.id, reason=f"参加活动：{activity.title}",
          now=now)
    if activity.checklist_item:
        record_evidence(member_id, activity.checklist_item, source_type=SourceType.ATTENDANCE,
                        source_id=activity.id, note=activity.title, now=now)
    return signup


def _walk_in(activity: Activity, member_id: int, now: datetime) -> ActivitySignup:
    """The row of a member who attends without having signed up (no slot); when another
    request (staff and his own QR check-in at once) created it meanwhile, that row."""
    row = ActivitySignup(activity_id=activity.id, member_id=member_id, created_at=now,
                         counts_for_capacity=False)
    return insert_unique(row) or signup_of(activity.id, member_id)


def record_attendance(staff: User, activity_id: int, member_id: int,
                      now: datetime | None = None) -> ActivitySignup:
    """Staff mark a member present; repeating it changes nothing and pays nothing more."""
    now = now or utcnow()
    activity = managed_activity(staff, activity_id)
    if _home_community_id(member_id) != activity.community_id:
        raise Invalid("member_id", _("该党员未在此社区报到"))
    signup = _attend(activity, member_id, method="staff", recorded_by=staff, now=now,
                     late=STAFF_RECORD_LATE)
    record(staff, "activity.attendance", activity, {"member_id": member_id}, now=now)
    return signup


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=CHECKIN_SALT)


def checkin_ttl() -> timedelta:
    return timedelta(seconds=current_app.config.get("CHECKIN_CODE_TTL_SECONDS", 600))


def checkin_code(staff: User, activity_id: int, now: datetime | None = None) -> dict:
    """A signed code naming the activity and its expiry; the staff page shows it as a QR."""
    now = now or utcnow()
    activity = managed_activity(staff, activity_id)
    expires_at = now + checkin_ttl()
    code = _serializer().dumps({"a": activity.id, "e": int(expires_at.timestamp())})
    return {"activity_id": activity.id, "code": code, "expires_at": expires_at}


def check_in(member: User, activity_id: int, code: str, now: datetime | None = None) -> ActivitySignup:
    """The member confirms the scanned code: valid signature, this activity, not expired."""
    now = now or utcnow()
    if member.role != Role.MEMBER:
        raise Forbidden(_("只有在职党员可以签到"))
    activity = get_activity(activity_id)
    if _home_community_id(member.id) != activity.community_id:
        raise NotFound(_("活动不存在"))
    try:
        payload = _serializer().loads(code or "")
    except BadSignature:
        raise Invalid("code", _("签到码无效")) from None
    if not isinstance(payload, dict) or payload.get("a") != activity.id:
        raise Invalid("code", _("签到码无效"))
    if not isinstance(payload.get("e"), int) or payload["e"] < now.timestamp():
        raise Invalid("code", _("签到码已过期，请重新扫码"))
    return _attend(activity, member.id, method="qr", recorded_by=member, now=now)


def signups(activity: Activity) -> list[ActivitySignup]:
    return list(db.session.scalars(
        sa.select(ActivitySignup).where(ActivitySignup.activity_id == activity.id)
        .order_by(ActivitySignup.created_at, ActivitySignup.id)))


def is_no_show(signup: ActivitySignup, activity: Activity, now: datetime | None = None) -> bool:
    """Signed up, never attended, and the activity is over."""
    return signup.status == SignupStatus.SIGNED_UP and activity.ends_at < (now or utcnow())


def my_signups(member_id: int, activity_ids: list[int]) -> dict[int, ActivitySignup]:
    if not activity_ids:
        return {}
    rows = db.session.scalars(sa.select(ActivitySignup).where(
        ActivitySignup.member_id == member_id, ActivitySignup.activity_id.in_(activity_ids)))
    return {s.activity_id: s for s in rows}
