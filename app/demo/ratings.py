"""Demo data for ratings: `seed(ctx)` first gives the demo a year of service that looks like a
real community's (each approved member's verified grid-volunteer records so far this year, from
a few idle members to a quarter of busy ones) and the district's 评议标准 for the year, set as
its admin and scaled to a year in which the platform is new; then it computes and publishes the
current year's ratings of some demo communities (through the services, as their staff), with
one staff override before publication, one revision after it, and 双公示 switched on for the
first community. The resulting levels: most 优秀 / 良好 / 合格, a few 基本合格 / 不合格.
Idempotent: does nothing once any rating exists. Called after the other domains' seeders."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.auth.models import Role, User
from app.clock import local_today, utcnow
from app.demo.registrations import communities_with_staff_and_members
from app.extensions import db
from app.places.models import Place, PlaceKind
from app.ratings import publicity, services, thresholds
from app.ratings.models import LEVEL_ORDER, Rating
from app.registrations.models import Registration, RegistrationStatus
from app.service.services import create_record, verify_record

# (share of members, grid-volunteer records so far this year, hours each): 2 points an hour.
PROFILES = ((0.25, 3, 7), (0.35, 2, 6.5), (0.28, 1, 7), (0.08, 1, 2), (0.04, 0, 0))
# The demo district's thresholds for the year: a year in which the platform is new.
DEMO_THRESHOLDS = [
    {"level": "excellent", "min_points": 40, "min_checklist_percent": 20, "min_satisfaction": 4.5,
     "max_abandoned": 0},
    {"level": "good", "min_points": 24, "min_checklist_percent": 20, "min_satisfaction": 4.0,
     "max_abandoned": 1},
    {"level": "qualified", "min_points": 12, "min_checklist_percent": 20, "min_satisfaction": 3.5,
     "max_abandoned": 2},
    {"level": "basic", "min_points": 4, "min_checklist_percent": 0, "min_satisfaction": None,
     "max_abandoned": 3},
]
COMMENTS = ("积极参加社区活动，服务群众热情周到。", "认领点单及时，群众评价好。",
            "参加服务次数偏少，希望今后多参与社区志愿服务。")


def seed(ctx=None) -> list[str]:
    if db.session.scalar(sa.select(Rating.id).limit(1)) is not None:
        return []
    ctx = ctx or {}
    now = ctx.get("now") or utcnow()
    rng = ctx.get("rng")
    year = local_today(now).year
    _year_of_service(now, year)
    admin = db.session.scalar(sa.select(User).where(User.role == Role.ADMIN).order_by(User.id).limit(1))
    district = db.session.scalar(sa.select(Place).where(Place.kind == PlaceKind.DISTRICT).order_by(Place.id))
    if admin is not None and district is not None:
        thresholds.set_thresholds(admin, district.id, year, DEMO_THRESHOLDS, now=now)
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


def _profile(share: float) -> tuple[int, float]:
    """(records, hours each) of the PROFILES entry `share` (0..1) falls in."""
    for weight, records, hours in PROFILES:
        if share < weight:
            return records, hours
        share -= weight
    return PROFILES[-1][1:]


def _year_of_service(now: datetime, year: int) -> None:
    """Verified grid-volunteer records this year for every approved member of the demo
    communities, by PROFILES (through the services: ledger, totals and 五个一 agree)."""
    rng = random.Random(14)
    start = datetime(year, 1, 1, 1, tzinfo=now.tzinfo)
    span = max(0, (now - start).days - 3)
    for community, staff, members in communities_with_staff_and_members(limit=500):
        for member in members:
            records, hours = _profile(rng.random())
            for _ in range(records):
                started = max(start, now - timedelta(days=3 + rng.randint(0, span), hours=rng.randint(0, 8)))
                rec = create_record(member, community_id=community.id, category="守护平安",
                                    started_at=started, hours=hours, description="网格巡查、清理楼道杂物",
                                    checklist_item="grid_volunteer", now=started + timedelta(hours=5))
                verify_record(staff, rec.id, True, now=min(now, started + timedelta(days=1)))
