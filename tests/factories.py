"""factory_boy factories and a ready-made small district (`build_world`)."""
from __future__ import annotations

from types import SimpleNamespace

import factory
from werkzeug.security import generate_password_hash

from app.auth.models import Role, User
from app.clock import utcnow
from app.extensions import db
from app.places.models import Place, Unit
from app.places.services import create_place
from app.registrations.models import Registration, RegistrationStatus

PASSWORD = "Lotus-Harbor-2026"  # passes the password policy, so tests may choose it too
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明"]


class BaseFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class UnitFactory(BaseFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = "agency"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password_hash = _PASSWORD_HASH
    name = factory.Sequence(lambda n: SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)])
    phone = factory.Sequence(lambda n: f"138{n:08d}"[:11])
    role = Role.MEMBER


class MemberFactory(UserFactory):
    role = Role.MEMBER
    unit = factory.SubFactory(UnitFactory)


class RegistrationFactory(BaseFactory):
    """An approved registration by default."""

    class Meta:
        model = Registration

    member = factory.SubFactory(MemberFactory)
    community_id = None
    address = factory.Sequence(lambda n: f"幸福路{n}号")
    skills = factory.LazyFunction(lambda: ["理发"])
    availability = "周末"
    status = RegistrationStatus.APPROVED
    approved_at = factory.LazyFunction(utcnow)
    decided_at = factory.LazyFunction(utcnow)


def place(kind: str, name: str, parent: Place | None = None) -> Place:
    return create_place(kind=kind, name=name, parent_id=parent.id if parent else None)


def member_in(community: Place, unit: Unit | None = None, grid: Place | None = None,
              skills=None, **user_kw) -> User:
    """A member with an approved registration in `community`."""
    member = MemberFactory(unit=unit or UnitFactory(), **user_kw)
    RegistrationFactory(member=member, community_id=community.id,
                        grid_id=grid.id if grid else None, skills=skills or ["理发"])
    return member


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.district = place("district", "越秀区")
    w.street1 = place("street", "北京街道", w.district)
    w.street2 = place("street", "六榕街道", w.district)
    w.comm1 = place("community", "仓边社区", w.street1)
    w.comm2 = place("community", "都府社区", w.street1)
    w.comm3 = place("community", "光孝社区", w.street2)
    w.grid1 = place("grid", "第一网格", w.comm1)
    w.grid2 = place("grid", "第二网格", w.comm1)
    w.grid3 = place("grid", "第一网格", w.comm2)
    w.unit1 = UnitFactory(name="区税务局")
    w.unit2 = UnitFactory(name="市第一医院")
    w.admin = UserFactory(role=Role.ADMIN, username="admin_w")
    w.street_admin = UserFactory(role=Role.STREET_ADMIN, place_id=w.street1.id, username="street_w")
    w.staff1 = UserFactory(role=Role.STAFF, place_id=w.comm1.id, username="staff1_w")
    w.staff2 = UserFactory(role=Role.STAFF, place_id=w.comm2.id, username="staff2_w")
    w.staff3 = UserFactory(role=Role.STAFF, place_id=w.comm3.id, username="staff3_w")
    w.unit_admin1 = UserFactory(role=Role.UNIT_ADMIN, unit_id=w.unit1.id, username="uadmin1_w")
    w.unit_admin2 = UserFactory(role=Role.UNIT_ADMIN, unit_id=w.unit2.id, username="uadmin2_w")
    w.member1 = member_in(w.comm1, w.unit1, w.grid1, username="member1_w")
    w.member2 = member_in(w.comm1, w.unit2, w.grid2, username="member2_w")
    w.member3 = member_in(w.comm3, w.unit1, username="member3_w")
    w.newbie = MemberFactory(unit=w.unit1, username="newbie_w")  # not registered anywhere
    w.resident1 = UserFactory(role=Role.RESIDENT, place_id=w.comm1.id, username="resident1_w")
    w.resident2 = UserFactory(role=Role.RESIDENT, place_id=w.comm3.id, username="resident2_w")
    db.session.flush()
    return w
