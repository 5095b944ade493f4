"""Demo data for ratings: `seed(ctx)` computes and publishes the current year's ratings of
some demo communities (through the services, as their staff), with one staff override before
publication, one revision after it, and 双公示 switched on for the first community.
Idempotent: does nothing once any rating exists. Called after the other domains' seeders."""
from __future__ import annotations

import sqlalchemy as sa

from app.auth.models import Role, User
from app.clock import local_today, utcnow
from app.extensions import db
from app.places.models import Place, PlaceKind
from app.ratings import publicity, services
from app.ratings.models import LEVEL_ORDER, Rating
from app.registrations.models import Registration, RegistrationStatus

COMMENTS = ("积极参加社区活动，服务群众热情周到。", "认领点单及时，群众评价好。",
            "参加服务次数偏少，希望今后多参与社区志愿服务。")


def seed(ctx=None) -> list[str]:
    if db.session.scalar(sa.select(Rating.id).limit(1)) is not None:
        return []
    ctx = ctx or {}
    now = ctx.get("now") or utcnow()
    rng = ctx.get("rng")
    year = local_today(now).year
    communities = db.session.scalars(sa.select(Place).where(Place.kind == PlaceKind.COMMUNITY)
                                     .order_by(Place.id)).all()
    published, communities_done = 0, []
    for community in communities[: max(1, (len(communities) + 1) // 2)]:
        staff = db.session.scalar(sa.select(User).where(
            User.role == Role.STAFF, User.place_id == community.id).order_by(User.id).limit(1))
        members = db.session.scalars(
            sa.select(Registration.member_id).where(Registration.community_id == community.id,
                                                    Registration.status == RegistrationStatus.APPROVED)
            .order_by(Registration.member_id).limit(3)).all()
        if staff is None or not members:
            continue
        first = members[0]
        row = services.member_row(first, year)
        better = LEVEL_ORDER[max(0, LEVEL_ORDER.index(row.level) - 1)] if row.level else None
        services.set_rating(staff, first, year, level=better, comment=COMMENTS[0], now=now)
        if len(members) > 1:
            services.set_rating(staff, members[1], year, comment=COMMENTS[1], now=now)
        published += services.publish(staff, community.id, year, now=now)["published"]
        if len(members) > 2:
            comment = COMMENTS[2] if rng is None else rng.choice(COMMENTS)
            services.set_rating(staff, members[2], year, level="basic", comment=comment, now=now)
        if not communities_done:
            publicity.set_publicity(staff, community.id, True, now=now)
        communities_done.append(community.name)
    if not communities_done:
        return []
    return [f"ratings: {published} published in {len(communities_done)} communities "
            f"({', '.join(communities_done)}); 双公示 on for {communities_done[0]}"]
