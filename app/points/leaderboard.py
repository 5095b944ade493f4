"""Leaderboards per community, street and unit, read from PointsTotal (never the ledger).

Tie rule (stable): more points first; on equal points whoever reached that total first
(earlier `updated_at`) ranks higher; then the lower member id. Ranks are positions 1, 2, 3…
so every member has exactly one rank."""
from __future__ import annotations

import functools

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from app.auth.models import Role, User
from app.auth.permissions import can_manage_place
from app.auth.roles import PLACE_STAFF, UNIT_SIDE
from app.errors import Forbidden, Invalid, NotFound
from app.extensions import db
from app.params import not_found
from app.places.models import Place, PlaceKind, Unit
from app.points.models import PointsTotal
from app.registrations.models import Registration, RegistrationStatus

SCOPES = ("community", "street", "unit")
LEVEL = {PlaceKind.GRID: 0, PlaceKind.COMMUNITY: 1, PlaceKind.STREET: 2, PlaceKind.DISTRICT: 3}
SCOPE_COLUMNS = {"community": PointsTotal.community_id, "street": PointsTotal.street_id,
                 "unit": PointsTotal.unit_id}


# The community of the member's approved registration (at most one), built once.
_HOME = (sa.select(Place).join(Registration, Registration.community_id == Place.id)
         .where(Registration.member_id == sa.bindparam("member_id"),
                Registration.status == RegistrationStatus.APPROVED))


def _member_home(member: User) -> Place | None:
    return db.session.scalars(_HOME, {"member_id": member.id}).first()


def default_scope_id(viewer: User, scope: str, home: Place | None = None) -> int | None:
    """The scope the viewer belongs to: his community/street/unit."""
    if scope == "unit":
        return viewer.unit_id
    if viewer.role == Role.MEMBER:
        home = home or _member_home(viewer)
        if home is None:
            return None
        return home.id if scope == "community" else home.parent_id
    place = db.session.get(Place, viewer.place_id) if viewer.place_id else None
    while place is not None and LEVEL[place.kind] < LEVEL[scope]:
        place = db.session.get(Place, place.parent_id) if place.parent_id else None
    return place.id if place is not None and place.kind == scope else None


def _check_place_scope(viewer: User, scope: str, place: Place, home: Place | None) -> None:
    if viewer.role == Role.ADMIN:
        return
    if viewer.role == Role.MEMBER:
        mine = home and (home.id if scope == "community" else home.parent_id)
        if mine != place.id:
            raise Forbidden(_("只能查看本人所在社区、街道的排行"))
        return
    if viewer.role == Role.STAFF and scope == "street":
        raise Forbidden(_("社区工作人员只能查看本社区排行"))
    if viewer.role in PLACE_STAFF and can_manage_place(viewer, place):
        return
    raise Forbidden(_("不在您的管辖范围"))


def resolve_scope(viewer: User, scope: str, scope_id: int | None) -> tuple[str, int, str]:
    """(scope, scope_id, display name) after checking the viewer may see that board:
    unknown ids are 404, ids outside the viewer's scope 403."""
    if scope not in SCOPES:
        raise Invalid("scope", _("范围须为社区、街道或单位"))
    home = _member_home(viewer) if viewer.role == Role.MEMBER and scope != "unit" else None
    scope_id = scope_id or default_scope_id(viewer, scope, home)
    if not scope_id:
        raise Invalid("scope_id", _("请选择范围"))
    if scope == "unit":
        unit = db.session.get(Unit, scope_id)
        if unit is None:
            raise NotFound(_("单位不存在"))
        if viewer.role != Role.ADMIN and not (
                viewer.role in UNIT_SIDE and viewer.unit_id == unit.id):
            raise Forbidden(_("只能查看本单位排行"))
        return scope, unit.id, unit.name
    place = db.session.get(Place, scope_id)
    if place is None or place.kind != scope:
        raise NotFound(not_found(scope))
    _check_place_scope(viewer, scope, place, home)
    return scope, place.id, place.name


@functools.cache
def _top_statement(scope: str) -> sa.Select:
    """Built once per scope (statement construction costs more than running it)."""
    column = SCOPE_COLUMNS[scope]
    return (sa.select(PointsTotal.member_id, User.name, PointsTotal.total)
            .join(User, User.id == PointsTotal.member_id)
            .where(PointsTotal.year == sa.bindparam("year"), column == sa.bindparam("scope_id"))
            .order_by(PointsTotal.total.desc(), PointsTotal.updated_at, PointsTotal.member_id)
            .limit(sa.bindparam("limit")).offset(sa.bindparam("offset")))


def top(scope: str, scope_id: int, year: int, limit: int = 20, offset: int = 0) -> list[dict]:
    """The board's first `limit` members (after `offset`): one indexed query."""
    rows = db.session.execute(_top_statement(scope), {
        "year": year, "scope_id": scope_id, "limit": limit, "offset": offset}).all()
    return [{"rank": offset + i + 1, "member_id": m, "name": name, "points": total}
            for i, (m, name, total) in enumerate(rows)]


@functools.cache
def _rank_statement(scope: str) -> sa.Select:
    column = SCOPE_COLUMNS[scope]
    year, member_id = sa.bindparam("year"), sa.bindparam("member_id")
    me = (sa.select(PointsTotal.total.label("total"), PointsTotal.updated_at.label("updated_at"),
                    column.label("scope_id"))
          .where(PointsTotal.member_id == member_id, PointsTotal.year == year).cte("me"))
    other = aliased(PointsTotal)
    board = (other.year == year, getattr(other, column.key) == sa.bindparam("scope_id"))
    ahead = sa.select(sa.func.count()).select_from(other).where(
        *board, other.total > me.c.total).scalar_subquery()
    tied_ahead = sa.select(sa.func.count()).select_from(other).where(
        *board, other.total == me.c.total,
        sa.or_(other.updated_at < me.c.updated_at,
               sa.and_(other.updated_at == me.c.updated_at, other.member_id < member_id)),
    ).scalar_subquery()
    return sa.select(me.c.total, me.c.scope_id, ahead, tied_ahead)


def board_size(scope: str, scope_id: int, year: int) -> int:
    """How many members the board holds (the "of N" of a rank): one indexed count."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(PointsTotal).where(
        PointsTotal.year == year, SCOPE_COLUMNS[scope] == scope_id)) or 0


def rank_of(scope: str, scope_id: int, year: int, member_id: int) -> dict | None:
    """The member's rank on the board (None when he has no total there): one query with two
    index range counts (members ahead, ties reached earlier), however many the board holds."""
    row = db.session.execute(_rank_statement(scope), {
        "year": year, "scope_id": scope_id, "member_id": member_id}).first()
    if row is None or row.scope_id != scope_id:
        return None
    return {"rank": row[2] + row[3] + 1, "member_id": member_id, "points": row.total}


def leaderboard(viewer: User, scope: str, scope_id: int | None, year: int,
                limit: int = 20, offset: int = 0) -> dict:
    """The board (after the scope check) from `offset`, with the viewing member's own rank."""
    scope, scope_id, name = resolve_scope(viewer, scope, scope_id)
    return {
        "scope": scope, "scope_id": scope_id, "scope_name": name, "year": year,
        "items": top(scope, scope_id, year, limit, offset),
        "me": rank_of(scope, scope_id, year, viewer.id) if viewer.role == Role.MEMBER else None,
    }
