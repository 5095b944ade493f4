"""Order lists: every one goes through the viewer's scope (access.scope_clause), filters by
status / community / unit / overdue, and sorts so an index gives the page: open orders by
deadline (overdue first, since they have the earliest deadlines), finished ones newest
deadline first. A page costs a count and a window, whatever the number of orders."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, lazyload, load_only, selectinload

from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.orders.access import Viewer, claimed_by, offered_clause, scope_clause, viewer_for
from app.orders.models import OPEN_STATUSES, Order, OrderClaim, OrderEvent, OrderStatus

OPEN = "open"  # the status filter meaning every open status
DUE_SOON = timedelta(hours=24)  # "即将超期": an open order whose deadline falls within this


def status_clause(status: str | None):
    if not status:
        return None
    return Order.open_clause() if status == OPEN else Order.status == status


def overdue_clause(now: datetime):
    return sa.and_(Order.open_clause(), Order.deadline < now)


def due_soon_clause(now: datetime):
    return sa.and_(Order.open_clause(), Order.deadline >= now, Order.deadline < now + DUE_SOON)


def search_clause(text: str):
    """The words of a search, each in the title, the address or the description."""
    return sa.and_(*(sa.or_(*(column.contains(word, autoescape=True)
                              for column in (Order.title, Order.address, Order.description)))
                     for word in text.split()))


def claimable_clause():
    """Members may take a slot: a pool order dispatched, a unit order accepted (as
    states.claimable_status says), not full."""
    return sa.and_(Order.claimed_count < Order.slots, sa.or_(
        sa.and_(Order.to_pool.is_(True), Order.status == OrderStatus.DISPATCHED),
        sa.and_(Order.to_pool.is_(False), Order.status == OrderStatus.ACCEPTED)))


def list_orders(user: User | Viewer, *, status: str | None = None, community_id: int | None = None,
                unit_id: int | None = None, overdue: bool | None = None,
                claimable: bool | None = None, mine: bool | None = None,
                category: str | None = None, urgency: str | None = None,
                grid_id: int | None = None, text: str | None = None, due_soon: bool = False,
                now: datetime | None = None) -> sa.Select:
    """A SELECT of the orders the viewer may see, filtered. `mine` (members): the ones he
    claimed; `claimable` (members): the ones he could claim now; `text`: words found in the
    title, address or description; `due_soon`: open, due within DUE_SOON."""
    viewer = viewer_for(user)
    now = now or utcnow()
    stmt = sa.select(Order).where(scope_clause(viewer))
    if status:
        stmt = stmt.where(status_clause(status))
    if community_id:
        stmt = stmt.where(Order.community_id == community_id)
    if unit_id:
        stmt = stmt.where(Order.unit_id == unit_id)
    for column, value in ((Order.category, category), (Order.urgency, urgency),
                          (Order.grid_id, grid_id)):
        if value:
            stmt = stmt.where(column == value)
    if text:
        stmt = stmt.where(search_clause(text))
    if due_soon:
        stmt = stmt.where(due_soon_clause(now))
    if overdue is True:
        stmt = stmt.where(overdue_clause(now))
    elif overdue is False:
        stmt = stmt.where(sa.not_(overdue_clause(now)))
    if mine:
        stmt = stmt.where(Order.id.in_(claimed_by(viewer.id)))
    if claimable:
        stmt = stmt.where(offered_clause(viewer), claimable_clause(),
                          Order.id.not_in(claimed_by(viewer.id)))
    if overdue or due_soon or status == OPEN or status in OPEN_STATUSES:
        return stmt.order_by(Order.deadline, Order.id)
    return stmt.order_by(Order.deadline.desc(), Order.id.desc())


# The statuses a board counts: those that still need someone (finished ones pile up forever).
COUNTED = (*OPEN_STATUSES, OrderStatus.COMPLETED)
FINISHED = tuple(s for s in OrderStatus if s not in COUNTED)


def status_counts(user: User | Viewer, *, community_id: int | None = None,
                  now: datetime | None = None) -> dict[str, int | None]:
    """{status: n, "open": n, "overdue": n} over the viewer's orders still to be finished
    (finished statuses: None, not counted): two index-only counts, bounded by the open orders."""
    viewer = viewer_for(user)
    now = now or utcnow()
    where = [scope_clause(viewer)]
    if community_id:
        where.append(Order.community_id == community_id)
    counts: dict[str, int | None] = {**dict.fromkeys(OrderStatus), **dict.fromkeys(COUNTED, 0)}
    for status, n in db.session.execute(
            sa.select(Order.status, sa.func.count())
            .where(*where, Order.status.in_([sa.literal_column(f"'{s}'") for s in COUNTED]))
            .group_by(Order.status)):
        counts[status] = n
    counts[OPEN] = sum(counts[s] for s in OPEN_STATUSES)
    counts["overdue"] = db.session.scalar(
        sa.select(sa.func.count()).select_from(Order).where(*where, overdue_clause(now))) or 0
    return counts


def _name_only(relationship):
    """A person shown on a list by name: his id and name, not his place and unit (User joins
    both by default: for the ~60 people of a board page, most of its loading time)."""
    return relationship.options(load_only(User.id, User.name), lazyload(User.place),
                                lazyload(User.unit))


# What a list of orders shows of each: its resident, claims and timeline, with names only.
RESIDENT = _name_only(joinedload(Order.resident))  # in the orders' own statement
CLAIMS = _name_only(selectinload(Order.claims).joinedload(OrderClaim.member))


# ---- the timelines of a page of orders, as plain rows ------------------------------------------
# The API's list shows every order's claims and events: loaded as ORM objects (selectinload)
# they cost most of the request (the loader machinery, an object per row, each person's User).
# Read here as rows with the same attributes the dump and the parties use (`claim.member.name`,
# `claim.released_at`, `event.actor.name` ...), in the same two statements.

class Person(NamedTuple):
    id: int
    name: str


class ClaimRow(NamedTuple):
    id: int
    order_id: int
    member_id: int
    member: Person
    claimed_at: datetime
    released_at: datetime | None
    abandoned: bool


class EventRow(NamedTuple):
    order_id: int
    at: datetime
    actor_id: int | None
    actor: Person | None
    action: str
    from_status: str | None
    to_status: str
    note: str


class Timeline(NamedTuple):
    claims: list[ClaimRow]
    events: list[EventRow]

    @property
    def active_claims(self) -> list[ClaimRow]:
        return [c for c in self.claims if c.released_at is None]


_CLAIM_ROWS = (sa.select(OrderClaim.id, OrderClaim.order_id, OrderClaim.member_id, User.name,
                         OrderClaim.claimed_at, OrderClaim.released_at, OrderClaim.abandoned)
               .join(User, User.id == OrderClaim.member_id)
               .where(OrderClaim.order_id.in_(sa.bindparam("ids", expanding=True)))
               .order_by(OrderClaim.id))
_EVENT_ROWS = (sa.select(OrderEvent.order_id, OrderEvent.at, OrderEvent.actor_id, User.name,
                         OrderEvent.action, OrderEvent.from_status, OrderEvent.to_status,
                         OrderEvent.note)
               .outerjoin(User, User.id == OrderEvent.actor_id)
               .where(OrderEvent.order_id.in_(sa.bindparam("ids", expanding=True)))
               .order_by(OrderEvent.id))


def timelines(order_ids: list[int]) -> dict[int, Timeline]:
    """{order id: its claims and events, oldest first} in two statements, as Order.claims and
    Order.events order them."""
    found = {order_id: Timeline([], []) for order_id in order_ids}
    if not found:
        return found
    for cid, order_id, member_id, name, claimed_at, released_at, abandoned in db.session.execute(
            _CLAIM_ROWS, {"ids": list(found)}):
        found[order_id].claims.append(ClaimRow(cid, order_id, member_id, Person(member_id, name),
                                               claimed_at, released_at, abandoned))
    for order_id, at, actor_id, name, action, from_status, to_status, note in db.session.execute(
            _EVENT_ROWS, {"ids": list(found)}):
        actor = None if actor_id is None else Person(actor_id, name)
        found[order_id].events.append(EventRow(order_id, at, actor_id, actor, action, from_status,
                                               to_status, note))
    return found


def page_of(stmt: sa.Select, page: int, page_size: int, *options, count: bool = True) -> dict:
    """{"items", "total", "has_next"} like api_base.paginate, but counting with SELECT count(*)
    FROM service_order WHERE ... (not over a subquery of every column), which an index alone
    answers. `count=False` (finished orders, which pile up for ever) counts nothing: total is
    None and one row more tells whether there is a next page. `options` apply to the items."""
    total = None
    if count:
        total = db.session.scalar(stmt.with_only_columns(sa.func.count(), maintain_column_froms=True)
                                  .order_by(None)) or 0
    items = db.session.scalars(stmt.options(*options).limit(page_size + (0 if count else 1))
                               .offset((page - 1) * page_size)).all()
    has_next = page * page_size < total if count else len(items) > page_size
    return {"items": items[:page_size], "total": total, "has_next": has_next}


def near_member_first(user: User | Viewer, stmt: sa.Select) -> sa.Select:
    """The member's list: orders in his own grid first, then by deadline."""
    viewer = viewer_for(user)
    if viewer.grid_id is None:
        return stmt
    same_grid = sa.case((Order.grid_id == viewer.grid_id, 0), else_=1)
    return stmt.order_by(None).order_by(same_grid, Order.deadline, Order.id)
