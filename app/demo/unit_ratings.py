"""Demo data for unit ratings (单位评议): `seed(ctx)` has the staff of the first community rate
one of its units with a comment and publish the year's unit ratings (through the services).
Idempotent: does nothing once any unit rating exists. Called after the orders' seeder."""

from __future__ import annotations

import sqlalchemy as sa

from app.auth.models import Role, User
from app.clock import local_today, utcnow
from app.extensions import db
from app.places.models import Place, PlaceKind
from app.ratings import need_tally, unit_ratings
from app.ratings.models import UnitRating


def seed(ctx=None) -> list[str]:
    if db.session.scalar(sa.select(UnitRating.id).limit(1)) is not None:
        return []
    now = (ctx or {}).get("now") or utcnow()
    year = local_today(now).year
    need_tally.rebuild()  # demo orders written before the tallies existed count too
    for community in db.session.scalars(
        sa.select(Place).where(Place.kind == PlaceKind.COMMUNITY).order_by(Place.id)
    ):
        staff = db.session.scalar(
            sa.select(User)
            .where(User.role == Role.STAFF, User.place_id == community.id)
            .order_by(User.id)
            .limit(1)
        )
        units = unit_ratings.serving_units(community.id, year)
        if staff is None or not units:
            continue
        unit_ratings.set_unit_rating(
            staff, units[0], community.id, year, now=now, comment="积极参与结对共建，接单及时，群众满意。"
        )
        result = unit_ratings.publish_unit_ratings(staff, community.id, year, now=now)
        return [f"unit ratings: {result['published']} published by {community.name}"]
    return []
