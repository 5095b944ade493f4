"""Arranging a rated year: points, 五个一 evidence, verified hours and orders, written straight
into the other domains' tables (no orders services exist on this branch)."""
from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.orders.models import Order, OrderClaim
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


def order(community, status="submitted", *, created_at=WHEN, completed_at=None, closed_at=None,
          score=None, claimers=(), abandoned=()) -> Order:
    o = Order(community_id=community.id, title="代买药品", category="关爱老人", status=status,
              created_at=created_at, updated_at=created_at, completed_at=completed_at,
              closed_at=closed_at, score=score, slots=max(1, len(claimers)),
              claimed_count=len(claimers))
    db.session.add(o)
    db.session.flush()
    for member in claimers:
        db.session.add(OrderClaim(order_id=o.id, member_id=member.id, claimed_at=created_at))
    for member in abandoned:
        db.session.add(OrderClaim(order_id=o.id, member_id=member.id, claimed_at=created_at,
                                  released_at=created_at + timedelta(hours=1), abandoned=True))
    db.session.flush()
    return o


def rated_order(community, member, score: int, when: datetime = WHEN) -> Order:
    return order(community, "closed", created_at=when, completed_at=when + timedelta(hours=5),
                 closed_at=when + timedelta(hours=6), score=score, claimers=[member])


def grow(world, n: int) -> None:
    """n more members of unit1 (in comm1 and comm3) with figures of every kind."""
    from tests import factories as f

    for i in range(n):
        m = f.member_in(world.comm1 if i % 2 else world.comm3, world.unit1)
        points(m, 10 + i)
        tick(m, i % 5)
        hours(m, world.comm1, 1)
        rated_order(world.comm1, m, 3 + i % 3)


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
