"""Places and units."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.models import Role
from app.auth.permissions import place_scope
from app.auth.roles import UNIT_SIDE
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.i18n import N_, label
from app.places.models import PARENT_KIND, Place, PlaceKind, Unit, UnitKind
from app.places.signals import place_created, unit_created

_KIND_NAMES = {PlaceKind.DISTRICT: N_("区"), PlaceKind.STREET: N_("街道"), PlaceKind.COMMUNITY: N_("社区"),
               PlaceKind.GRID: N_("网格")}


def get_place(place_id: int, kind: str | None = None) -> Place:
    place = db.session.get(Place, place_id)
    if place is None or (kind is not None and place.kind != kind):
        raise NotFound(_("地区不存在"))
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
        raise Invalid("kind", _("未知类型"))
    expected_parent = PARENT_KIND[PlaceKind(kind)]
    parent = None
    if expected_parent is None:
        if parent_id is not None:
            raise Invalid("parent_id", _("区没有上级"))
    else:
        parent = db.session.get(Place, parent_id) if parent_id else None
        if parent is None or parent.kind != expected_parent:
            raise Invalid("parent_id",
                          _("上级应为%(kind)s", kind=label(expected_parent, _KIND_NAMES)))
    place = Place(kind=kind, name=name.strip(), parent_id=parent_id)
    db.session.add(place)
    db.session.flush()
    place.path = f"{parent.path if parent else '/'}{place.id}/"
    db.session.flush()
    if actor is not None:
        place_created.send("places", place=place, actor=actor, detail={"kind": kind, "name": name})
    return place


def children(place: Place) -> list[Place]:
    return list(
        db.session.scalars(sa.select(Place).where(Place.parent_id == place.id).order_by(Place.id))
    )


def get_unit(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(_("单位不存在"))
    return unit


def create_unit(*, name: str, kind: str, actor=None) -> Unit:
    if kind not in set(UnitKind):
        raise Invalid("kind", _("未知类型"))
    if db.session.scalar(sa.select(Unit.id).where(Unit.name == name.strip())):
        message = _("单位已存在")
        raise Conflict(message, {"name": [message]})
    unit = Unit(name=name.strip(), kind=kind)
    db.session.add(unit)
    db.session.flush()
    if actor is not None:
        unit_created.send("places", unit=unit, actor=actor, detail={"name": name})
    return unit


def list_places(kind: str | None = None) -> list[Place]:
    stmt = sa.select(Place).order_by(Place.path)
    if kind:
        stmt = stmt.where(Place.kind == kind)
    return list(db.session.scalars(stmt))


def list_units() -> list[Unit]:
    return list(db.session.scalars(units_query()))


def units_query(name_part: str | None = None):
    """Units by name; `name_part` filters (case-insensitive substring)."""
    stmt = sa.select(Unit).order_by(Unit.name, Unit.id)
    if name_part:
        stmt = stmt.where(Unit.name.icontains(name_part.strip(), autoescape=True))
    return stmt


def places_in_scope(viewer, *kinds: str, limit: int | None = None) -> list[Place]:
    """The places of these kinds inside the viewer's scope (all of them for admins), in
    hierarchy order; at most `limit`."""
    stmt = (sa.select(Place).where(Place.kind.in_(kinds), place_scope(viewer, Place.id))
            .order_by(Place.path))
    return list(db.session.scalars(stmt if limit is None else stmt.limit(limit)))


def first_place_in_scope(viewer, kind: str) -> int | None:
    """The id of the first place of this kind inside the viewer's scope."""
    return db.session.scalar(sa.select(Place.id).where(Place.kind == kind, place_scope(viewer, Place.id))
                             .order_by(Place.path).limit(1))


def communities_managed_by(user) -> list[Place]:
    """The communities inside the user's scope (all of them for admins), by name."""
    return places_in_scope(user, PlaceKind.COMMUNITY)


def communities_in_scope(viewer) -> list[Place]:
    """The communities the viewer may filter the page by (several only above a community)."""
    return places_in_scope(viewer, PlaceKind.COMMUNITY, limit=500)


def place_choices(kinds: tuple[str, ...] | None = None, blank: str | None = None) -> list[tuple[int, str]]:
    """(id, "社区 · 网格") pairs for a select, in hierarchy order; `blank` adds a (0, blank) first."""
    places = list_places()
    names = {p.id: p.name for p in places}
    choices = [(0, blank)] if blank is not None else []
    for place in places:
        if kinds is None or place.kind in kinds:
            parent = names.get(place.parent_id)
            label = f"{parent} · {place.name}" if place.kind == PlaceKind.GRID and parent else place.name
            choices.append((place.id, label))
    return choices


def places_query():
    """Every place in hierarchy order (a district, then its streets, each with its communities
    and grids)."""
    return sa.select(Place).order_by(Place.path)


def place_of_kind(place_id: int | None, kinds: tuple[str, ...], field: str = "place_id") -> Place:
    place = db.session.get(Place, place_id) if place_id else None
    if place is None:
        raise Invalid(field, _("请选择所属地区"))
    if place.kind not in kinds:
        raise Invalid(field, _("所属地区类型不符，应为：%(kinds)s", kinds=", ".join(kinds)))
    return place


def unit_of(unit_id: int | None, field: str = "unit_id") -> Unit:
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None:
        raise Invalid(field, _("请选择单位"))
    return unit


ACCOUNT_PLACE_KINDS = {
    Role.STAFF: (PlaceKind.COMMUNITY, PlaceKind.GRID),
    Role.RESIDENT: (PlaceKind.COMMUNITY, PlaceKind.GRID),
    Role.STREET_ADMIN: (PlaceKind.STREET, PlaceKind.DISTRICT),
}


def check_account_scope(role: str, place_id: int | None, unit_id: int | None) -> None:
    """A new account's place suits its role (staff and residents: a community or grid; street
    admins: a street or district), a member's or unit admin's unit exists: else 422."""
    if role in ACCOUNT_PLACE_KINDS:
        place_of_kind(place_id, ACCOUNT_PLACE_KINDS[role])
    elif role in UNIT_SIDE:
        unit_of(unit_id)
