"""Demo data: a realistic district, built through the services, then every domain's own demo.

`seed_demo()` is idempotent: it builds the district once (1 district, 2 streets, 6 communities
with grids, 8 units registered with communities, accounts for every role, members with their
双报到 registrations: approved, pending, rejected, transferred), then calls `seed(ctx)` of every
domain module `app.<domain>.demo` that exists, so a new domain adds its demo data without
touching this file. `ctx` is a dict with `now`, `rng` (random.Random), `password` and `accounts`
(the account lines printed so far); each domain seeder must be idempotent itself and returns the
lines it wants printed. Accounts share one password, hashed once (hashing is what costs)."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from app.auth.models import Role, User
from app.auth.services import create_demo_user
from app.database import utcnow
from app.extensions import db
from app.places.models import Place, PlaceKind, Unit
from app.places.services import create_place, create_unit, register_unit
from app.registrations import services as registrations
from app.registrations.models import Registration, RegistrationStatus

DEMO_PASSWORD = "demo1234"
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
SKILLS = ["法律咨询", "理发", "家电维修", "课业辅导", "医疗保健", "心理疏导", "书法", "摄影",
          "电脑维修", "财务咨询", "驾驶", "烹饪", "水电维修", "外语翻译", "文艺表演", "心肺复苏"]
AVAILABILITY = ["周末全天", "工作日晚上", "周六上午", "周日下午", "节假日", "工作日午休", "每月第一个周末"]
ROADS = ["仓边路", "中山四路", "都府街", "西湖路", "光孝路", "六榕路", "解放北路", "人民北路"]
REJECT_REASONS = ["居住地址不在本社区", "请补充门牌号后重新提交", "该地址属于相邻社区，请向该社区报到"]

# How the members' registrations end up (the rest are approved).
PENDING, REJECTED, UNREGISTERED, TRANSFERRED = 25, 8, 5, 10


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
    """Calls `seed(ctx)` of every `app/<domain>/demo.py`, in the order of app.DOMAINS."""
    from app import domain_modules

    lines: list[str] = []
    for domain, module in domain_modules("demo"):
        lines += [f"{domain}: {line}" for line in module.seed(ctx) or []]
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
    for n, fate in enumerate(_fates(members), start=1):
        member = create_demo_user(username=f"m{n:03d}", password=DEMO_PASSWORD, password_hash=password_hash,
                             name=_name(rng), role=Role.MEMBER, phone=f"139{n * 7919 % 10**8:08d}",
                             unit_id=rng.choice(units).id)
        if fate != "unregistered":
            community = communities[n % len(communities)]
            _register(member, fate, community, communities[(n + 1) % len(communities)], grids, staff,
                      now, rng)


def _fates(count: int) -> list[str]:
    """What happened to each member's registration: the last ones have not registered yet,
    before them pending, rejected and transferred ones; the rest (most) are approved."""
    tail = (["transferred"] * TRANSFERRED + ["rejected"] * REJECTED + ["pending"] * PENDING
            + ["unregistered"] * UNREGISTERED)
    tail = tail[-count:] if count else []
    return ["approved"] * (count - len(tail)) + tail


def _register(member: User, fate: str, community: Place, next_home: Place, grids: dict[int, list[Place]],
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
