"""Per-member order figures other domains read (ratings): set-based, one query per 5,000 ids.

`member_ids` is a list (every id gets a value) or a SELECT of ids (only those with data)."""
from __future__ import annotations

import sqlalchemy as sa

from app.clock import year_bounds
from app.extensions import db
from app.orders.models import Order, OrderClaim, OrderStatus

CHUNK = 5000


def _run(member_ids, query, empty):
    if isinstance(member_ids, sa.Select):
        return {row[0]: row[1:] if len(row) > 2 else row[1] for row in query(member_ids)}
    result = dict.fromkeys(member_ids, empty)
    ids = list(result)
    for i in range(0, len(ids), CHUNK):
        for row in query(ids[i:i + CHUNK]):
            result[row[0]] = row[1:] if len(row) > 2 else row[1]
    return result


def satisfaction_for(member_ids, year: int) -> dict[int, tuple[float | None, int]]:
    """{member_id: (average score, number of rated orders)} over the orders closed in `year`
    (local time) on which the member held a claim he did not abandon; (None, 0) if none."""
    start, end = year_bounds(year)

    def query(ids):
        return db.session.execute(
            sa.select(OrderClaim.member_id, sa.func.avg(Order.score), sa.func.count(Order.id))
            .join(Order, Order.id == OrderClaim.order_id)
            .where(Order.status == OrderStatus.CLOSED, Order.score.is_not(None),
                   Order.closed_at >= start, Order.closed_at < end,
                   OrderClaim.abandoned.is_(False), OrderClaim.member_id.in_(ids))
            .group_by(OrderClaim.member_id))

    raw = _run(member_ids, query, (None, 0))
    return {m: (float(v[0]) if v[0] is not None else None, int(v[1])) for m, v in raw.items()}


def abandoned_claims_for(member_ids, year: int) -> dict[int, int]:
    """{member_id: claims he gave up himself in `year` (local time)}."""
    start, end = year_bounds(year)

    def query(ids):
        return db.session.execute(
            sa.select(OrderClaim.member_id, sa.func.count(OrderClaim.id))
            .where(OrderClaim.abandoned.is_(True), OrderClaim.released_at >= start,
                   OrderClaim.released_at < end, OrderClaim.member_id.in_(ids))
            .group_by(OrderClaim.member_id))

    return {m: int(n) for m, n in _run(member_ids, query, 0).items()}
