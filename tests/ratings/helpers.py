"""Arranging a rated year: points, 五个一 evidence, verified hours and orders, through the other
domains' services. The order rules pay nothing here (switched off through the points rules
service), so a member's points are the ones a test gives him."""
from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.auth.models import Role, User
from app.extensions import db
from app.orders import services as orders
from app.orders.models import Order
from app.points.config import update_rule
from app.points.services import append_entry, record_evidence
from app.service.models import RecordStatus, ServiceRecord
from tests.sql import statements

# Last year, mid-June: a whole year in the past whatever day the tests run.
YEAR = datetime.now(UTC).year - 1
WHEN = datetime(YEAR, 6, 15, 4, tzinfo=UTC)
_ids = itertools.count(1)
ITEMS = ("grid_volunteer", "community_activity", "suggestion", "solve_problem", "help_household")


def points(member, n: int, when: datetime = WHEN, source_type: str = "attendance"):
    i = next(_ids)
    return append_entry(member_id=member.id, points=n, rule_key="attendance", source_type=source_type,
                        source_id=i, idempotency_key=f"test:{i}", now=when)


def tick(member, items: int, when: datetime = WHEN) -> None:
    for key in ITEMS[:items]:
        record_evidence(member.id, key, source_type="attendance", source_id=next(_ids), now=when)


def hours(member, community, h: float, when: datetime = WHEN) -> ServiceRecord:
    record = ServiceRecord(member_id=member.id, community_id=community.id, category="关爱老人",
                           started_at=when, hours=h, description="陪老人就医",
                           status=RecordStatus.VERIFIED, created_at=when)
    db.session.add(record)
    db.session.flush()
    return record


def project(community, credited: dict, closed_at: datetime | None = WHEN, status: str = "closed"):
    """A co-building project of the community as closing leaves it: each member of `credited`
    ({member: hours, or None before closing}) signed up with those hours."""
    from app.projects.models import Project, ProjectSignup

    p = Project(community_id=community.id, title="楼道微改造", kind="专业服务", starts_on=WHEN.date(),
                ends_on=WHEN.date(), slots=max(1, len(credited)), signup_count=len(credited), hours=3,
                status=status, outcome="完成" if closed_at else None, closed_at=closed_at)
    db.session.add(p)
    db.session.flush()
    db.session.add_all([ProjectSignup(project_id=p.id, member_id=m.id, hours=h, points=0 if h is not None
                                      else None, created_at=WHEN) for m, h in credited.items()])
    db.session.flush()
    return p


ORDER_RULES = ("order_completed", "order_good_rating", "claim_abandoned")


def _one(role: str, community) -> User:
    """The first account of `role` placed in the community (a new one if there is none)."""
    from tests import factories as f

    user = db.session.scalar(sa.select(User).where(User.role == role, User.place_id == community.id)
                             .order_by(User.id).limit(1))
    return user or f.UserFactory(role=role, place_id=community.id)


def _order_rules_pay_nothing() -> None:
    admin = db.session.scalar(sa.select(User).where(User.role == Role.ADMIN).limit(1))
    if admin is None:
        from tests import factories as f

        admin = f.UserFactory(role=Role.ADMIN)
    for key in ORDER_RULES:
        update_rule(admin, key, {"is_active": False})


def order(community, status="submitted", *, created_at=WHEN, completed_at=None, closed_at=None,
          score=None, claimers=(), abandoned=()) -> Order:
    """An order of a resident of the community taken to `status` through the orders services:
    submitted at `created_at`, dispatched to the members' pool, claimed by `claimers` (and by
    `abandoned`, who give up their claim an hour later), completed by the first claimer at
    `completed_at`, rated `score` by the resident at `closed_at`; or cancelled by the staff."""
    _order_rules_pay_nothing()
    resident, staff = _one(Role.RESIDENT, community), _one(Role.STAFF, community)
    o = orders.create_order(resident, title="代买药品", category="关爱老人", community_id=community.id,
                            slots=max(1, len(claimers)), now=created_at)
    if status == "cancelled":
        orders.cancel(staff, o.id, "居民已自行解决", now=created_at + timedelta(minutes=5))
    if status in ("submitted", "cancelled"):
        return o
    orders.dispatch(staff, o.id, to_pool=True, now=created_at)
    for member in abandoned:
        orders.claim(member, o.id, now=created_at)
        orders.release(member, o.id, "临时有事", now=created_at + timedelta(hours=1))
    for member in claimers:
        orders.claim(member, o.id, now=created_at)
    if status in ("completed", "closed"):
        orders.complete(claimers[0], o.id, "已办好", now=completed_at)
    if status == "closed":
        orders.rate(resident, o.id, score, now=closed_at)
    db.session.flush()
    return o


def rated_order(community, member, score: int, when: datetime = WHEN) -> Order:
    return order(community, "closed", created_at=when, completed_at=when + timedelta(hours=5),
                 closed_at=when + timedelta(hours=6), score=score, claimers=[member])


def grow(world, n: int) -> None:
    """n more members of unit1 (in comm1 and comm3) with figures of every kind."""
    from tests import factories as f

    for i in range(n):
        community = world.comm1 if i % 2 else world.comm3
        m = f.member_in(community, world.unit1)
        points(m, 10 + i)
        tick(m, i % 5)
        hours(m, world.comm1, 1)
        project(community, {m: 1.5})
        rated_order(community, m, 3 + i % 3)


@pytest.fixture
def rated(world):
    """world plus last year's figures:
    member1 (unit1, comm1): 130 points, 5/5 items, 12.5 h, two orders rated 5 and 4 -> 优秀
    member2 (unit2, comm1): 45 points, 3/5 items, 2 h, one abandoned claim -> 合格
    member3 (unit1, comm3): 5 points, 0/5 -> 不合格
    newbie (unit1): not registered."""
    w = world
    points(w.member1, 130)
    tick(w.member1, 5)
    hours(w.member1, w.comm1, 10)
    hours(w.member1, w.comm1, 2.5)
    rated_order(w.comm1, w.member1, 5)
    rated_order(w.comm1, w.member1, 4)
    points(w.member2, 45)
    tick(w.member2, 3)
    hours(w.member2, w.comm1, 2)
    order(w.comm1, "dispatched", abandoned=[w.member2])
    points(w.member3, 5)
    db.session.commit()
    return w


count_queries = statements  # the ratings tests' name for it
