"""Demo data for orders: `seed(ctx)` puts orders in every state (some overdue, one declined
by a unit and sent again, one reopened) in every demo community that has staff and approved
members, through the real services, so events, claims, points, the checklist and
notifications are all consistent. Where the demo district lacks them it adds a resident, a unit report
and a unit admin. Idempotent: does nothing when orders
exist. `ctx` is a dict (or object) with `now` (datetime), `rng` (random.Random) and
`password` (for the accounts it may add)."""
from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import Role, User
from app.auth.services import create_demo_user
from app.clock import utcnow
from app.extensions import db
from app.orders import services
from app.orders.candidates import invite
from app.orders.models import Order
from app.places.models import Place, PlaceKind
from app.registrations.models import Registration, RegistrationStatus
from app.registrations.units import register_unit, reported_unit_ids

DEMO_PASSWORD = "demo12345"
NEEDS = [("代买生活用品", "关爱老人", "独居老人腿脚不便，需要每周代买米面油和蔬菜。"),
         ("厨房水龙头漏水", "维修服务", "水龙头关不紧，一直滴水，想请人帮忙换一个。"),
         ("陪同老人去医院复查", "医疗健康", "子女在外地，老人需要有人陪同去市一医院复查。"),
         ("孩子数学作业辅导", "课业辅导", "四年级孩子数学跟不上，希望每周辅导两次。"),
         ("楼道杂物清理", "洁净家园", "三楼楼道堆满旧家具，有消防隐患。"),
         ("邻里噪音协调", "和睦邻里", "楼上晚上经常很吵，希望社区帮忙沟通。"),
         ("咨询房屋继承手续", "法律咨询", "老伴去世后房产过户不知道怎么办理。"),
         ("卫生间安装扶手", "维修服务", "老人洗澡容易滑倒，想装一个扶手。"),
         ("微心愿：一本新华字典", "微心愿", "困难家庭孩子上学需要一本字典。"),
         ("楼道灯坏了", "守护平安", "五栋二单元楼道灯坏了一个多星期，晚上很黑。"),
         ("上门理发", "关爱老人", "卧床老人需要上门理发。"),
         ("电动车充电安全检查", "守护平安", "楼下有人飞线充电，希望检查劝导。"),
         ("智能手机使用教学", "关爱老人", "想学会用手机视频通话和挂号。"),
         ("低保申请材料整理", "扶贫助困", "不清楚低保申请需要哪些材料。")]


def _get(ctx, key, default=None):
    if ctx is None:
        return default
    return ctx.get(key, default) if isinstance(ctx, dict) else getattr(ctx, key, default)


def seed(ctx=None) -> list[str]:
    if db.session.scalar(sa.select(Order.id).limit(1)) is not None:
        return []
    now = _get(ctx, "now") or utcnow()
    rng = _get(ctx, "rng") or random.Random(6)
    lines, total = [], 0
    communities = db.session.scalars(sa.select(Place).where(Place.kind == PlaceKind.COMMUNITY)
                                     .order_by(Place.id)).all()
    for community in communities:
        cast = _cast(community, lines, _get(ctx, "password") or DEMO_PASSWORD)
        if cast is not None:
            total += _orders(community, cast, rng, now)
    return [f"orders: {total} in every state across the communities"] + lines


def _cast(community: Place, lines: list[str], password: str) -> dict | None:
    """Who acts in this community's orders: its residents, staff, members, and the unit with
    most members there among those reported to it. Adds only what is missing (a resident, the
    unit's report, a unit admin); None when there is no staff or too few approved members."""
    staff = db.session.scalar(sa.select(User).where(User.role == Role.STAFF,
                                                    User.place_id == community.id).limit(1))
    members = db.session.scalars(
        sa.select(User).join(Registration, Registration.member_id == User.id)
        .where(Registration.community_id == community.id,
               Registration.status == RegistrationStatus.APPROVED, User.is_active.is_(True))
        .order_by(User.id).limit(60)).all()
    if staff is None or len(members) < 2:
        return None
    residents = db.session.scalars(
        sa.select(User).join(Place, Place.id == User.place_id)
        .where(User.role == Role.RESIDENT, sa.or_(Place.id == community.id,
                                                  Place.parent_id == community.id))
        .order_by(User.id).limit(5)).all()
    if not residents:
        username = f"resident{community.id}_1"
        residents = [create_demo_user(username=username, password=password, role=Role.RESIDENT,
                                 name=f"{community.name[:2]}居民", place_id=community.id,
                                 phone=f"137{community.id:08d}", created_by=staff)]
        lines.append(f"  resident {username} / {password} ({community.name})")
    by_unit: dict[int, list[User]] = {}
    for member in members:
        by_unit.setdefault(member.unit_id, []).append(member)
    reported = reported_unit_ids(community.id)
    unit_id = max(by_unit, key=lambda u: (u in reported, len(by_unit[u]), -u))
    if unit_id not in reported:
        register_unit(unit=by_unit[unit_id][0].unit, community_id=community.id,
                      resources=["志愿服务队", "专业技术人员"], actor=staff)
    admin = db.session.scalar(sa.select(User).where(User.role == Role.UNIT_ADMIN,
                                                    User.unit_id == unit_id).limit(1))
    if admin is None:
        username = f"unitadmin{unit_id}"
        admin = create_demo_user(username=username, password=password, role=Role.UNIT_ADMIN,
                            name=f"单位管理员{unit_id}", unit_id=unit_id, created_by=staff)
        lines.append(f"  unit admin {username} / {password}")
    pool = [m for m in members if m.unit_id != unit_id] or members
    return {"staff": staff, "residents": residents, "unit_id": unit_id, "admin": admin,
            "unit_members": by_unit[unit_id], "pool": pool}


def _orders(community: Place, cast: dict, rng: random.Random, now) -> int:
    staff, admin, unit_id = cast["staff"], cast["admin"], cast["unit_id"]
    unit_members, pool = cast["unit_members"], cast["pool"]
    needs = rng.sample(NEEDS, len(NEEDS))
    made = 0

    def place(days_ago: float, urgency: str = "normal", slots: int = 1) -> Order:
        nonlocal made
        title, category, description = needs[made % len(needs)]
        made += 1
        resident = cast["residents"][made % len(cast["residents"])]
        return services.create_order(resident, title=title, category=category, description=description,
                                     urgency=urgency, slots=slots, address=f"{community.name}{made}栋",
                                     now=now - timedelta(days=days_ago))

    def at(days_ago: float):
        return now - timedelta(days=days_ago)

    place(0.1)                                                            # submitted
    place(0.3, "urgent")                                                  # submitted, overdue
    o = place(1)
    services.dispatch(staff, o.id, unit_id=unit_id, now=at(0.9))          # waiting for the unit
    o = place(2)
    services.dispatch(staff, o.id, to_pool=True, now=at(1.9))             # claimable
    invite(staff, o.id, pool[-1].id, now=at(1.8))
    o = place(2, "high")
    services.dispatch(staff, o.id, unit_id=unit_id, now=at(1.9))
    services.accept(admin, o.id, now=at(1.8))                             # accepted, overdue
    o = place(3, slots=2)
    services.dispatch(staff, o.id, to_pool=True, now=at(2.9))
    services.claim(pool[0], o.id, now=at(2.5))                            # one of two slots
    o = place(3)
    services.dispatch(staff, o.id, to_pool=True, now=at(2.9))
    services.claim(pool[1 % len(pool)], o.id, now=at(2.8))                # claimed
    o = place(5)
    services.dispatch(staff, o.id, unit_id=unit_id, now=at(4.9))
    services.accept(admin, o.id, now=at(4.8))
    services.claim(unit_members[0], o.id, now=at(4.7))
    services.complete(unit_members[0], o.id, "已上门处理，居民确认问题解决。", now=at(4))  # to rate
    for score in (5, 3):
        o = place(10)
        services.dispatch(staff, o.id, to_pool=True, now=at(9.9))
        member = rng.choice(pool)
        services.claim(member, o.id, now=at(9.5))
        services.complete(member, o.id, "已完成，照片已发给居民。", now=at(8))
        services.rate(o.resident, o.id, score, "很及时，谢谢" if score > 3 else "来得有点晚", now=at(7))
    o = place(6)
    services.dispatch(staff, o.id, unit_id=unit_id, now=at(5.9))
    services.decline(admin, o.id, "本周单位集中加班，人手不足", now=at(5.5))
    services.dispatch(staff, o.id, to_pool=True, now=at(5.4))             # sent again
    o = place(8)
    services.dispatch(staff, o.id, to_pool=True, now=at(7.9))
    services.claim(pool[-1], o.id, now=at(7.5))
    services.complete(pool[-1], o.id, "已修好。", now=at(3))
    services.reopen(o.resident, o.id, "用了两天又坏了", now=at(1))        # reopened
    o = place(4)
    services.dispatch(staff, o.id, to_pool=True, now=at(3.9))
    services.claim(pool[0], o.id, now=at(3.5))
    services.release(pool[0], o.id, "临时出差", now=at(3))                  # released, claimable
    o = place(1)
    services.reject(staff, o.id, "属于物业维修范围，已转物业处理", now=at(0.8))
    o = place(1)
    services.cancel(o.resident, o.id, "家人已经帮忙解决了", now=at(0.5))
    return made
