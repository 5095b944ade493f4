"""Demo registrations: the members' 双报到 stories (approved, pending, rejected, transferred,
not registered yet), dated in the past, through the registration services."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.auth.models import Role, User
from app.extensions import db
from app.places.models import Place, PlaceKind, Unit
from app.registrations import services as registrations
from app.registrations.models import Registration, RegistrationStatus
from app.registrations.units import register_unit

SKILLS = ["法律咨询", "理发", "家电维修", "课业辅导", "医疗保健", "心理疏导", "书法", "摄影",
          "电脑维修", "财务咨询", "驾驶", "烹饪", "水电维修", "外语翻译", "文艺表演", "心肺复苏"]
AVAILABILITY = ["周末全天", "工作日晚上", "周六上午", "周日下午", "节假日", "工作日午休", "每月第一个周末"]
ROADS = ["仓边路", "中山四路", "都府街", "西湖路", "光孝路", "六榕路", "解放北路", "人民北路"]
REJECT_REASONS = ["居住地址不在本社区", "请补充门牌号后重新提交", "该地址属于相邻社区，请向该社区报到"]

# How the members' registrations end up (the rest are approved).
PENDING, REJECTED, UNREGISTERED, TRANSFERRED = 25, 8, 5, 10


def fates(count: int) -> list[str]:
    """What happened to each member's registration: the last ones have not registered yet,
    before them pending, rejected and transferred ones; the rest (most) are approved."""
    tail = (["transferred"] * TRANSFERRED + ["rejected"] * REJECTED + ["pending"] * PENDING
            + ["unregistered"] * UNREGISTERED)
    tail = tail[-count:] if count else []
    return ["approved"] * (count - len(tail)) + tail


def register_story(member: User, fate: str, community: Place, next_home: Place, grids: dict[int, list[Place]],
              staff: dict[int, User], now: datetime, rng: random.Random) -> None:
    """The member's registration story, dated in the past, through the registration services."""
    grid = rng.choice(grids[community.id] + [None])
    values = dict(community_id=community.id, grid_id=grid.id if grid else None, address=_address(rng),
                  skills=rng.sample(SKILLS, rng.randint(1, 3)), availability=rng.choice(AVAILABILITY))
    if fate == "pending":
        registrations.register(member, **values, now=now - timedelta(days=rng.randint(0, 6), hours=3))
        return
    signed_up = now - timedelta(days=rng.randint(20, 360), hours=rng.randint(0, 23))
    decided = signed_up + timedelta(days=rng.randint(1, 3))
    reg = registrations.register(member, **values, now=signed_up)
    if fate == "rejected":
        registrations.reject(staff[community.id], reg.id, rng.choice(REJECT_REASONS), now=decided)
        return
    registrations.approve(staff[community.id], reg.id, now=decided)
    if fate == "transferred":
        moved = max(decided + timedelta(days=10), now - timedelta(days=rng.randint(15, 60)))
        new = registrations.transfer(member, reg.id, community_id=next_home.id, grid_id=None,
                                     address=_address(rng), now=moved)
        registrations.approve(staff[next_home.id], new.id, now=moved + timedelta(days=1))


def _address(rng: random.Random) -> str:
    return f"{rng.choice(ROADS)}{rng.randint(1, 300)}号{rng.randint(1, 30)}0{rng.randint(1, 6)}房"


def communities_with_staff_and_members(limit: int = 30):
    """(community, its first staff account, up to `limit` approved members) for every community
    that has both, by id: where the domain seeders add their data."""
    communities = db.session.scalars(sa.select(Place).where(Place.kind == PlaceKind.COMMUNITY)
                                     .order_by(Place.id)).all()
    for community in communities:
        staff = db.session.scalar(sa.select(User).where(User.role == Role.STAFF,
                                                        User.place_id == community.id).limit(1))
        members = db.session.scalars(
            sa.select(User).join(Registration, Registration.member_id == User.id)
            .where(Registration.community_id == community.id,
                   Registration.status == RegistrationStatus.APPROVED).order_by(User.id)
            .limit(limit)).all()
        if staff is not None and members:
            yield community, staff, members


def report_unit(unit: Unit, resources: list[str], communities: list[Place], rng: random.Random,
                admin: User) -> None:
    """组织报到: the unit reports to two of the communities, offering its resources."""
    for community in rng.sample(communities, 2):
        register_unit(unit=unit, community_id=community.id, resources=resources, actor=admin)
