"""双报到 registration: register, approve, reject, transfer. Services flush; callers commit."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit.services import record
from app.auth.models import Role, User
from app.auth.permissions import place_scope, require_manage_community
from app.auth.roles import STAFF_LIKE
from app.clock import utcnow
from app.database import insert_unique
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.i18n import N_
from app.notifications.services import notify
from app.places.models import Place, PlaceKind
from app.registrations.models import OPEN_STATUSES, Registration, RegistrationStatus
from app.registrations.signals import registration_approved
from app.transaction import remembered

MAX_SKILLS = 20

# Notification titles without stored data: the inbox shows them in the reader's language.
REGISTRATION_APPROVED, REGISTRATION_REJECTED = N_("报到审核通过"), N_("报到未通过")
NOTICE_TITLES = (REGISTRATION_APPROVED, REGISTRATION_REJECTED)


def _community_and_grid(community_id: int, grid_id: int | None) -> tuple[Place, Place | None]:
    community = db.session.get(Place, community_id)
    if community is None or community.kind != PlaceKind.COMMUNITY:
        raise Invalid("community_id", _("社区不存在"))
    grid = None
    if grid_id is not None:
        grid = db.session.get(Place, grid_id)
        if grid is None or grid.kind != PlaceKind.GRID or grid.parent_id != community.id:
            raise Invalid("grid_id", _("该网格不属于所选社区"))
    return community, grid


def _clean_skills(skills: list[str]) -> list[str]:
    cleaned = [s.strip() for s in skills if s and s.strip()]
    if len(cleaned) > MAX_SKILLS:
        raise Invalid("skills", _("特长最多 %(max)s 项", max=MAX_SKILLS))
    return cleaned


def open_registration(member_id: int) -> Registration | None:
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.member_id == member_id, Registration.status.in_(OPEN_STATUSES)
        )
    )


def active_registration(member_id: int) -> Registration | None:
    """The member's approved registration, read once per unit of work until it writes (a
    member's page asks for it from several parts)."""
    return remembered(("active_registration", member_id), lambda: db.session.scalar(
        sa.select(Registration).where(
            Registration.member_id == member_id,
            Registration.status == RegistrationStatus.APPROVED,
        )
    ))


def _insert(reg: Registration) -> Registration:
    """Adds a registration; the partial unique index turns a racing duplicate into 409."""
    return insert_unique(reg, Conflict(_("已有待审核或有效的报到")))


def register(
    member: User, *, community_id: int, grid_id: int | None = None, address: str,
    skills: list[str] | None = None, availability: str = "", now: datetime | None = None,
) -> Registration:
    """Starts a pending registration; a member has at most one pending or approved."""
    if member.role != Role.MEMBER:
        raise Forbidden(_("只有在职党员可以报到"))
    _community_and_grid(community_id, grid_id)
    if not address or not address.strip():
        raise Invalid("address", _("请填写居住地址"))
    if open_registration(member.id) is not None:
        raise Conflict(_("已有待审核或有效的报到"))
    reg = Registration(
        member_id=member.id, community_id=community_id, grid_id=grid_id,
        address=address.strip(), skills=_clean_skills(skills or []),
        availability=(availability or "").strip(), status=RegistrationStatus.PENDING,
        created_at=now or utcnow(),
    )
    return _insert(reg)


def get_registration(reg_id: int) -> Registration:
    reg = db.session.get(Registration, reg_id)
    if reg is None:
        raise NotFound(_("报到不存在"))
    return reg


def _decidable(staff: User, reg_id: int) -> Registration:
    reg = get_registration(reg_id)
    try:
        require_manage_community(staff, reg.community_id)
    except Forbidden:
        raise NotFound(_("报到不存在")) from None
    if reg.status != RegistrationStatus.PENDING:
        raise Conflict(_("该报到已处理"))
    return reg


def _set_status(reg: Registration, expected: str, values: dict) -> None:
    """Conditional update: a concurrent decision makes the second one a 409."""
    result = db.session.execute(
        sa.update(Registration)
        .where(Registration.id == reg.id, Registration.status == expected)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(_("报到已被他人处理"))
    db.session.refresh(reg)


def approve(staff: User, reg_id: int, now: datetime | None = None) -> Registration:
    now = now or utcnow()
    reg = _decidable(staff, reg_id)
    _set_status(reg, RegistrationStatus.PENDING, {
        "status": RegistrationStatus.APPROVED, "decided_at": now, "decided_by_id": staff.id,
        "approved_at": now,
    })
    record(staff, "registration.approve", reg, {"member_id": reg.member_id}, now=now)
    registration_approved.send("registrations", registration=reg, now=now)
    _notify_member(reg, "registration_approved", REGISTRATION_APPROVED,
                   f"您在{reg.community.name}的报到已通过审核。")
    return reg


def reject(staff: User, reg_id: int, reason: str, now: datetime | None = None) -> Registration:
    if not reason or not reason.strip():
        raise Invalid("reason", _("请填写驳回原因"))
    now = now or utcnow()
    reg = _decidable(staff, reg_id)
    _set_status(reg, RegistrationStatus.PENDING, {
        "status": RegistrationStatus.REJECTED, "decided_at": now, "decided_by_id": staff.id,
        "reason": reason.strip(), "ended_at": now,
    })
    record(staff, "registration.reject", reg, {"member_id": reg.member_id, "reason": reason}, now=now)
    _notify_member(reg, "registration_rejected", REGISTRATION_REJECTED, f"原因：{reason.strip()}")
    return reg


def transfer(
    member: User, reg_id: int, *, community_id: int, grid_id: int | None = None, address: str,
    now: datetime | None = None,
) -> Registration:
    """Moving house: the open registration ends as transferred; a new pending one starts,
    keeping skills and availability and linking back to the old one."""
    now = now or utcnow()
    old = get_registration(reg_id)
    if old.member_id != member.id:
        raise NotFound(_("报到不存在"))
    if old.status not in OPEN_STATUSES:
        raise Conflict(_("该报到已结束"))
    _community_and_grid(community_id, grid_id)
    if not address or not address.strip():
        raise Invalid("address", _("请填写居住地址"))
    _set_status(old, old.status, {"status": RegistrationStatus.TRANSFERRED, "ended_at": now})
    new = Registration(
        member_id=member.id, community_id=community_id, grid_id=grid_id,
        address=address.strip(), skills=list(old.skills or []),
        availability=old.availability, status=RegistrationStatus.PENDING,
        previous_id=old.id, created_at=now,
    )
    return _insert(new)


def list_registrations(viewer: User, *, status: str | None = None,
                       community_id: int | None = None):
    """A select of the registrations the viewer may see (staff scope or his own); a
    `community_id` outside a staff member's scope is 403, an unknown one 404."""
    stmt = sa.select(Registration).order_by(Registration.created_at.desc(), Registration.id.desc())
    if viewer.role == Role.MEMBER:
        stmt = stmt.where(Registration.member_id == viewer.id)
    elif viewer.role in STAFF_LIKE:
        if community_id:
            require_manage_community(viewer, community_id)
        stmt = stmt.where(place_scope(viewer, Registration.community_id))
    else:
        raise Forbidden(_("无权操作"))
    if status:
        stmt = stmt.where(Registration.status == status)
    if community_id:
        stmt = stmt.where(Registration.community_id == community_id)
    return stmt


def history(member_id: int) -> list[Registration]:
    return list(db.session.scalars(
        sa.select(Registration).where(Registration.member_id == member_id)
        .order_by(Registration.created_at, Registration.id)
    ))


def _notify_member(reg: Registration, kind: str, title: str, body: str) -> None:
    notify([reg.member_id], kind=kind, title=title, body=body, link="/me")


def visible_registration(viewer: User, reg_id: int) -> Registration:
    """The member's own, or one in the staff's scope; otherwise 404."""
    reg = get_registration(reg_id)
    if viewer.role == Role.MEMBER:
        if reg.member_id != viewer.id:
            raise NotFound(_("报到不存在"))
        return reg
    try:
        require_manage_community(viewer, reg.community_id)
    except Forbidden:
        raise NotFound(_("报到不存在")) from None
    return reg


def members_by_community(community_ids: list[int], limit: int = 2000) -> dict[int, list[tuple[int, str]]]:
    """(member id, name) of the approved members of each community, by name: the choices of a
    page's member picker (the caller has checked the viewer may manage those communities).
    One query; at most `limit` members in all."""
    if not community_ids:
        return {}
    rows = db.session.execute(
        sa.select(Registration.community_id, User.id, User.name)
        .join(User, User.id == Registration.member_id)
        .where(Registration.community_id.in_(set(community_ids)),
               Registration.status == RegistrationStatus.APPROVED)
        .order_by(Registration.community_id, User.name, User.id).limit(limit))
    found: dict[int, list[tuple[int, str]]] = {cid: [] for cid in community_ids}
    for community_id, member_id, name in rows:
        found[community_id].append((member_id, name))
    return found
