"""资源清单: a unit's resources as items (kind, name, quantity, when available, contact),
offered to every community it reported to (组织报到). The unit's admin keeps them up to date;
staff read (and search) those offered to the communities of their scope."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit.services import record
from app.auth.models import Role, User
from app.auth.permissions import can_manage_unit, place_scope
from app.auth.roles import STAFF_LIKE
from app.clock import utcnow
from app.errors import Forbidden, Invalid, NotFound
from app.extensions import db
from app.i18n import N_
from app.params import require_id
from app.places.models import Unit
from app.registrations.models import ResourceKind, UnitRegistration, UnitResource

KIND_LABELS = {
    ResourceKind.VENUE: N_("场地"),
    ResourceKind.EQUIPMENT: N_("设备物资"),
    ResourceKind.FUNDS: N_("资金"),
    ResourceKind.PROFESSIONAL: N_("专业服务"),
    ResourceKind.VOLUNTEERS: N_("志愿者"),
    ResourceKind.OTHER: N_("其他"),
}
FIELDS = ("kind", "name", "description", "quantity", "available", "contact")
MAX_ITEMS = 50
QUANTITY_MAX = 1_000_000

# The kind of a resource given as a bare name (spreadsheet imports), guessed from its words.
KIND_WORDS = [
    (ResourceKind.VENUE, ("场地", "会议室", "活动室", "礼堂", "场馆", "教室")),
    (ResourceKind.FUNDS, ("资金", "经费", "捐款", "捐赠", "资助")),
    (ResourceKind.VOLUNTEERS, ("志愿", "服务队", "队伍")),
    (ResourceKind.PROFESSIONAL, ("咨询", "法律", "医疗", "义诊", "专业", "技术", "理财", "辅导", "培训")),
    (ResourceKind.EQUIPMENT, ("设备", "物资", "车辆", "器材", "电脑", "图书")),
]


def guess_kind(name: str) -> str:
    for kind, words in KIND_WORDS:
        if any(word in name for word in words):
            return kind
    return ResourceKind.OTHER


def clean_item(item: dict, field: str | None = None) -> dict:
    """One resource item checked: a known kind, a name; 422 naming the field otherwise (`field`
    for every error when the item is part of a list, e.g. "resources")."""
    kind = item.get("kind")
    if kind not in set(ResourceKind):
        raise Invalid(field or "kind", _("请选择资源类别"))
    name = (item.get("name") or "").strip()
    if not name:
        raise Invalid(field or "name", _("请填写资源名称"))
    quantity = item.get("quantity")
    if quantity is not None and not 0 <= quantity <= QUANTITY_MAX:
        raise Invalid(field or "quantity", _("数量超出范围"))
    return {
        "kind": kind,
        "name": name[:100],
        "quantity": quantity,
        "description": (item.get("description") or "").strip()[:500],
        "available": (item.get("available") or "").strip()[:200],
        "contact": (item.get("contact") or "").strip()[:100],
    }


def add_items(unit_id: int, items: list[dict], now: datetime | None = None) -> list[UnitResource]:
    """Adds checked items to the unit's list (the unit-reporting form and imports)."""
    now = now or utcnow()
    rows = [UnitResource(unit_id=unit_id, created_at=now, updated_at=now, **item) for item in items]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def items_from_names(names: list[str]) -> list[dict]:
    """Bare names (a spreadsheet cell) as items of a guessed kind."""
    return [clean_item({"kind": guess_kind(name), "name": name}) for name in names]


def unit_resources_query(unit_id: int):
    """A select of the unit's offered items (not withdrawn), oldest first."""
    return (
        sa.select(UnitResource)
        .where(UnitResource.unit_id == unit_id, UnitResource.withdrawn_at.is_(None))
        .order_by(UnitResource.id)
    )


def unit_resources(unit_id: int, ids: list[int] | None = None) -> list[UnitResource]:
    """The unit's offered items, oldest first; only `ids` when given."""
    stmt = unit_resources_query(unit_id)
    if ids is not None:
        stmt = stmt.where(UnitResource.id.in_(ids))
    return list(db.session.scalars(stmt))


def _offered_in_scope(viewer: User, unit_id: int) -> bool:
    """Whether the unit reported to a community in the staff member's scope."""
    return (
        db.session.scalar(
            sa.select(UnitRegistration.id)
            .where(UnitRegistration.unit_id == unit_id, place_scope(viewer, UnitRegistration.community_id))
            .limit(1)
        )
        is not None
    )


def require_read(viewer: User, unit: Unit) -> None:
    """The unit's admin (and system admins); staff and street admins when the unit reported to
    a community of their scope (else 404); other roles 403."""
    if can_manage_unit(viewer, unit.id):
        return
    if viewer.role in STAFF_LIKE:
        if _offered_in_scope(viewer, unit.id):
            return
        raise NotFound(_("单位不存在"))
    if viewer.role == Role.UNIT_ADMIN:
        raise NotFound(_("单位不存在"))
    raise Forbidden(_("无权查看"))


def _require_write(viewer: User, unit_id: int) -> None:
    if not can_manage_unit(viewer, unit_id):
        raise Forbidden(_("只有本单位管理员可以维护资源清单"))


def list_for_unit(viewer: User, unit: Unit):
    """A select of the unit's list, for a viewer who may read it (see require_read)."""
    require_read(viewer, unit)
    return unit_resources_query(unit.id)


def create_resource(actor: User, unit: Unit, item: dict, now: datetime | None = None) -> UnitResource:
    _require_write(actor, unit.id)
    now = now or utcnow()
    (resource,) = add_items(unit.id, [clean_item(item)], now)
    record(actor, "resource.create", resource, {"unit_id": unit.id, "name": resource.name}, now=now)
    return resource


def get_resource(viewer: User, resource_id: int) -> UnitResource:
    """A live item the viewer may read (404 otherwise, and for withdrawn ones)."""
    resource = db.session.get(UnitResource, require_id(resource_id, "resource"))
    if resource is None or resource.withdrawn_at is not None:
        raise NotFound(_("资源不存在"))
    require_read(viewer, resource.unit)
    return resource


def update_resource(actor: User, resource_id: int, item: dict, now: datetime | None = None) -> UnitResource:
    resource = get_resource(actor, resource_id)
    _require_write(actor, resource.unit_id)
    now = now or utcnow()
    for key, value in clean_item(item).items():
        setattr(resource, key, value)
    resource.updated_at = now
    db.session.flush()
    record(actor, "resource.update", resource, {"unit_id": resource.unit_id, "name": resource.name}, now=now)
    return resource


def withdraw_resource(actor: User, resource_id: int, now: datetime | None = None) -> None:
    """Takes an item off the list; claims that committed it keep naming it."""
    resource = get_resource(actor, resource_id)
    _require_write(actor, resource.unit_id)
    now = now or utcnow()
    resource.withdrawn_at = now
    db.session.flush()
    record(
        actor, "resource.withdraw", resource, {"unit_id": resource.unit_id, "name": resource.name}, now=now
    )


def search_resources(
    viewer: User, *, kind: str | None = None, keyword: str | None = None, community_id: int | None = None
):
    """A select of the items offered to the communities of the staff member's scope (one
    community with `community_id`), by kind and keyword (name, description, unit), by unit."""
    if viewer.role not in STAFF_LIKE:
        raise Forbidden(_("只有社区工作人员可以查找资源"))
    offered = sa.select(UnitRegistration.unit_id).where(place_scope(viewer, UnitRegistration.community_id))
    if community_id:
        offered = offered.where(UnitRegistration.community_id == community_id)
    stmt = (
        sa.select(UnitResource)
        .join(Unit, Unit.id == UnitResource.unit_id)
        .where(UnitResource.withdrawn_at.is_(None), UnitResource.unit_id.in_(offered))
        .order_by(Unit.name, UnitResource.id)
    )
    if kind:
        stmt = stmt.where(UnitResource.kind == kind)
    if keyword:
        pattern = "%" + keyword.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            sa.or_(
                UnitResource.name.like(pattern, escape="\\"),
                UnitResource.description.like(pattern, escape="\\"),
                Unit.name.like(pattern, escape="\\"),
            )
        )
    return stmt
