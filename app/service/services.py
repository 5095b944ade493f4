"""Service records, suggestions, needy households and pairings. Services flush; callers commit."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit.services import record
from app.auth.models import Role, User
from app.auth.permissions import place_scope, require_manage_community
from app.auth.roles import STAFF_LIKE
from app.clock import utcnow, year_bounds
from app.database import get_or_404, insert_unique
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.i18n import N_
from app.notifications.services import notify
from app.params import not_found, require_id
from app.points.models import SourceType
from app.points.services import award, record_evidence
from app.registrations.services import active_registration
from app.service.models import Household, Pairing, RecordStatus, ServiceRecord, Suggestion, SuggestionStatus

RECORD_ITEMS = ("grid_volunteer", "help_household")
MAX_HOURS = 24.0

# Notification titles without stored data: the inbox shows them in the reader's language.
RECORD_APPROVED, RECORD_REJECTED = N_("服务记录已审核通过"), N_("服务记录未通过")
SUGGESTION_ADOPTED, SUGGESTION_DECLINED = N_("您的建议已被采纳"), N_("您的建议未被采纳")
NOTICE_TITLES = (RECORD_APPROVED, RECORD_REJECTED, SUGGESTION_ADOPTED, SUGGESTION_DECLINED)


def hours_for(member_ids, year: int) -> dict[int, float]:
    """Verified service hours per member in `year` (by the service's start, local time).
    `member_ids` is a list (every id gets a value, 0.0 if none) or a SELECT of ids; one query."""
    start, end = year_bounds(year)

    def query(ids):
        return db.session.execute(
            sa.select(ServiceRecord.member_id, sa.func.sum(ServiceRecord.hours))
            .where(ServiceRecord.status == RecordStatus.VERIFIED,
                   ServiceRecord.started_at >= start, ServiceRecord.started_at < end,
                   ServiceRecord.member_id.in_(ids))
            .group_by(ServiceRecord.member_id))

    if isinstance(member_ids, sa.Select):
        return {m: float(h or 0) for m, h in query(member_ids)}
    result = dict.fromkeys(member_ids, 0.0)
    ids = list(result)
    for i in range(0, len(ids), 5000):
        for member_id, hours in query(ids[i:i + 5000]):
            result[member_id] = float(hours or 0)
    return result


def hours_by_category(member_id: int, start: datetime, end: datetime) -> dict[str, float]:
    """The member's verified service hours per category, for service started in [start, end)."""
    rows = db.session.execute(
        sa.select(ServiceRecord.category, sa.func.sum(ServiceRecord.hours))
        .where(ServiceRecord.member_id == member_id, ServiceRecord.status == RecordStatus.VERIFIED,
               ServiceRecord.started_at >= start, ServiceRecord.started_at < end)
        .group_by(ServiceRecord.category).order_by(ServiceRecord.category))
    return {category: float(hours or 0) for category, hours in rows}


# ---- shared checks -----------------------------------------------------------------------

def _require_member_of(member: User, community_id: int) -> None:
    if member.role != Role.MEMBER:
        raise Forbidden(_("只有在职党员可以提交"))
    reg = active_registration(member.id)
    if reg is None or reg.community_id != community_id:
        raise Forbidden(_("只能向本人报到的社区提交"))


def _staff_scope(staff: User, community_id: int, what: str) -> None:
    """Staff over the community, else 404 (ids outside the scope are not disclosed)."""
    if staff.role not in STAFF_LIKE:
        raise Forbidden(_("只有社区工作人员可以操作"))
    try:
        require_manage_community(staff, community_id)
    except (Forbidden, NotFound):
        raise NotFound(not_found(what)) from None


def _scoped(stmt, viewer: User, model):
    if viewer.role == Role.MEMBER:
        return stmt.where(model.member_id == viewer.id)
    if viewer.role in STAFF_LIKE:
        return stmt.where(place_scope(viewer, model.community_id))
    raise Forbidden(_("无权操作"))


def _visible(model, viewer: User, row_id: int, what: str):
    """The member's own row or one in the staff's scope; otherwise 404."""
    row = db.session.get(model, require_id(row_id, what))
    if row is None or (viewer.role == Role.MEMBER and row.member_id != viewer.id):
        raise NotFound(not_found(what))
    if viewer.role != Role.MEMBER:
        _staff_scope(viewer, row.community_id, what)
    return row


def _listing(model, viewer: User, status: str | None, community_id: int | None):
    """A select of the rows the viewer may see, newest first, optionally filtered."""
    stmt = _scoped(sa.select(model).order_by(model.id.desc()), viewer, model)
    if status:
        stmt = stmt.where(model.status == status)
    if community_id:
        stmt = stmt.where(model.community_id == community_id)
    return stmt


def _pending_decision(model, staff: User, row_id: int, what: str, reason: str | None,
                      reason_needed: bool):
    """The pending row a staff member of its community may decide; never his own."""
    row = get_or_404(model, row_id, what)
    if row.member_id == staff.id:
        raise Forbidden(_("不能处理本人的记录"))
    _staff_scope(staff, row.community_id, what)
    reason = (reason or "").strip()
    if reason_needed and not reason:
        raise Invalid("reason", _("请填写原因"))
    if row.status != "pending":
        raise Conflict(_("已处理"))
    return row, reason


def _decide(model, row, expected: str, values: dict) -> None:
    """Conditional update: a concurrent second decision is a 409."""
    result = db.session.execute(
        sa.update(model).where(model.id == row.id, model.status == expected).values(**values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(_("已处理"))
    db.session.refresh(row)


# ---- needy households and pairings ---------------------------------------------------------

def create_household(staff: User, *, community_id: int, name: str, address: str,
                     needs: str = "", now: datetime | None = None) -> Household:
    require_manage_community(staff, community_id)
    if not name.strip() or not address.strip():
        raise Invalid("name" if not name.strip() else "address", _("必填"))
    now = now or utcnow()
    household = Household(community_id=community_id, name=name.strip(), address=address.strip(),
                          needs=(needs or "").strip(), created_by_id=staff.id, created_at=now)
    db.session.add(household)
    db.session.flush()
    record(staff, "household.create", household, {"name": household.name}, now=now)
    return household


def list_households(viewer: User, community_id: int | None = None):
    """Staff: their scope's households; members: the households they are paired with."""
    stmt = sa.select(Household).where(Household.is_active.is_(True)).order_by(Household.id.desc())
    if viewer.role == Role.MEMBER:
        stmt = stmt.where(Household.id.in_(
            sa.select(Pairing.household_id).where(Pairing.member_id == viewer.id)))
    elif viewer.role in STAFF_LIKE:
        stmt = stmt.where(place_scope(viewer, Household.community_id))
    else:
        raise Forbidden(_("无权操作"))
    if community_id:
        stmt = stmt.where(Household.community_id == community_id)
    return stmt


def pair(staff: User, household_id: int, member_id: int, now: datetime | None = None) -> Pairing:
    """Pairs a member registered in the household's community with it (once)."""
    household = db.session.get(Household, household_id)
    if household is None:
        raise NotFound(_("困难户不存在"))
    _staff_scope(staff, household.community_id, "household")
    reg = active_registration(member_id)
    if reg is None or reg.community_id != household.community_id:
        raise Invalid("member_id", _("该党员未在困难户所在社区报到"))
    now = now or utcnow()
    pairing = Pairing(household_id=household.id, member_id=member_id, created_by_id=staff.id,
                      created_at=now)
    insert_unique(pairing, Conflict(_("已结对")))
    record(staff, "pairing.create", pairing, {"household_id": household.id,
                                              "member_id": member_id}, now=now)
    return pairing


def pairings_of(household_ids: list[int]) -> dict[int, list[Pairing]]:
    result: dict[int, list[Pairing]] = {h: [] for h in household_ids}
    if household_ids:
        for p in db.session.scalars(sa.select(Pairing).where(Pairing.household_id.in_(household_ids))
                                    .order_by(Pairing.id)):
            result[p.household_id].append(p)
    return result


def is_paired(member_id: int, household_id: int) -> bool:
    return db.session.scalar(sa.select(Pairing.id).where(
        Pairing.member_id == member_id, Pairing.household_id == household_id)) is not None


# ---- service records -------------------------------------------------------------------------

def create_record(member: User, *, community_id: int, category: str, started_at: datetime,
                  hours: float, description: str, checklist_item: str | None = None,
                  household_id: int | None = None, now: datetime | None = None) -> ServiceRecord:
    """A member logs service in his community; it waits for staff to verify it."""
    now = now or utcnow()
    _require_member_of(member, community_id)
    if checklist_item is not None and checklist_item not in RECORD_ITEMS:
        raise Invalid("checklist_item", _("服务记录须勾选网格志愿服务或帮扶困难户"))
    if not 0 < hours <= MAX_HOURS:
        raise Invalid("hours", _("时长须大于 0 且不超过 %(max)s 小时", max=MAX_HOURS))
    if started_at > now:
        raise Invalid("started_at", _("服务开始时间不能晚于现在"))
    if not description or not description.strip():
        raise Invalid("description", _("请填写服务内容"))
    if household_id is not None:
        household = db.session.get(Household, household_id)
        if household is None or household.community_id != community_id:
            raise Invalid("household_id", _("该困难户不在此社区"))
        if not is_paired(member.id, household_id):
            raise Invalid("household_id", _("您未与该困难户结对"))
    elif checklist_item == "help_household":
        raise Invalid("household_id", _("帮扶困难户须选择结对的困难户"))
    rec = ServiceRecord(member_id=member.id, community_id=community_id, category=category.strip(),
                        checklist_item=checklist_item, household_id=household_id,
                        started_at=started_at, hours=hours, description=description.strip(),
                        status=RecordStatus.PENDING, created_at=now)
    db.session.add(rec)
    db.session.flush()
    return rec


def visible_record(viewer: User, record_id: int) -> ServiceRecord:
    return _visible(ServiceRecord, viewer, record_id, "service record")


def list_records(viewer: User, *, status: str | None = None, community_id: int | None = None):
    return _listing(ServiceRecord, viewer, status, community_id)


def verify_record(staff: User, record_id: int, approved: bool, reason: str | None = None,
                  now: datetime | None = None) -> ServiceRecord:
    """Staff of the record's community verify (points per hour, checklist item, paired
    household help) or reject it with a reason (nothing changes). Nobody verifies his own."""
    now = now or utcnow()
    rec, reason = _pending_decision(ServiceRecord, staff, record_id, "service record", reason,
                                    reason_needed=not approved)
    status = RecordStatus.VERIFIED if approved else RecordStatus.REJECTED
    _decide(ServiceRecord, rec, RecordStatus.PENDING, {
        "status": status, "reason": reason or None, "decided_by_id": staff.id, "decided_at": now})
    record(staff, f"service_record.{'verify' if approved else 'reject'}", rec,
           {"member_id": rec.member_id, "hours": rec.hours, "reason": reason}, now=now)
    if approved:
        _pay_verified(staff, rec, now)
    notify([rec.member_id], kind="service_record_" + status,
           title=RECORD_APPROVED if approved else RECORD_REJECTED,
           body=rec.description[:100] if approved else f"原因：{reason}", link="/me/points", now=now)
    return rec


def _pay_verified(staff: User, rec: ServiceRecord, now: datetime) -> None:
    """Points are paid when verified; the checklist evidence is dated (and counts in the year)
    when the service was done, like hours_for."""
    award(rec.member_id, "service_hour", source_type=SourceType.SERVICE_RECORD, source_id=rec.id,
          quantity=rec.hours, created_by_id=staff.id, reason=f"志愿服务 {rec.hours:g} 小时：{rec.category}",
          now=now)
    if rec.checklist_item and rec.checklist_item != "help_household":
        record_evidence(rec.member_id, rec.checklist_item, source_type=SourceType.SERVICE_RECORD,
                        source_id=rec.id, note=rec.category, now=rec.started_at)
    if rec.household_id is not None and is_paired(rec.member_id, rec.household_id):
        award(rec.member_id, "pairing_help", source_type=SourceType.SERVICE_RECORD, source_id=rec.id,
              created_by_id=staff.id, reason=f"帮扶结对户：{rec.household.name}", now=now)
        record_evidence(rec.member_id, "help_household", source_type=SourceType.SERVICE_RECORD,
                        source_id=rec.id, note=rec.household.name, now=rec.started_at)


# ---- suggestions ----------------------------------------------------------------------------

def create_suggestion(member: User, *, community_id: int, title: str, body: str,
                      now: datetime | None = None) -> Suggestion:
    _require_member_of(member, community_id)
    if not title.strip() or not body.strip():
        raise Invalid("title" if not title.strip() else "body", _("必填"))
    sug = Suggestion(member_id=member.id, community_id=community_id, title=title.strip(),
                     body=body.strip(), created_at=now or utcnow())
    db.session.add(sug)
    db.session.flush()
    return sug


def visible_suggestion(viewer: User, suggestion_id: int) -> Suggestion:
    return _visible(Suggestion, viewer, suggestion_id, "suggestion")


def list_suggestions(viewer: User, *, status: str | None = None, community_id: int | None = None):
    return _listing(Suggestion, viewer, status, community_id)


def decide_suggestion(staff: User, suggestion_id: int, adopt: bool, reason: str | None = None,
                      now: datetime | None = None) -> Suggestion:
    """Adopting pays suggestion_adopted and ticks the suggestion item; declining needs a reason."""
    now = now or utcnow()
    sug, reason = _pending_decision(Suggestion, staff, suggestion_id, "suggestion", reason,
                                    reason_needed=not adopt)
    status = SuggestionStatus.ADOPTED if adopt else SuggestionStatus.DECLINED
    _decide(Suggestion, sug, SuggestionStatus.PENDING, {
        "status": status, "reason": reason or None, "decided_by_id": staff.id, "decided_at": now})
    record(staff, f"suggestion.{'adopt' if adopt else 'decline'}", sug,
           {"member_id": sug.member_id, "reason": reason}, now=now)
    if adopt:
        award(sug.member_id, "suggestion_adopted", source_type=SourceType.SUGGESTION,
              source_id=sug.id, created_by_id=staff.id, reason=f"建议被采纳：{sug.title}", now=now)
        record_evidence(sug.member_id, "suggestion", source_type=SourceType.SUGGESTION,
                        source_id=sug.id, note=sug.title, now=now)
    notify([sug.member_id], kind="suggestion_" + status,
           title=SUGGESTION_ADOPTED if adopt else SUGGESTION_DECLINED,
           body=sug.title if adopt else f"原因：{reason}", link="/me/points", now=now)
    return sug
