"""Department performance (一事一考 / 绩效评估): for a community, street or district and a year,
every unit serving there (reported to one of its communities, or sent needs there) with the
needs it received, accepted and declined, its first response time, on-time rate, reopened
rate and satisfaction, a score and its rank; and the same figures per category.

Set-based: a fixed number of statements whatever the number of units or needs (the place and
the viewer's scope, the grouped sums of app/ratings/unit_figures.py per unit and per category,
the units)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.places.models import Place, PlaceKind, Unit
from app.ratings.statistics import stats_place
from app.ratings.unit_figures import OrderSums, order_sums
from app.registrations.models import UnitRegistration


def score(*rates: float | None) -> float | None:
    """The mean of the rates known (each 0..1), as 0..100; None when none is known."""
    known = [r for r in rates if r is not None]
    return round(100 * sum(known) / len(known), 1) if known else None


def performance_score(sums: OrderSums) -> float | None:
    """What a unit is ranked by: acceptance, on time, satisfaction (of 5) and not reopened, in
    equal parts (处置答复率和群众满意度)."""
    if not sums.received:
        return None
    return score(
        sums.acceptance_rate,
        sums.on_time_rate,
        None if sums.satisfaction is None else sums.satisfaction / 5,
        None if sums.reopened_rate is None else 1 - sums.reopened_rate,
    )


def _figures(sums: OrderSums) -> dict:
    return {**sums.as_dict(), "score": performance_score(sums)}


def communities_of(place: Place) -> sa.Select:
    return sa.select(Place.id).where(Place.kind == PlaceKind.COMMUNITY, Place.path.like(place.path + "%"))


def unit_performance(viewer: User, place_id: int | None, year: int, now: datetime | None = None) -> dict:
    """{place, year, totals, units: [{unit_id, name, rank, score, ...figures}], categories:
    [{category, ...figures}]}; units ranked by score (best first; ties share a rank), those
    without needs last and unranked. Staff and street/district admins within scope (403)."""
    place = stats_place(viewer, place_id)
    now = now or utcnow()
    communities = communities_of(place)
    by_unit = {key[0]: s for key, s in order_sums(("unit",), year, now, communities=communities).items()}
    by_category = {
        key[0]: s for key, s in order_sums(("category",), year, now, communities=communities).items()
    }
    totals = OrderSums()
    for s in by_unit.values():
        totals.add(s)
    reported = sa.select(UnitRegistration.unit_id).where(UnitRegistration.community_id.in_(communities))
    units = db.session.execute(
        sa.select(Unit.id, Unit.name)
        .where(sa.or_(Unit.id.in_(reported), Unit.id.in_(sorted(by_unit))))
        .order_by(Unit.name, Unit.id)
    ).all()
    rows = [{"unit_id": u.id, "name": u.name, **_figures(by_unit.get(u.id, OrderSums()))} for u in units]
    _rank(rows)
    categories = sorted(
        ({"category": c, **_figures(s)} for c, s in by_category.items()),
        key=lambda r: (-r["received"], r["category"]),
    )
    return {
        "place": {"id": place.id, "name": place.name, "kind": place.kind},
        "year": year,
        "totals": _figures(totals),
        "units": rows,
        "categories": categories,
    }


def _rank(rows: list[dict]) -> None:
    """Sorts in place: best score first (then more needs, then name); equal scores share a rank
    (1, 2, 2, 4); units without a score get rank None, last."""
    rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), -r["received"], r["name"]))
    previous, rank = None, 0
    for n, row in enumerate(rows, start=1):
        if row["score"] is None:
            row["rank"] = None
            continue
        if row["score"] != previous:
            rank, previous = n, row["score"]
        row["rank"] = rank
