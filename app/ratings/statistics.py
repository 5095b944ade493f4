"""Statistics of a community, street or district for a year, and of each community or street
below it: registered vs served members (the idle rate), orders by status, median time to
complete, satisfaction and 五个一 completion. Read-only and set-based: a fixed number of
grouped queries whatever the number of members, orders or communities.

"Served" is read as the reminder pass reads it (app/points/idleness.py): a ledger entry
from a service source (attendance, verified service, order, pairing; adjustments are not
service), here dated in the year; `idle_now` is exactly the pass's idle test for today."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.models import User
from app.auth.permissions import can_manage_place, place_scope
from app.auth.roles import STAFF_LIKE
from app.clock import local_today, year_bounds
from app.database import seconds_between
from app.errors import Forbidden, NotFound
from app.extensions import db
from app.orders.models import Order, OrderStatus
from app.params import valid_id
from app.places.models import Place, PlaceKind
from app.points.checklist import completion_for
from app.points.idleness import approved_members, idle_conditions
from app.points.models import SERVICE_SOURCE_TYPES, LedgerEntry
from app.registrations.models import Registration

ORDER_STATUSES = tuple(OrderStatus)
CHILD_KIND = {PlaceKind.DISTRICT: PlaceKind.STREET, PlaceKind.STREET: PlaceKind.COMMUNITY}


def stats_place(viewer: User, place_id: int | None) -> Place:
    """A community, street or district inside the viewer's scope (default: his own place):
    staff, street/district admins and admins only (403); unknown 404, outside 403."""
    if viewer.role not in STAFF_LIKE:
        raise Forbidden(_("无权查看统计"))
    if place_id is None:
        place_id = viewer.place_id or db.session.scalar(
            sa.select(Place.id).where(Place.kind == PlaceKind.DISTRICT).order_by(Place.id).limit(1))
    place = db.session.get(Place, place_id) if valid_id(place_id) else None
    if place is None or place.kind == PlaceKind.GRID:
        raise NotFound(_("地区不存在"))
    if not can_manage_place(viewer, place):
        raise Forbidden(_("不在您的管辖范围"))
    return place


def _empty() -> dict:
    return {"registered": 0, "served": 0, "idle_now": 0, "orders": dict.fromkeys(ORDER_STATUSES, 0),
            "satisfaction_sum": 0, "satisfaction_count": 0, "checklist_full": 0,
            "checklist_share_sum": 0.0}


def _finish(raw: dict, median: float | None, year_is_current: bool) -> dict:
    registered, served = raw["registered"], raw["served"]
    count = raw["satisfaction_count"]
    return {
        "registered": registered, "served": served, "idle": registered - served,
        "idle_rate": round((registered - served) / registered, 4) if registered else None,
        "idle_now": raw["idle_now"] if year_is_current else None,
        "orders": dict(raw["orders"]), "orders_total": sum(raw["orders"].values()),
        "median_hours_to_complete": None if median is None else round(median / 3600, 2),
        "avg_satisfaction": round(raw["satisfaction_sum"] / count, 2) if count else None,
        "satisfaction_count": count,
        "checklist_full": raw["checklist_full"],
        "checklist_full_rate": round(raw["checklist_full"] / registered, 4) if registered else None,
        "checklist_avg_percent": round(100 * raw["checklist_share_sum"] / registered, 1)
        if registered else None,
    }


def _medians(in_scope, start, end, group=None) -> dict:
    """Median seconds from placing to completion of the orders completed in [start, end),
    per group (a column) or overall (key 0), with window functions (both databases)."""
    seconds = seconds_between(Order.created_at, Order.completed_at)
    partition = {"partition_by": group} if group is not None else {}
    key = group if group is not None else sa.literal_column("0")
    ranked = (sa.select(key.label("g"), seconds.label("s"),
                        sa.func.row_number().over(order_by=seconds, **partition).label("rn"),
                        sa.func.count().over(**partition).label("n"))
              .select_from(Order).join(Place, Place.id == Order.community_id)
              .where(in_scope(Order.community_id), Order.completed_at >= start,
                     Order.completed_at < end).subquery())
    rows = db.session.execute(
        sa.select(ranked.c.g, sa.func.avg(ranked.c.s))
        .where(ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2]))
        .group_by(ranked.c.g))
    return {g: float(s) for g, s in rows}


def _member_figures(place: Place, year: int, today: date, by_community: dict) -> None:
    in_place = Registration.community_id.in_(
        sa.select(Place.id).where(Place.kind == PlaceKind.COMMUNITY, Place.path.like(place.path + "%")))
    members = approved_members().where(in_place)
    community_of = dict(db.session.execute(members.with_only_columns(
        Registration.member_id, Registration.community_id)).all())
    for community_id in community_of.values():
        by_community[community_id]["registered"] += 1
    served = sa.exists().where(LedgerEntry.member_id == Registration.member_id,
                               LedgerEntry.year == year,
                               LedgerEntry.source_type.in_(SERVICE_SOURCE_TYPES))
    counted = members.with_only_columns(Registration.community_id, sa.func.count()).group_by(
        Registration.community_id)
    for community_id, n in db.session.execute(counted.where(served)):
        by_community[community_id]["served"] += n
    if year == today.year:
        for community_id, n in db.session.execute(counted.where(*idle_conditions(today))):
            by_community[community_id]["idle_now"] += n
    for member_id, (done, total) in completion_for(members, year).items():
        raw = by_community[community_of[member_id]]
        raw["checklist_full"] += done >= total
        raw["checklist_share_sum"] += done / total if total else 1.0


def _order_figures(in_scope, start, end, by_community: dict) -> None:
    for community_id, status, n in db.session.execute(
            sa.select(Order.community_id, Order.status, sa.func.count())
            .where(in_scope(Order.community_id), Order.created_at >= start, Order.created_at < end)
            .group_by(Order.community_id, Order.status)):
        by_community[community_id]["orders"][status] = by_community[community_id]["orders"].get(status, 0) + n
    for community_id, total, n in db.session.execute(
            sa.select(Order.community_id, sa.func.sum(Order.score), sa.func.count(Order.score))
            .where(in_scope(Order.community_id), Order.score.is_not(None),
                   Order.closed_at >= start, Order.closed_at < end)
            .group_by(Order.community_id)):
        by_community[community_id]["satisfaction_sum"] += int(total or 0)
        by_community[community_id]["satisfaction_count"] += n


def _add(target: dict, raw: dict) -> None:
    for key, value in raw.items():
        if key == "orders":
            for status, n in value.items():
                target["orders"][status] = target["orders"].get(status, 0) + n
        else:
            target[key] += value


def statistics(viewer: User, place_id: int | None, year: int, today: date | None = None) -> dict:
    """{place, year, totals, children: [{place_id, name, kind, ...figures}]}: the place's
    figures and those of each street (of a district) or community (of a street)."""
    place = stats_place(viewer, place_id)
    today = today or local_today()
    start, end = year_bounds(year)
    communities = db.session.execute(sa.select(Place.id, Place.name, Place.parent_id).where(
        Place.kind == PlaceKind.COMMUNITY, Place.path.like(place.path + "%")).order_by(Place.path)).all()
    community_ids = [c.id for c in communities]

    def in_scope(column):
        return column.in_(sa.select(Place.id).where(Place.kind == PlaceKind.COMMUNITY,
                                                    Place.path.like(place.path + "%")))

    by_community: dict = defaultdict(_empty)
    _member_figures(place, year, today, by_community)
    _order_figures(in_scope, start, end, by_community)
    current = year == today.year
    totals = _empty()
    for community_id in community_ids:
        _add(totals, by_community[community_id])
    median_total = _medians(in_scope, start, end).get(0)
    children = []
    child_kind = CHILD_KIND.get(place.kind)
    if child_kind == PlaceKind.COMMUNITY:
        medians = _medians(in_scope, start, end, Order.community_id)
        children = [{"place_id": c.id, "name": c.name, "kind": child_kind,
                     **_finish(by_community[c.id], medians.get(c.id), current)} for c in communities]
    elif child_kind == PlaceKind.STREET:
        medians = _medians(in_scope, start, end, Place.parent_id)
        streets = db.session.execute(sa.select(Place.id, Place.name).where(
            Place.kind == PlaceKind.STREET, Place.parent_id == place.id).order_by(Place.path)).all()
        grouped: dict = defaultdict(_empty)
        for c in communities:
            _add(grouped[c.parent_id], by_community[c.id])
        children = [{"place_id": s.id, "name": s.name, "kind": child_kind,
                     **_finish(grouped[s.id], medians.get(s.id), current)} for s in streets]
    return {"place": {"id": place.id, "name": place.name, "kind": place.kind}, "year": year,
            "totals": _finish(totals, median_total, current), "children": children,
            "communities": len(community_ids)}


def viewer_places(viewer: User) -> list[Place]:
    """Places the viewer may switch the statistics to (his scope's districts, streets and
    communities, at most 300)."""
    if viewer.role not in STAFF_LIKE:
        return []
    return list(db.session.scalars(sa.select(Place).where(
        Place.kind != PlaceKind.GRID, place_scope(viewer, Place.id)).order_by(Place.path).limit(300)))

