"""The units' need tallies (UnitNeedTally): one row per unit, community, category and year with
the sums 绩效评估 and 单位评议 read. One definition (`_sums`) serves both the full rebuild (an
INSERT ... SELECT per year) and the recount of the few rows an order transition touches (the
receiver of orders' `order_moved`): each touched row is locked first, so two transitions on
the same row recount one after the other and the last sees both."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from app.auth.models import User
from app.clock import year_bounds, year_of
from app.database import seconds_between, upsert
from app.extensions import db
from app.orders.models import OPEN_STATUSES, Order, OrderEvent
from app.orders.states import Action
from app.ratings.models import UnitNeedTally

TALLIED = (
    "received_now",
    "accepted",
    "response_seconds",
    "completed",
    "on_time",
    "finished",
    "reopened",
    "score_sum",
    "score_count",
    "declined",
    "open_now",
)
KEY = ("unit_id", "community_id", "category", "year")


def count_if(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _sums(year: int, key: tuple | None = None) -> sa.Select:
    """(unit_id, community_id, category, *TALLIED) of the year, for every key or one key."""
    start, end = year_bounds(year)
    completed = Order.completed_at.is_not(None)
    zero = sa.literal(0)
    order_where = [Order.unit_id.is_not(None), Order.dispatched_at >= start, Order.dispatched_at < end]
    event_where = [
        OrderEvent.action == Action.DECLINE.value,
        OrderEvent.at >= start,
        OrderEvent.at < end,
        User.unit_id.is_not(None),
    ]
    if key is not None:
        unit_id, community_id, category = key[:3]
        order_where += [
            Order.unit_id == unit_id,
            Order.community_id == community_id,
            Order.category == category,
        ]
        event_where += [
            User.unit_id == unit_id,
            Order.community_id == community_id,
            Order.category == category,
        ]
    orders = (
        sa.select(
            Order.unit_id.label("unit_id"),
            Order.community_id.label("community_id"),
            Order.category.label("category"),
            sa.func.count().label("received_now"),
            sa.func.count(Order.accepted_at).label("accepted"),
            sa.func.coalesce(sa.func.sum(seconds_between(Order.dispatched_at, Order.accepted_at)), 0).label(
                "response_seconds"
            ),
            count_if(completed).label("completed"),
            count_if(sa.and_(completed, Order.completed_at <= Order.deadline)).label("on_time"),
            count_if(sa.or_(completed, Order.reopen_count > 0)).label("finished"),
            count_if(Order.reopen_count > 0).label("reopened"),
            sa.func.coalesce(sa.func.sum(Order.score), 0).label("score_sum"),
            sa.func.count(Order.score).label("score_count"),
            zero.label("declined"),
            count_if(Order.status.in_(OPEN_STATUSES)).label("open_now"),
        )
        .where(*order_where)
        .group_by(Order.unit_id, Order.community_id, Order.category)
    )
    declines = (
        sa.select(
            User.unit_id,
            Order.community_id,
            Order.category,
            *[zero] * (TALLIED.index("declined")),
            sa.func.count(),
            zero,
        )
        .select_from(OrderEvent)
        .join(User, User.id == OrderEvent.actor_id)
        .join(Order, Order.id == OrderEvent.order_id)
        .where(*event_where)
        .group_by(User.unit_id, Order.community_id, Order.category)
    )
    both = sa.union_all(orders, declines).subquery()
    return sa.select(
        both.c.unit_id, both.c.community_id, both.c.category, *[sa.func.sum(both.c[name]) for name in TALLIED]
    ).group_by(both.c.unit_id, both.c.community_id, both.c.category)


def rebuild(years: Iterable[int] | None = None) -> int:
    """Replaces the tallies of `years` (default: every year with a dispatch or a decline) by a
    recount: two statements per year. Returns the rows written."""
    if years is None:
        first, last = db.session.execute(
            sa.select(sa.func.min(Order.dispatched_at), sa.func.max(Order.dispatched_at))
        ).one()
        events = db.session.execute(
            sa.select(sa.func.min(OrderEvent.at), sa.func.max(OrderEvent.at)).where(
                OrderEvent.action == Action.DECLINE.value
            )
        ).one()
        moments = [m for m in (first, last, *events) if m is not None]
        years = range(min(map(year_of, moments)), max(map(year_of, moments)) + 1) if moments else ()
    written = 0
    table = UnitNeedTally.__table__
    for year in years:
        db.session.execute(table.delete().where(table.c.year == year))
        sums = _sums(year).subquery()
        select = sa.select(
            sums.c.unit_id,
            sums.c.community_id,
            sums.c.category,
            sa.literal(year),
            *[sums.c[i + 3] for i in range(len(TALLIED))],
        )
        written += db.session.execute(
            table.insert().from_select([*KEY[:3], "year", *TALLIED], select)
        ).rowcount
    return written


def _insert_missing(keys: list[tuple]) -> None:
    db.session.execute(
        upsert(UnitNeedTally.__table__)
        .values([dict(zip(KEY, key, strict=True), **dict.fromkeys(TALLIED, 0)) for key in keys])
        .on_conflict_do_nothing()
    )


def recount(keys: Iterable[tuple]) -> None:
    """Recounts the tally rows of `keys` ((unit_id, community_id, category, year)), locking each
    (in key order: no deadlock between two recounts) before reading the orders."""
    keys = sorted({k for k in keys if None not in k})
    if not keys:
        return
    _insert_missing(keys)
    table = UnitNeedTally.__table__
    match = [sa.and_(*(table.c[name] == value for name, value in zip(KEY, key, strict=True))) for key in keys]
    db.session.execute(
        sa.select(table.c.unit_id)
        .where(sa.or_(*match))
        .order_by(*[table.c[k] for k in KEY])
        .with_for_update()
    )
    for key, where in zip(keys, match, strict=True):
        row = db.session.execute(_sums(key[3], key)).first()
        values = dict(zip(TALLIED, row[3:], strict=True)) if row else dict.fromkeys(TALLIED, 0)
        db.session.execute(table.update().where(where).values(values))


def keys_of_move(order: Order, before: dict, actor, action: str, now) -> list[tuple]:
    """The tally rows an order transition touches: the order's before and after (unit, year of
    dispatch) and, for a decline, the declining admin's unit in the year of the decline."""
    keys = []
    for unit_id, moment in (
        (before.get("unit_id"), before.get("dispatched_at")),
        (order.unit_id, order.dispatched_at),
    ):
        if unit_id is not None and moment is not None:
            keys.append((unit_id, order.community_id, order.category, year_of(moment)))
    if action == Action.DECLINE and getattr(actor, "unit_id", None):
        keys.append((actor.unit_id, order.community_id, order.category, year_of(now)))
    return keys
