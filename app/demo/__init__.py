"""Demo data: a realistic district, built through the services, then every domain's own demo.

`seed_demo()` is idempotent: it builds the district once (1 district, 2 streets, 6 communities
with grids, 8 units registered with communities, accounts for every role, members with their
双报到 registrations: approved, pending, rejected, transferred: app/demo/registrations.py), then
calls `seed(ctx)` of every domain's seeder in this package (DOMAIN_SEEDERS: one module per
domain). `ctx` is a dict with `now`, `rng` (random.Random), `password` and `accounts`
(the account lines printed so far); each domain seeder must be idempotent itself and returns the
lines it wants printed. Accounts share one password, hashed once (hashing is what costs)."""
from __future__ import annotations

import random
from datetime import datetime

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from app.auth.models import Role, User
from app.auth.services import create_demo_user
from app.database import utcnow
from app.demo import (
    activities,
    announcements,
    honours,
    orders,
    projects,
    ratings,
    rewards,
    service,
    unit_ratings,
)
from app.demo.registrations import fates, register_story
from app.extensions import db
from app.places.models import Place, PlaceKind, Unit
from app.places.services import create_place, create_unit
from app.registrations import services as registrations
from app.registrations.models import Registration, RegistrationStatus
from app.registrations.units import register_unit

DEMO_PASSWORD = "demo1234"
DOMAIN_SEEDERS = (("activities", activities.seed), ("service", service.seed),
                  ("orders", orders.seed), ("projects", projects.seed), ("rewards", rewards.seed),
                  ("honours", honours.seed), ("announcements", announcements.seed), ("ratings", ratings.seed),
                  ("unit_ratings", unit_ratings.seed))
DISTRICT = "越秀区"
STREETS = {
    "北京街道": ["仓边社区", "都府社区", "西湖社区"],
    "六榕街道": ["光孝社区", "六榕社区", "华宁社区"],
}
GRIDS_PER_COMMUNITY = 3
UNITS = [  # (name, kind, resources offered when reporting to a community: 组织报到)
    ("区税务局", "agency", ["税务政策咨询", "党员志愿服务队", "会议室"]),
    ("区人民法院", "agency", ["法律咨询", "普法讲座", "矛盾纠纷调解"]),
    ("区教育局", "agency", ["四点半课堂师资", "家庭教育讲座"]),
    ("市第一人民医院", "institution", ["义诊", "健康讲座", "慢病随访"]),
    ("区疾病预防控制中心", "institution", ["防疫宣传", "健康档案协助"]),
    ("区图书馆", "institution", ["流动图书", "阅读活动场地"]),
    ("广州地铁集团", "enterprise", ["文明出行志愿者", "安全宣传"]),
    ("区供电局", "enterprise", ["上门检修线路", "用电安全检查"]),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程苏魏吕丁沈"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
         "超", "秀英", "霞", "平", "刚", "桂英", "志强", "建华", "晓东", "文", "海燕", "丹", "俊", "嘉怡",
         "子轩", "雨桐", "浩然", "欣怡", "宇航", "梓涵", "思远", "立新", "国庆", "红梅"]

def seed_demo(members: int = 300, now: datetime | None = None) -> list[str]:
    """Builds the demo district once and runs every domain's seeder; returns lines to print."""
    now = now or utcnow()
    rng = random.Random(2026)
    built = db.session.scalar(sa.select(Place.id).where(Place.kind == PlaceKind.DISTRICT,
                                                        Place.name == DISTRICT)) is None
    if built:
        _build(members, now, rng, generate_password_hash(DEMO_PASSWORD))
    accounts = demo_accounts()
    ctx = {"now": now, "rng": rng, "password": DEMO_PASSWORD, "accounts": accounts}
    lines = [f"demo district {'built' if built else 'already there, left as it was'}"]
    lines += run_domain_seeders(ctx)
    lines += format_accounts(accounts)
    return lines


def run_domain_seeders(ctx: dict) -> list[str]:
    """Calls `seed(ctx)` of every domain's seeder in app/demo/, in DOMAIN_SEEDERS order (ratings
    last: it rates what the others added)."""
    lines: list[str] = []
    for domain, seed in DOMAIN_SEEDERS:
        lines += [f"{domain}: {line}" for line in seed(ctx) or []]
    return lines


def format_accounts(accounts: list[tuple[str, str, str]]) -> list[str]:
    lines = [f"Demo accounts (password for every one: {DEMO_PASSWORD})",
             f"{'username':<16} {'role':<13} scope"]
    lines += [f"{username:<16} {role:<13} {scope}" for username, role, scope in accounts]
    return lines


# ---- building ---------------------------------------------------------------------------

def _build(members: int, now: datetime, rng: random.Random, password_hash: str) -> None:
    admin = None

    def account(username: str, role: str, name: str, **kw) -> User:
        return create_demo_user(username=username, password=DEMO_PASSWORD, password_hash=password_hash,
                           name=name, role=role, created_by=admin, **kw)

    admin = account("admin", Role.ADMIN, "系统管理员")
    district = create_place(kind=PlaceKind.DISTRICT, name=DISTRICT, parent_id=None, actor=admin)
    account("district", Role.STREET_ADMIN, "区委组织部管理员", place_id=district.id, phone="13800000001")
    communities: list[Place] = []
    grids: dict[int, list[Place]] = {}
    for s_index, (street_name, community_names) in enumerate(STREETS.items(), start=1):
        street = create_place(kind=PlaceKind.STREET, name=street_name, parent_id=district.id, actor=admin)
        account(f"street{s_index}", Role.STREET_ADMIN, f"{street_name}管理员", place_id=street.id,
                phone=f"1380000001{s_index}")
        for name in community_names:
            community = create_place(kind=PlaceKind.COMMUNITY, name=name, parent_id=street.id, actor=admin)
            communities.append(community)
            grids[community.id] = [
                create_place(kind=PlaceKind.GRID, name=f"第{'一二三四五'[g]}网格", parent_id=community.id,
                             actor=admin)
                for g in range(GRIDS_PER_COMMUNITY)
            ]
    staff: dict[int, User] = {}
    for c_index, community in enumerate(communities, start=1):
        staff[community.id] = account(f"staff{c_index}", Role.STAFF, _name(rng), place_id=community.id,
                                      phone=f"137{c_index:08d}")
        for r in (1, 2):
            account(f"resident{c_index}{r}", Role.RESIDENT, _name(rng), place_id=community.id,
                    phone=f"136{c_index * 10 + r:08d}")
    units: list[Unit] = []
    for u_index, (name, kind, resources) in enumerate(UNITS, start=1):
        unit = create_unit(name=name, kind=kind, actor=admin)
        units.append(unit)
        account(f"unit{u_index}", Role.UNIT_ADMIN, _name(rng), unit_id=unit.id, phone=f"135{u_index:08d}")
        for community in rng.sample(communities, 2):
            register_unit(unit=unit, community_id=community.id, resources=resources, actor=admin)
    for n, fate in enumerate(fates(members), start=1):
        member = create_demo_user(username=f"m{n:03d}", password=DEMO_PASSWORD, password_hash=password_hash,
                             name=_name(rng), role=Role.MEMBER, phone=f"139{n * 7919 % 10**8:08d}",
                             unit_id=rng.choice(units).id)
        if fate != "unregistered":
            community = communities[n % len(communities)]
            register_story(member, fate, community, communities[(n + 1) % len(communities)], grids, staff,
                      now, rng)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def demo_accounts() -> list[tuple[str, str, str]]:
    """(username, role, scope) of the accounts worth trying: every admin, staff and unit admin,
    one resident per community, and one member of each kind (approved, pending, rejected,
    transferred, not registered yet). Read from the database, so every run prints the same."""
    users = db.session.scalars(
        sa.select(User).where(User.role != Role.MEMBER, User.username.not_like("resident%2"))
        .order_by(User.id)).all()
    accounts = [(u.username, u.role, u.place.name if u.place else (u.unit.name if u.unit else "全部"))
                for u in users]
    member_with = sa.select(User).where(User.role == Role.MEMBER).order_by(User.id).limit(1)
    examples = [
        ("报到已通过", member_with.join(Registration, Registration.member_id == User.id).where(
            Registration.status == RegistrationStatus.APPROVED, Registration.previous_id.is_(None))),
        ("报到待审核", member_with.join(Registration, Registration.member_id == User.id).where(
            Registration.status == RegistrationStatus.PENDING)),
        ("报到被驳回，可重新报到", member_with.join(Registration, Registration.member_id == User.id).where(
            Registration.status == RegistrationStatus.REJECTED)),
        ("搬家转移过，有报到记录", member_with.join(Registration, Registration.member_id == User.id).where(
            Registration.status == RegistrationStatus.TRANSFERRED)),
        ("尚未报到", member_with.where(~sa.exists().where(Registration.member_id == User.id))),
    ]
    for label, stmt in examples:
        member = db.session.scalar(stmt)
        if member is not None:
            reg = registrations.open_registration(member.id)
            where = f"{reg.community.name}，" if reg is not None else ""
            accounts.append((member.username, Role.MEMBER, f"{where}{label}"))
    return accounts
