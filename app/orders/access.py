"""Who stands how to an order (its parties), who may see it, and the scope filter every order
list goes through. Everything here is computed from the order (with its claims loaded) and a
Viewer built once per request, so judging a page of orders costs no query per order."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import g, has_request_context

from app.auth.models import Role, User
from app.auth.permissions import can_manage_place, place_scope, user_place
from app.auth.roles import STAFF_LIKE
from app.extensions import db
from app.orders.models import Order, OrderClaim, OrderStatus
from app.orders.states import ACTION_PARTIES, Party
from app.places.models import PlaceKind
from app.registrations.services import active_registration

# States in which an order offered to a member (pool or unit) shows in his lists and pages.
OFFERED_STATUSES = (OrderStatus.DISPATCHED, OrderStatus.ACCEPTED, OrderStatus.CLAIMED)


@dataclass(frozen=True)
class Viewer:
    user: User
    community_id: int | None = None  # a member's community (approved registration)
    grid_id: int | None = None

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def role(self) -> str:
        return self.user.role


def viewer_for(user: User) -> Viewer:
    """The user with what judging orders needs (a member's home community); cached for the
    request."""
    if isinstance(user, Viewer):
        return user
    cache: dict = {}
    if has_request_context():
        cache = g.setdefault("order_viewers", {})
    if user.id in cache:
        return cache[user.id]
    viewer = Viewer(user)
    if user.role == Role.MEMBER:
        reg = active_registration(user.id)
        if reg is not None:
            viewer = Viewer(user, reg.community_id, reg.grid_id)
    cache[user.id] = viewer
    return viewer


def is_offered_to(viewer: Viewer, order: Order) -> bool:
    """A member may claim this order's slots in principle: the pool of his community, or an
    order sent to his unit."""
    if viewer.role != Role.MEMBER:
        return False
    if order.to_pool:
        return viewer.community_id is not None and viewer.community_id == order.community_id
    return order.unit_id is not None and order.unit_id == viewer.user.unit_id


def parties_of(viewer: Viewer, order: Order, timeline=None) -> set[Party]:
    """The viewer's parts in the order. `timeline` (queries.Timeline): the order's claims read
    as rows, instead of `order.claims`."""
    user = viewer.user
    parties: set[Party] = set()
    if order.resident_id is not None and order.resident_id == user.id:
        parties.add(Party.RESIDENT)
    if user.role in STAFF_LIKE and can_manage_place(user, order.community):
        parties.add(Party.STAFF)
    if (user.role == Role.UNIT_ADMIN and user.unit_id is not None
            and order.unit_id == user.unit_id):
        parties.add(Party.UNIT)
    if is_offered_to(viewer, order):
        parties.add(Party.MEMBER)
    active = (timeline or order).active_claims if user.role == Role.MEMBER else ()
    if any(c.member_id == user.id for c in active):
        parties.add(Party.CLAIMER)
    return parties


def can_view(viewer: Viewer, order: Order, parties: set[Party] | None = None) -> bool:
    parties = parties_of(viewer, order) if parties is None else parties
    if parties & {Party.RESIDENT, Party.STAFF, Party.UNIT, Party.CLAIMER}:
        return True
    if viewer.role != Role.MEMBER:
        return False
    if Party.MEMBER in parties and order.status in OFFERED_STATUSES:
        return True
    return any(c.member_id == viewer.id for c in order.claims)  # he claimed it once


CONTACT_PARTIES = frozenset({Party.RESIDENT, Party.STAFF, Party.CLAIMER})


def can_see_contact(viewer: Viewer, order: Order) -> bool:
    """The resident's phone: himself, staff over the community, and the active claimers."""
    return bool(parties_of(viewer, order) & CONTACT_PARTIES)


def claimed_by(member_id: int):
    return sa.select(OrderClaim.order_id).where(OrderClaim.member_id == member_id)


def offered_clause(viewer: Viewer):
    """Orders offered to the member in a state where he sees them (see is_offered_to)."""
    offered = []
    if viewer.community_id is not None:
        offered.append(sa.and_(Order.to_pool.is_(True), Order.community_id == viewer.community_id))
    if viewer.user.unit_id is not None:
        offered.append(sa.and_(Order.to_pool.is_(False), Order.unit_id == viewer.user.unit_id))
    if not offered:
        return sa.false()
    return sa.and_(sa.or_(*offered), Order.status.in_(OFFERED_STATUSES))


def scope_clause(viewer: Viewer):
    """WHERE clause: the orders the viewer may list. Residents their own; staff and street
    admins those of their places; unit admins those sent to their unit; members those offered
    to them and those they claimed."""
    user = viewer.user
    if user.role == Role.RESIDENT:
        return Order.resident_id == user.id
    if user.role in STAFF_LIKE:
        own = user_place(user)
        if own is not None and own.kind == PlaceKind.COMMUNITY and user.role != Role.ADMIN:
            return Order.community_id == own.id  # the same rows; lets an index give the order
        return place_scope(user, Order.community_id)
    if user.role == Role.UNIT_ADMIN:
        return Order.unit_id == user.unit_id if user.unit_id is not None else sa.false()
    if user.role == Role.MEMBER:
        return sa.or_(offered_clause(viewer), Order.id.in_(claimed_by(user.id)))
    return sa.false()


def community_staff_ids(community_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(User.id).where(
        User.role == Role.STAFF, User.place_id == community_id, User.is_active.is_(True))))


def unit_admin_ids(unit_id: int | None) -> list[int]:
    if unit_id is None:
        return []
    return list(db.session.scalars(sa.select(User.id).where(
        User.role == Role.UNIT_ADMIN, User.unit_id == unit_id, User.is_active.is_(True))))


PARTY_ROLES = {Party.RESIDENT: (Role.RESIDENT,), Party.STAFF: STAFF_LIKE,
               Party.UNIT: (Role.UNIT_ADMIN,), Party.MEMBER: (Role.MEMBER,),
               Party.CLAIMER: (Role.MEMBER,)}


def roles_for(action) -> tuple[str, ...]:
    """The account roles that may ever take `action` (for @roles_required on endpoints)."""
    return tuple(dict.fromkeys(role for party in ACTION_PARTIES[action]
                               for role in PARTY_ROLES[party]))
