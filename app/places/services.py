"""Places and units."""
from __future__ import annotations

import sqlalchemy as sa

from app.audit.services import record
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.places.models import PARENT_KIND, Place, PlaceKind, Unit, UnitKind, UnitRegistration


def get_place(place_id: int, kind: str | None = None) -> Place:
    place = db.session.get(Place, place_id)
    if place is None or (kind is not None and place.kind != kind):
        raise NotFound(f"{kind or 'place'} not found")
    return place


def community_of(place: Place) -> Place | None:
    """The community a community or grid belongs to."""
    if place.kind == PlaceKind.COMMUNITY:
        return place
    if place.kind == PlaceKind.GRID:
        return db.session.get(Place, place.parent_id)
    return None


def create_place(*, kind: str, name: str, parent_id: int | None, actor=None) -> Place:
    if kind not in set(PlaceKind):
        raise Invalid("kind", "unknown kind")
    expected_parent = PARENT_KIND[PlaceKind(kind)]
    parent = None
    if expected_parent is None:
        if parent_id is not None:
            raise Invalid("parent_id", "a district has no parent")
    else:
        parent = db.session.get(Place, parent_id) if parent_id else None
        if parent is None or parent.kind != expected_parent:
            raise Invalid("parent_id", f"parent must be a {expected_parent}")
    place = Place(kind=kind, name=name.strip(), parent_id=parent_id)
    db.session.add(place)
    db.session.flush()
    place.path = f"{parent.path if parent else '/'}{place.id}/"
    db.session.flush()
    if actor is not None:
        record(actor, "place.create", place, {"kind": kind, "name": name})
    return place


def children(place: Place) -> list[Place]:
    return list(
        db.session.scalars(sa.select(Place).where(Place.parent_id == place.id).order_by(Place.id))
    )


def get_unit(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("unit not found")
    return unit


def create_unit(*, name: str, kind: str, actor=None) -> Unit:
    if kind not in set(UnitKind):
        raise Invalid("kind", "unknown kind")
    if db.session.scalar(sa.select(Unit.id).where(Unit.name == name.strip())):
        raise Conflict("单位已存在 / unit exists", {"name": ["unit exists"]})
    unit = Unit(name=name.strip(), kind=kind)
    db.session.add(unit)
    db.session.flush()
    if actor is not None:
        record(actor, "unit.create", unit, {"name": name})
    return unit


def register_unit(*, unit: Unit, community_id: int, resources: list[str], actor) -> UnitRegistration:
    """组织报到: at most once per unit and community."""
    community = db.session.get(Place, community_id)
    if community is None or community.kind != PlaceKind.COMMUNITY:
        raise Invalid("community_id", "community not found")
    exists = db.session.scalar(
        sa.select(UnitRegistration.id).where(
            UnitRegistration.unit_id == unit.id, UnitRegistration.community_id == community_id
        )
    )
    if exists:
        raise Conflict("该单位已向此社区报到 / unit already registered here")
    reg = UnitRegistration(
        unit_id=unit.id, community_id=community_id,
        resources=[r.strip() for r in resources if r.strip()], created_by_id=actor.id,
    )
    db.session.add(reg)
    db.session.flush()
    record(actor, "unit.register", reg, {"unit_id": unit.id, "community_id": community_id})
    return reg


def list_places(kind: str | None = None) -> list[Place]:
    stmt = sa.select(Place).order_by(Place.path)
    if kind:
        stmt = stmt.where(Place.kind == kind)
    return list(db.session.scalars(stmt))


def list_units() -> list[Unit]:
    return list(db.session.scalars(sa.select(Unit).order_by(Unit.name)))
