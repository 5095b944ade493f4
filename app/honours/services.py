"""表彰: staff nominate (a member approved in their community, or a team), a street admin
approves, the honour is shown to the community for `HONOUR_PUBLICITY_DAYS` (公示期, 5 by
default) during which its members and residents may object, then the street admin grants it
(with a note answering any objection) or turns it down. Granted honours show on the member's
page, his certificate and his unit's letter. Every decision is audited. Services flush; the
caller commits."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.audit.services import record
from app.auth.models import Role, User
from app.auth.permissions import can_manage_place, place_scope, require_manage_place
from app.auth.roles import ADMINS, STAFF_LIKE
from app.clock import LOCAL_TZ, local_today, utcnow
from app.database import insert_unique
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.honours.models import KINDS, Honour, HonourObjection, HonourStatus
from app.notifications.services import notify
from app.places.models import Place
from app.places.services import community_of, get_place
from app.registrations.services import active_registration

NOMINATORS = STAFF_LIKE
APPROVERS = ADMINS
OBJECTORS = (Role.MEMBER, Role.RESIDENT)
PUBLIC = (HonourStatus.PUBLICITY, HonourStatus.GRANTED)
# (state, action) → next state; every action is the approver's (a street admin over the
# community, or a system admin). Objecting does not move the state (see `object_to`).
TRANSITIONS = {
    (HonourStatus.NOMINATED, "approve"): HonourStatus.PUBLICITY,
    (HonourStatus.NOMINATED, "reject"): HonourStatus.REJECTED,
    (HonourStatus.PUBLICITY, "grant"): HonourStatus.GRANTED,
    (HonourStatus.PUBLICITY, "reject"): HonourStatus.REJECTED,
}
ACTIONS = ("approve", "reject", "grant")


def nominate(actor: User, *, kind: str, reasons: str, member_id: int | None = None,
             team_name: str = "", community_id: int | None = None, year: int | None = None,
             now: datetime | None = None) -> Honour:
    """A member (approved in a community inside the actor's scope) or a team of a community."""
    if kind not in KINDS:
        raise Invalid("kind", _("请选择表彰类型"))
    if kind == "team":
        if not (team_name or "").strip():
            raise Invalid("team_name", _("请填写团队名称"))
        if community_id is None:
            raise Invalid("community_id", _("请选择社区"))
        member_id = None
    else:
        reg = active_registration(member_id) if member_id else None
        if reg is None:
            raise NotFound(_("党员不存在"))
        community_id, team_name = reg.community_id, ""
    community = get_place(community_id)
    if not can_manage_place(actor, community):
        raise NotFound(_("党员不存在") if member_id else _("社区不存在"))
    now = now or utcnow()
    honour = Honour(kind=kind, year=year or local_today(now).year, community_id=community.id,
                    member_id=member_id, team_name=team_name, reasons=reasons,
                    nominated_by_id=actor.id, created_at=now)
    db.session.add(honour)
    db.session.flush()
    record(actor, "honour.nominate", honour, {"kind": kind, "member_id": member_id,
                                              "team_name": team_name}, now=now)
    return honour


def _viewer_community_id(viewer: User) -> int | None:
    if viewer.role == Role.MEMBER:
        reg = active_registration(viewer.id)
        return reg.community_id if reg is not None else None
    if viewer.role == Role.RESIDENT and viewer.place_id:
        community = community_of(db.session.get(Place, viewer.place_id))
        return community.id if community is not None else None
    return None


def honours_query(viewer: User):
    """Staff and admins: every honour inside their scope. Members and residents: those in
    publicity or granted in their community (a member also his own). Unit admins: the granted
    honours of their unit's members. Newest first."""
    stmt = sa.select(Honour).order_by(Honour.id.desc())
    if viewer.role in NOMINATORS:
        return stmt.where(place_scope(viewer, Honour.community_id))
    if viewer.role == Role.UNIT_ADMIN:
        return stmt.join(User, User.id == Honour.member_id).where(
            User.unit_id == viewer.unit_id, Honour.status == HonourStatus.GRANTED)
    community_id = _viewer_community_id(viewer)
    public = sa.and_(Honour.community_id == (community_id or 0), Honour.status.in_(PUBLIC))
    if viewer.role == Role.MEMBER:
        return stmt.where(sa.or_(public, sa.and_(Honour.member_id == viewer.id, Honour.status.in_(PUBLIC))))
    return stmt.where(public)


def visible_honour(viewer: User, honour_id: int) -> Honour:
    honour = db.session.scalar(honours_query(viewer).where(Honour.id == honour_id))
    if honour is None:
        raise NotFound(_("表彰不存在"))
    return honour


def decide(actor: User, honour_id: int, action: str, note: str = "", now: datetime | None = None) -> Honour:
    """approve (the publicity period starts), reject, or grant (after the publicity period; a
    note is required when someone objected)."""
    honour = visible_honour(actor, honour_id) if actor.role in NOMINATORS else None
    if honour is None or action not in ACTIONS:
        raise NotFound(_("表彰不存在"))
    if actor.role not in APPROVERS:
        raise Forbidden(_("表彰由街道审批"))
    require_manage_place(actor, honour.community)
    target = TRANSITIONS.get((honour.status, action))
    if target is None:
        raise Conflict(_("该表彰当前状态不能执行此操作"))
    now = now or utcnow()
    values = {"status": target, "decided_by_id": actor.id}
    if action == "approve":
        days = current_app.config.get("HONOUR_PUBLICITY_DAYS", 5)
        values["publicity_ends_at"] = now + timedelta(days=days)
    if action == "grant":
        if now < honour.publicity_ends_at:
            raise Conflict(_("公示期未结束（%(end)s 结束）",
                             end=honour.publicity_ends_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")))
        if honour.objections and not (note or "").strip():
            raise Invalid("note", _("公示期间有异议，请填写核实和处理情况"))
        values["granted_at"] = now
    if note:
        values["decision_note"] = note
    moved = db.session.execute(sa.update(Honour).where(Honour.id == honour.id, Honour.status == honour.status)
                               .values(**values).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Conflict(_("该表彰当前状态不能执行此操作"))
    db.session.expire(honour)
    record(actor, f"honour.{action}", honour, {"note": note, "objections": len(honour.objections)}, now=now)
    if action == "grant" and honour.member_id:
        title = _("您获得了“%(kind)s”表彰", kind=_(KINDS[honour.kind]))
        notify([honour.member_id], kind="honour", title=title, link="/honours", now=now)
    return honour


def object_to(user: User, honour_id: int, reason: str, now: datetime | None = None) -> HonourObjection:
    """A member or resident of the community objects during the publicity period, once."""
    if user.role not in OBJECTORS:
        raise NotFound(_("表彰不存在"))
    honour = visible_honour(user, honour_id)
    now = now or utcnow()
    if honour.status != HonourStatus.PUBLICITY or now >= honour.publicity_ends_at:
        raise Conflict(_("只能在公示期内提出异议"))
    objection = HonourObjection(honour_id=honour.id, user_id=user.id, reason=reason, created_at=now)
    insert_unique(objection, Conflict(_("您已对该表彰提出过异议")))
    db.session.expire(honour, ["objections"])
    return objection


def granted_honours(member_id: int) -> list[Honour]:
    """The member's granted honours, newest first (his page, certificate and unit letter)."""
    return list(db.session.scalars(sa.select(Honour).where(
        Honour.member_id == member_id, Honour.status == HonourStatus.GRANTED).order_by(Honour.year.desc(),
                                                                                       Honour.id.desc())))


def granted_by_member(member_ids, year: int | None = None) -> dict[int, list[Honour]]:
    """{member id: his granted honours (of `year`, or every year)} in one query: for the unit's
    letters and certificates of many members at once."""
    found: dict[int, list[Honour]] = {}
    if not member_ids:
        return found
    stmt = sa.select(Honour).where(Honour.member_id.in_(set(member_ids)),
                                   Honour.status == HonourStatus.GRANTED)
    if year is not None:
        stmt = stmt.where(Honour.year == year)
    for honour in db.session.scalars(stmt.order_by(Honour.year.desc(), Honour.id.desc())):
        found.setdefault(honour.member_id, []).append(honour)
    return found
