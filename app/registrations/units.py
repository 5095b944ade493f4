"""组织报到: units report to communities with the resources they offer."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit.services import record
from app.auth.permissions import can_manage_place, can_manage_unit, place_scope
from app.auth.roles import PLACE_STAFF
from app.errors import Conflict, Forbidden, Invalid
from app.extensions import db
from app.places.models import Place, PlaceKind, Unit
from app.registrations.models import UnitRegistration
from app.registrations.resources import add_items, clean_item, guess_kind, unit_resources


def register_unit(*, unit: Unit, community_id: int, resources: list[dict], actor) -> UnitRegistration:
    """组织报到, by an admin or by staff / street admins for a community in their scope; at most
    once per unit and community (409). `resources` are items added to the unit's resource list
    (资源清单), which it offers to every community it reported to; a unit without any item must
    list at least one; an item named like one on the list is not added twice. A bare name (code
    and imports: not the API) is an item of a guessed kind."""
    community = db.session.get(Place, community_id)
    if community is None or community.kind != PlaceKind.COMMUNITY:
        raise Invalid("community_id", _("社区不存在"))
    if not can_manage_place(actor, community):
        raise Forbidden(_("不在您的管辖范围"))
    items = [clean_item(item if isinstance(item, dict) else {"kind": guess_kind(item), "name": item},
                        "resources") for item in resources if isinstance(item, dict) or item.strip()]
    listed = unit_resources(unit.id)
    if not items and not listed:
        raise Invalid("resources", _("列出至少一项可提供的资源"))
    have = {item.name for item in listed}
    items = [item for item in items if item["name"] not in have]  # on the list already
    exists = db.session.scalar(
        sa.select(UnitRegistration.id).where(
            UnitRegistration.unit_id == unit.id, UnitRegistration.community_id == community_id
        )
    )
    if exists:
        message = _("该单位已向此社区报到")
        raise Conflict(message, {"community_id": [message]})
    reg = UnitRegistration(unit_id=unit.id, community_id=community_id, created_by_id=actor.id)
    db.session.add(reg)
    add_items(unit.id, items)
    record(actor, "unit.register", reg, {"unit_id": unit.id, "community_id": community_id})
    return reg


def unit_registrations(viewer, unit: Unit):
    """A select of the unit's 组织报到 the viewer may see: all for admins and the unit's own
    admin, those in their scope for staff and street admins; anyone else 403."""
    stmt = (sa.select(UnitRegistration).where(UnitRegistration.unit_id == unit.id)
            .order_by(UnitRegistration.created_at.desc(), UnitRegistration.id.desc()))
    if can_manage_unit(viewer, unit.id):
        return stmt
    if viewer.role in PLACE_STAFF:
        return stmt.where(place_scope(viewer, UnitRegistration.community_id))
    raise Forbidden(_("无权查看"))


def community_unit_registrations(community_ids):
    """组织报到 of the given communities (a list or a select of ids), newest first."""
    return (sa.select(UnitRegistration).where(UnitRegistration.community_id.in_(community_ids))
            .order_by(UnitRegistration.created_at.desc(), UnitRegistration.id.desc()))


def registration_counts(unit_ids: list[int]) -> dict[int, int]:
    """{unit_id: communities it reported to}, one grouped query."""
    if not unit_ids:
        return {}
    rows = db.session.execute(
        sa.select(UnitRegistration.unit_id, sa.func.count()).where(UnitRegistration.unit_id.in_(unit_ids))
        .group_by(UnitRegistration.unit_id))
    return dict(rows.all())


def has_reported(unit_id: int, community_id: int) -> bool:
    """Whether the unit reported (组织报到) to the community."""
    return db.session.scalar(sa.select(UnitRegistration.id).where(
        UnitRegistration.unit_id == unit_id, UnitRegistration.community_id == community_id)) is not None


def reported_unit_ids(community_id: int) -> set[int]:
    """The ids of the units that reported to the community."""
    return set(db.session.scalars(sa.select(UnitRegistration.unit_id).where(
        UnitRegistration.community_id == community_id)))


def reported_units(community_id: int) -> list[Unit]:
    """The units that reported to the community, by name."""
    return list(db.session.scalars(
        sa.select(Unit).join(UnitRegistration, UnitRegistration.unit_id == Unit.id)
        .where(UnitRegistration.community_id == community_id).order_by(Unit.name)))


def units_reported_to(community_ids, flat: bool = False):
    """{community_id: [units that reported to it, by name]} in one query; `flat`: the units
    that reported to any of them, once each, by name."""
    if not community_ids:
        return [] if flat else {}
    rows = db.session.execute(
        sa.select(UnitRegistration.community_id, Unit)
        .join(Unit, UnitRegistration.unit_id == Unit.id)
        .where(UnitRegistration.community_id.in_(list(community_ids))).order_by(Unit.name, Unit.id)).all()
    if flat:
        return list({unit.id: unit for _community_id, unit in rows}.values())
    by_community: dict[int, list[Unit]] = {}
    for community_id, unit in rows:
        by_community.setdefault(community_id, []).append(unit)
    return by_community
