"""Demo accounts: an admin, the street and district admins, each community's staff and
residents, the units' admins and the members, through the auth services. They share one
password, hashed once (hashing is what costs). Also the list of accounts worth trying."""
from __future__ import annotations

import random

import sqlalchemy as sa

from app.auth.models import Role, User
from app.auth.services import create_demo_user
from app.demo.places import Tree
from app.extensions import db
from app.places.models import Unit
from app.registrations import services as registrations
from app.registrations.models import Registration, RegistrationStatus

DEMO_PASSWORD = "demo1234"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程苏魏吕丁沈"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
         "超", "秀英", "霞", "平", "刚", "桂英", "志强", "建华", "晓东", "文", "海燕", "丹", "俊", "嘉怡",
         "子轩", "雨桐", "浩然", "欣怡", "宇航", "梓涵", "思远", "立新", "国庆", "红梅"]


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


class Accounts:
    """Creates demo accounts with the shared password hash; the first one (the system admin)
    creates all the others but the members, who sign up themselves."""

    def __init__(self, password_hash: str):
        self.password_hash = password_hash
        self.admin: User | None = None

    def add(self, username: str, role: str, name: str, *, by_admin: bool = True, **kw) -> User:
        user = create_demo_user(username=username, password=DEMO_PASSWORD, password_hash=self.password_hash,
                                name=name, role=role, created_by=self.admin if by_admin else None, **kw)
        if self.admin is None and role == Role.ADMIN:
            self.admin = user
        return user

    def place_accounts(self, tree: Tree, rng: random.Random) -> dict[int, User]:
        """The district's and streets' admins, each community's staff and two residents;
        returns the staff by community id."""
        self.add("district", Role.STREET_ADMIN, "区委组织部管理员", place_id=tree.district.id,
                 phone="13800000001")
        for s_index, street in enumerate(tree.streets, start=1):
            self.add(f"street{s_index}", Role.STREET_ADMIN, f"{street.name}管理员", place_id=street.id,
                     phone=f"1380000001{s_index}")
        staff: dict[int, User] = {}
        for c_index, community in enumerate(tree.communities, start=1):
            staff[community.id] = self.add(f"staff{c_index}", Role.STAFF, person_name(rng),
                                           place_id=community.id, phone=f"137{c_index:08d}")
            for r in (1, 2):
                self.add(f"resident{c_index}{r}", Role.RESIDENT, person_name(rng), place_id=community.id,
                         phone=f"136{c_index * 10 + r:08d}")
        return staff

    def unit_admin(self, unit: Unit, index: int, rng: random.Random) -> User:
        return self.add(f"unit{index}", Role.UNIT_ADMIN, person_name(rng), unit_id=unit.id,
                        phone=f"135{index:08d}")

    def member(self, n: int, units: list[Unit], rng: random.Random) -> User:
        return self.add(f"m{n:03d}", Role.MEMBER, person_name(rng), by_admin=False,
                        phone=f"139{n * 7919 % 10**8:08d}", unit_id=rng.choice(units).id)


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


def format_accounts(accounts: list[tuple[str, str, str]]) -> list[str]:
    lines = [f"Demo accounts (password for every one: {DEMO_PASSWORD})",
             f"{'username':<16} {'role':<13} scope"]
    lines += [f"{username:<16} {role:<13} {scope}" for username, role, scope in accounts]
    return lines
