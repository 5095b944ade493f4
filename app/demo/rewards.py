"""Demo data for 积分兑换: a few rewards in every community (and one for a whole street),
offered by its staff, and a handful of redemptions by members with points — one handed over,
one waiting. Idempotent: does nothing once any reward exists. Runs after the domains that pay
points (activities, service, orders)."""
from __future__ import annotations

import sqlalchemy as sa

from app.auth.models import Role, User
from app.extensions import db
from app.places.models import Place, PlaceKind
from app.points.models import PointsTotal
from app.registrations.models import Registration, RegistrationStatus
from app.rewards import services
from app.rewards.models import Reward

ITEMS = (("环保购物袋", "社区党群服务中心前台领取", 10, 30),
         ("理发券（社区便民理发点）", "每周六上午使用", 40, 20),
         ("家庭应急包", "含手电、急救用品", 120, 5))


def _first(*where) -> User | None:
    return db.session.scalar(sa.select(User).where(*where).order_by(User.id).limit(1))


def seed(ctx=None) -> list[str]:
    if db.session.scalar(sa.select(Reward.id).limit(1)) is not None:
        return []
    communities = db.session.scalars(sa.select(Place).where(Place.kind == PlaceKind.COMMUNITY)
                                     .order_by(Place.id)).all()
    rewards = 0
    for community in communities:
        staff = _first(User.role == Role.STAFF, User.place_id == community.id)
        if staff is None:
            continue
        offered = [services.create_reward(staff, place_id=community.id, name=name, description=about,
                                          points=points, stock=stock, per_member_limit=1)
                   for name, about, points, stock in ITEMS]
        rewards += len(offered)
        rich = db.session.scalars(
            sa.select(Registration.member_id)
            .join(PointsTotal, PointsTotal.member_id == Registration.member_id)
            .where(Registration.community_id == community.id,
                   Registration.status == RegistrationStatus.APPROVED,
                   PointsTotal.total >= offered[0].points)
            .order_by(PointsTotal.total.desc(), Registration.member_id).limit(2)).all()
        for n, member_id in enumerate(rich):
            member = db.session.get(User, member_id)
            redemption, _ = services.redeem(member, offered[0].id, f"demo-{member_id}")
            if n == 0:
                services.decide(staff, redemption.id, "fulfil")
    street_admin = _first(User.role == Role.STREET_ADMIN)
    if street_admin is not None and street_admin.place_id:
        services.create_reward(street_admin, place_id=street_admin.place_id, name="街道文化中心观影券",
                               description="凭兑换记录到街道文化中心领取", points=60, stock=50)
        rewards += 1
    db.session.flush()
    return [f"积分兑换: {rewards} 件兑换物品"]
