"""共建协议: a unit and a community agree to co-build for a term (content, the projects under
it). Staff of the community record it; the unit's admin reads his unit's."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit.services import record
from app.auth.models import Role, User
from app.auth.permissions import can_manage_place, place_scope, require_manage_community
from app.auth.roles import STAFF_LIKE
from app.clock import utcnow
from app.errors import Forbidden, Invalid, NotFound
from app.extensions import db
from app.params import require_id
from app.places.services import get_unit
from app.projects.models import Agreement
from app.registrations.units import has_reported


def create_agreement(
    staff: User,
    *,
    community_id: int,
    unit_id: int,
    title: str,
    content: str,
    starts_on: date,
    ends_on: date,
    now: datetime | None = None,
) -> Agreement:
    """Staff over the community record an agreement with a unit that reported to it."""
    if staff.role not in STAFF_LIKE:
        raise Forbidden(_("只有社区工作人员可以登记共建协议"))
    require_manage_community(staff, community_id)
    unit = get_unit(unit_id)
    if not has_reported(unit.id, community_id):
        raise Invalid("unit_id", _("该单位尚未向此社区报到"))
    if ends_on < starts_on:
        raise Invalid("ends_on", _("结束日期不能早于开始日期"))
    if not title or not title.strip():
        raise Invalid("title", _("请填写协议名称"))
    now = now or utcnow()
    agreement = Agreement(
        community_id=community_id,
        unit_id=unit.id,
        title=title.strip(),
        content=(content or "").strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        created_by_id=staff.id,
        created_at=now,
    )
    db.session.add(agreement)
    db.session.flush()
    record(
        staff,
        "agreement.create",
        agreement,
        {"unit_id": unit.id, "community_id": community_id, "title": agreement.title},
        now=now,
    )
    return agreement


def list_agreements(viewer: User, *, community_id: int | None = None, unit_id: int | None = None):
    """A select of the agreements the viewer may see, newest first: staff their scope, a unit's
    admin his unit's; other roles 403."""
    stmt = sa.select(Agreement).order_by(Agreement.starts_on.desc(), Agreement.id.desc())
    if viewer.role in STAFF_LIKE:
        stmt = stmt.where(place_scope(viewer, Agreement.community_id))
    elif viewer.role == Role.UNIT_ADMIN:
        stmt = stmt.where(Agreement.unit_id == viewer.unit_id)
    else:
        raise Forbidden(_("无权查看共建协议"))
    if community_id:
        stmt = stmt.where(Agreement.community_id == community_id)
    if unit_id:
        stmt = stmt.where(Agreement.unit_id == unit_id)
    return stmt


def visible_agreement(viewer: User, agreement_id: int) -> Agreement:
    agreement = db.session.get(Agreement, require_id(agreement_id, "agreement"))
    if agreement is None:
        raise NotFound(_("协议不存在"))
    if viewer.role in STAFF_LIKE and can_manage_place(viewer, agreement.community):
        return agreement
    if viewer.role == Role.UNIT_ADMIN and viewer.unit_id == agreement.unit_id:
        return agreement
    if viewer.role in STAFF_LIKE or viewer.role == Role.UNIT_ADMIN:
        raise NotFound(_("协议不存在"))
    raise Forbidden(_("无权查看共建协议"))
