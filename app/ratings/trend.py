"""The month-by-month trend of a place's year (the statistics page's line of months): members
who served, needs placed and needs completed, each month in Asia/Shanghai time. Three grouped
queries whatever the numbers."""
from __future__ import annotations

import sqlalchemy as sa

from app.clock import year_bounds
from app.database import local_month
from app.extensions import db
from app.orders.models import Order
from app.places.models import Place, PlaceKind
from app.points.models import SERVICE_SOURCE_TYPES, LedgerEntry
from app.registrations.models import Registration, RegistrationStatus

MONTHS = range(1, 13)


def monthly(place: dict, year: int) -> list[dict]:
    """[{month, served, placed, completed}] for the 12 months of the year in the place."""
    path = db.session.scalar(sa.select(Place.path).where(Place.id == place["id"]))
    communities = sa.select(Place.id).where(Place.kind == PlaceKind.COMMUNITY, Place.path.like(path + "%"))
    start, end = year_bounds(year)
    members = sa.select(Registration.member_id).where(Registration.community_id.in_(communities),
                                                      Registration.status == RegistrationStatus.APPROVED)
    month = local_month(LedgerEntry.created_at)
    served = dict(db.session.execute(
        sa.select(month, sa.func.count(sa.distinct(LedgerEntry.member_id)))
        .where(LedgerEntry.year == year, LedgerEntry.source_type.in_(SERVICE_SOURCE_TYPES),
               LedgerEntry.member_id.in_(members)).group_by(month)).all())
    figures = {}
    for key, column in (("placed", Order.created_at), ("completed", Order.completed_at)):
        month = local_month(column)
        figures[key] = dict(db.session.execute(
            sa.select(month, sa.func.count()).where(Order.community_id.in_(communities), column >= start,
                                                    column < end).group_by(month)).all())
    return [{"month": m, "served": served.get(m, 0), "placed": figures["placed"].get(m, 0),
             "completed": figures["completed"].get(m, 0)} for m in MONTHS]
