"""The figures a unit is judged by, for 单位评议 (a community rates the unit) and 绩效评估
(department performance): grouped sums read set-based — a fixed number of statements whatever
the number of units, communities or needs — that callers add up, and the rates read from them.

Needs (orders) count in the year they were dispatched to the unit (`dispatched_at`). An order
the unit declined is sent back without its unit (app/orders/services.py::decline), so declines
are read from the timeline: a `decline` event whose actor is an admin of the unit. The sums
come from the need tallies (app/ratings/need_tally.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime

import sqlalchemy as sa

from app.auth.models import User
from app.clock import year_bounds
from app.extensions import db
from app.orders.models import Order
from app.points.idleness import approved_members
from app.points.models import SERVICE_SOURCE_TYPES, LedgerEntry
from app.ratings.models import UnitNeedTally
from app.ratings.need_tally import TALLIED, count_if
from app.registrations.models import Registration

KEYS = ("unit", "community", "category")


@dataclass
class OrderSums:
    """One group's needs. Sums only, so groups add up (a unit over its categories)."""

    received: int = 0  # dispatched to the unit in the year (still there, or declined)
    accepted: int = 0  # 接单
    declined: int = 0  # sent back to the community (退单)
    response_seconds: float = 0.0  # dispatch to acceptance, over the accepted ones
    due: int = 0  # completed, or still open past the deadline
    on_time: int = 0  # completed by the deadline
    finished: int = 0  # completed at least once (a reopened one too)
    reopened: int = 0  # reopened by the resident at least once
    score_sum: int = 0
    score_count: int = 0

    def add(self, other: OrderSums) -> OrderSums:
        for name in SUM_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def acceptance_rate(self) -> float | None:
        """Accepted among the needs the unit answered (accepted or declined)."""
        answered = self.accepted + self.declined
        return round(self.accepted / answered, 4) if answered else None

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time / self.due, 4) if self.due else None

    @property
    def reopened_rate(self) -> float | None:
        return round(self.reopened / self.finished, 4) if self.finished else None

    @property
    def first_response_hours(self) -> float | None:
        """Mean hours from dispatch to acceptance."""
        return round(self.response_seconds / self.accepted / 3600, 2) if self.accepted else None

    @property
    def satisfaction(self) -> float | None:
        return round(self.score_sum / self.score_count, 2) if self.score_count else None

    def as_dict(self) -> dict:
        return {
            "received": self.received,
            "accepted": self.accepted,
            "declined": self.declined,
            "acceptance_rate": self.acceptance_rate,
            "first_response_hours": self.first_response_hours,
            "on_time_rate": self.on_time_rate,
            "reopened_rate": self.reopened_rate,
            "satisfaction": self.satisfaction,
            "satisfaction_count": self.score_count,
        }


def order_sums(
    keys: Iterable[str],
    year: int,
    now: datetime,
    *,
    communities: sa.Select | None = None,
    unit_ids: Iterable[int] | None = None,
) -> dict[tuple, OrderSums]:
    """{(key values...): OrderSums} grouped by `keys` (of KEYS) for the needs dispatched to units
    in `year` in the given communities (a select of ids) and/or units: two statements, one over
    the need tallies (app/ratings/need_tally.py) and one over the open needs past their
    deadline: the tallied open ones less those not yet due (the clock's part, read live: the
    open needs with a deadline still ahead, through the partial index of open needs)."""
    keys = tuple(keys)
    unit_ids = None if unit_ids is None else sorted(set(unit_ids))
    if unit_ids == []:
        return {}
    t = UnitNeedTally
    tally_columns = {"unit": t.unit_id, "community": t.community_id, "category": t.category}
    where = [t.year == year]
    if communities is not None:
        where.append(t.community_id.in_(communities))
    if unit_ids is not None:
        where.append(t.unit_id.in_(unit_ids))
    group = [tally_columns[k] for k in keys]
    result: dict[tuple, OrderSums] = defaultdict(OrderSums)
    open_counts: dict[tuple, int] = {}
    for row in db.session.execute(
        sa.select(*group, *[sa.func.sum(getattr(t, name)) for name in TALLIED]).where(*where).group_by(*group)
    ):
        v = dict(zip(TALLIED, (x or 0 for x in row[len(keys) :]), strict=True))
        open_counts[tuple(row[: len(keys)])] = int(v["open_now"])
        result[tuple(row[: len(keys)])].add(
            OrderSums(
                received=int(v["received_now"] + v["declined"]),
                accepted=int(v["accepted"]),
                declined=int(v["declined"]),
                response_seconds=float(v["response_seconds"]),
                due=int(v["completed"]),
                on_time=int(v["on_time"]),
                finished=int(v["finished"]),
                reopened=int(v["reopened"]),
                score_sum=int(v["score_sum"]),
                score_count=int(v["score_count"]),
            )
        )
    start, end = year_bounds(year)
    order_columns = {"unit": Order.unit_id, "community": Order.community_id, "category": Order.category}
    not_due = [
        Order.open_clause(),
        sa.or_(Order.deadline >= now, Order.deadline.is_(None)),
        Order.unit_id.is_not(None),
        Order.dispatched_at >= start,
        Order.dispatched_at < end,
    ]
    if communities is not None:
        not_due.append(Order.community_id.in_(communities))
    if unit_ids is not None:
        not_due.append(Order.unit_id.in_(unit_ids))
    group = [order_columns[k] for k in keys]
    not_yet_due = {
        tuple(row[: len(keys)]): row[-1]
        for row in db.session.execute(sa.select(*group, sa.func.count()).where(*not_due).group_by(*group))
    }
    for key, open_now in open_counts.items():
        result[key].add(OrderSums(due=open_now - not_yet_due.get(key, 0)))
    return dict(result)


SUM_FIELDS = tuple(f.name for f in fields(OrderSums))


@dataclass
class MemberSums:
    registered: int = 0  # the unit's members registered (approved) with the community
    served: int = 0  # of them, those with service evidence in the year

    @property
    def service_rate(self) -> float | None:
        return round(self.served / self.registered, 4) if self.registered else None


def member_sums(
    unit_ids: Iterable[int], year: int, communities: sa.Select | None = None
) -> dict[tuple[int, int], MemberSums]:
    """{(unit_id, community_id): MemberSums}: one statement."""
    unit_ids = sorted(set(unit_ids))
    if not unit_ids:
        return {}
    served = sa.exists().where(
        LedgerEntry.member_id == Registration.member_id,
        LedgerEntry.year == year,
        LedgerEntry.source_type.in_(SERVICE_SOURCE_TYPES),
    )
    stmt = (
        approved_members()
        .where(User.unit_id.in_(unit_ids))
        .with_only_columns(User.unit_id, Registration.community_id, sa.func.count(), count_if(served))
        .group_by(User.unit_id, Registration.community_id)
    )
    if communities is not None:
        stmt = stmt.where(Registration.community_id.in_(communities))
    return {
        (unit_id, community_id): MemberSums(registered, served_n)
        for unit_id, community_id, registered, served_n in db.session.execute(stmt)
    }
