"""A small hand-made year for unit ratings and department performance (last year, figures
worked out by hand in the docstring of `unit_year`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.orders.models import Order, OrderEvent
from app.ratings import need_tally
from app.registrations.models import UnitRegistration
from tests import factories as f
from tests.ratings.helpers import YEAR, points

D = datetime(YEAR, 5, 10, 2, tzinfo=UTC)  # when the needs were dispatched
H = timedelta(hours=1)


def need(
    community,
    unit,
    *,
    status="dispatched",
    category="关爱老人",
    accepted_after=None,
    completed_after=None,
    deadline_after=72,
    score=None,
    reopened=0,
    now=D,
) -> Order:
    o = Order(
        community_id=community.id,
        title="代买药品",
        category=category,
        status=status,
        unit_id=unit.id if unit else None,
        created_at=now,
        updated_at=now,
        dispatched_at=now if unit else None,
        deadline=now + deadline_after * H,
        accepted_at=now + accepted_after * H if accepted_after is not None else None,
        completed_at=now + completed_after * H if completed_after is not None else None,
        score=score,
        reopen_count=reopened,
    )
    db.session.add(o)
    db.session.flush()
    return o


def declined(community, unit_admin, category="关爱老人") -> Order:
    o = need(community, None, status="submitted", category=category)
    db.session.add(
        OrderEvent(
            order_id=o.id,
            at=D + 2 * H,
            actor_id=unit_admin.id,
            action="decline",
            from_status="dispatched",
            to_status="submitted",
            note="人手不足",
        )
    )
    db.session.flush()
    return o


@pytest.fixture
def unit_year(world):
    """unit1 reported to comm1 and comm3, unit2 to comm1. In comm1, last year:
    unit1: members member1 (served: a service ledger entry) and a second member (not served):
      2 registered, 1 served (50 %). Needs: 5 received — 4 dispatched to it and 1 declined by it;
      of the 4: A accepted after 2 h, completed after 10 h (deadline 72 h: on time), rated 5;
      B accepted after 4 h, completed after 80 h (late), rated 3, reopened once;
      C accepted after 6 h, still claimed, deadline passed (late, open);
      D waiting (dispatched, not answered, deadline passed: due, late).
      accepted 3, declined 1: acceptance 75 %; first response (2+4+6)/3 = 4 h;
      due: A, B completed + C, D open past the deadline = 4, on time 1: 25 %;
      finished A, B = 2, reopened 1: 50 %; satisfaction (5+3)/2 = 4.0 (2 ratings).
      Category 维修服务 for B, the rest 关爱老人.
    unit2: one need, accepted after 1 h, completed after 5 h, rated 4: 100 % everywhere.
    In comm3 unit1 has one need accepted after 8 h, not done (deadline in the future)."""
    w = world
    for unit, community in ((w.unit1, w.comm1), (w.unit1, w.comm3), (w.unit2, w.comm1)):
        db.session.add(UnitRegistration(unit_id=unit.id, community_id=community.id, resources=[]))
    second = f.member_in(w.comm1, w.unit1)
    points(w.member1, 10, source_type="service_record")
    points(second, 5, source_type="adjustment")  # not service
    need(w.comm1, w.unit1, status="closed", accepted_after=2, completed_after=10, score=5)
    need(
        w.comm1,
        w.unit1,
        status="closed",
        category="维修服务",
        accepted_after=4,
        completed_after=80,
        score=3,
        reopened=1,
    )
    need(w.comm1, w.unit1, status="claimed", accepted_after=6)
    need(w.comm1, w.unit1, status="dispatched")
    declined(w.comm1, w.unit_admin1)
    need(w.comm1, w.unit2, status="closed", accepted_after=1, completed_after=5, score=4)
    need(w.comm3, w.unit1, status="accepted", accepted_after=8, deadline_after=24 * 800)
    need(
        w.comm1,
        w.unit1,
        status="closed",
        accepted_after=1,
        completed_after=2,
        score=1,
        now=D.replace(year=YEAR - 1),
    )  # another year: not counted
    need_tally.rebuild()  # written straight into the tables: recount, as after loading data
    db.session.commit()
    w.second = second
    return w
