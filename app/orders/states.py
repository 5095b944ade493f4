"""The order lifecycle as data: who may do what from which state, and the one function that
moves an order (a conditional UPDATE on the expected status plus its timeline event).

    submitted --dispatch--> dispatched --accept--> accepted --claim (slots full)--> claimed
        |                     |  (pool orders are claimed straight from dispatched)   |
        |                     +--decline--> submitted                                 |
        +--reject--> rejected                                            complete     |
    any open state --cancel--> cancelled        closed <--rate-- completed <----------+
                                                         completed --reopen--> claimed

How a request is judged (authorize): an order the viewer may not see is 404; an action
none of his relations to the order (his parties) ever allows is 403; no transition from the
order's current state (or not for orders sent this way) is 409; a transition that exists
for other parties only (a resident cancelling after dispatch) is 403."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.errors import Conflict, Forbidden
from app.extensions import db
from app.i18n import N_, label
from app.orders.models import Order, OrderEvent, OrderStatus

S = OrderStatus


class Action(StrEnum):
    SUBMIT = "submit"        # 点单 (no transition: the order is created submitted)
    DISPATCH = "dispatch"    # 派单
    REJECT = "reject"
    ACCEPT = "accept"        # 接单
    DECLINE = "decline"      # the unit sends it back to the community
    CLAIM = "claim"          # 领单
    RELEASE = "release"      # a claimer gives his slot back
    COMPLETE = "complete"
    RATE = "rate"
    REOPEN = "reopen"
    CANCEL = "cancel"
    INVITE = "invite"        # staff asked a candidate (no state change)


class Party(StrEnum):
    """How a user stands to one order (a user may be several at once)."""

    RESIDENT = "resident"  # the resident who placed it
    STAFF = "staff"        # staff, street or district admin over its community
    UNIT = "unit"          # an admin of the unit it was sent to
    MEMBER = "member"      # a member it is offered to: his community's pool, or his unit's order
    CLAIMER = "claimer"    # a member holding an active claim on it


class Route(StrEnum):
    POOL = "pool"  # sent straight to the members of the community
    UNIT = "unit"  # sent to a unit, whose admin accepts it for its members


CLAIMABLE = None  # a target meaning: back to where members claim (dispatched / accepted)


@dataclass(frozen=True)
class Transition:
    to: OrderStatus | None
    parties: frozenset[Party]
    route: Route | None = None  # only for orders sent this way


def _t(to, *parties, route=None) -> Transition:
    return Transition(to, frozenset(parties), route)


P = Party
# (state, action) -> (next state, who may). CLAIM goes to `claimed` only when it takes the last
# slot (otherwise the state stays); RELEASE from `claimed` goes back to CLAIMABLE.
TRANSITIONS: dict[tuple[OrderStatus, Action], Transition] = {
    (S.SUBMITTED, Action.DISPATCH): _t(S.DISPATCHED, P.STAFF),
    (S.SUBMITTED, Action.REJECT): _t(S.REJECTED, P.STAFF),
    (S.SUBMITTED, Action.CANCEL): _t(S.CANCELLED, P.RESIDENT, P.STAFF),
    (S.DISPATCHED, Action.ACCEPT): _t(S.ACCEPTED, P.UNIT, route=Route.UNIT),
    (S.DISPATCHED, Action.DECLINE): _t(S.SUBMITTED, P.UNIT, route=Route.UNIT),
    (S.DISPATCHED, Action.CLAIM): _t(S.CLAIMED, P.MEMBER, route=Route.POOL),
    (S.DISPATCHED, Action.RELEASE): _t(S.DISPATCHED, P.CLAIMER, route=Route.POOL),
    (S.DISPATCHED, Action.CANCEL): _t(S.CANCELLED, P.STAFF),
    (S.ACCEPTED, Action.CLAIM): _t(S.CLAIMED, P.MEMBER, route=Route.UNIT),
    (S.ACCEPTED, Action.RELEASE): _t(S.ACCEPTED, P.CLAIMER, route=Route.UNIT),
    (S.ACCEPTED, Action.CANCEL): _t(S.CANCELLED, P.STAFF),
    (S.CLAIMED, Action.RELEASE): _t(CLAIMABLE, P.CLAIMER),
    (S.CLAIMED, Action.COMPLETE): _t(S.COMPLETED, P.CLAIMER),
    (S.CLAIMED, Action.CANCEL): _t(S.CANCELLED, P.STAFF),
    (S.COMPLETED, Action.RATE): _t(S.CLOSED, P.RESIDENT, P.STAFF),
    (S.COMPLETED, Action.REOPEN): _t(S.CLAIMED, P.RESIDENT),
}

# Every party that may take an action in some state: anyone else is refused (403) whatever
# the state. INVITE changes no state; staff only.
ACTION_PARTIES: dict[Action, frozenset[Party]] = {Action.INVITE: frozenset({P.STAFF})}
for (_state, _action), _transition in TRANSITIONS.items():
    ACTION_PARTIES[_action] = ACTION_PARTIES.get(_action, frozenset()) | _transition.parties

ACTION_LABELS = {
    Action.SUBMIT: N_("点单"), Action.DISPATCH: N_("派单"), Action.REJECT: N_("退回"),
    Action.ACCEPT: N_("接单"), Action.DECLINE: N_("单位退单"), Action.CLAIM: N_("领单"),
    Action.RELEASE: N_("放弃领单"), Action.COMPLETE: N_("完成"), Action.RATE: N_("评价"),
    Action.REOPEN: N_("重新打开"), Action.CANCEL: N_("取消"), Action.INVITE: N_("邀请党员"),
}
STATUS_LABELS = {
    S.SUBMITTED: N_("待派单"), S.DISPATCHED: N_("已派单"), S.ACCEPTED: N_("单位已接单"),
    S.CLAIMED: N_("已领单"), S.COMPLETED: N_("待评价"), S.CLOSED: N_("已办结"),
    S.REJECTED: N_("已退回"), S.CANCELLED: N_("已取消"),
}


def route_of(order: Order) -> Route | None:
    if order.to_pool:
        return Route.POOL
    return Route.UNIT if order.unit_id is not None else None


def claimable_status(order: Order) -> OrderStatus:
    """Where members claim this order: straight after dispatch for the pool, after the unit
    accepted it otherwise."""
    return S.DISPATCHED if order.to_pool else S.ACCEPTED


def transition_for(order: Order, action: Action) -> Transition | None:
    found = TRANSITIONS.get((OrderStatus(order.status), action))
    if found is None or (found.route is not None and found.route != route_of(order)):
        return None
    return found


def authorize(parties: set[Party], order: Order, action: Action) -> Transition | None:
    """The transition `action` takes the order through, for a viewer standing to it as
    `parties` (who may see it: the caller checked). 403 / 409 as in the module docstring.
    INVITE has no transition (None)."""
    if not parties & ACTION_PARTIES[action]:
        raise Forbidden(_("无权进行此操作"))
    if action == Action.INVITE:
        return None
    found = transition_for(order, action)
    if found is None:
        raise Conflict(_("工单当前状态为「%(status)s」，不能%(action)s",
                         status=label(order.status, STATUS_LABELS), action=label(action, ACTION_LABELS)))
    if not parties & found.parties:
        raise Forbidden(_("此状态下您不能进行此操作"))
    return found


def allowed_actions(parties: set[Party], order: Order) -> list[Action]:
    """The actions the viewer could take now (for pages and the API's `actions`). Claim and
    release also need a free slot / an active claim, which the parties already say."""
    actions = []
    for action in Action:
        if action in (Action.SUBMIT, Action.INVITE):
            continue
        found = transition_for(order, action)
        if found is not None and parties & found.parties:
            if action == Action.CLAIM and (P.CLAIMER in parties or order.claimed_count >= order.slots):
                continue
            actions.append(action)
    return actions


def add_event(order: Order, action: Action | str, actor, *, to_status: str,
              from_status: str | None, note: str = "", now: datetime) -> OrderEvent:
    event = OrderEvent(order_id=order.id, at=now, actor_id=getattr(actor, "id", None),
                       action=str(action), from_status=from_status, to_status=to_status,
                       note=(note or "")[:500])
    db.session.add(event)
    return event


def transition(order: Order, action: Action, actor, *, now: datetime, note: str = "",
               values: dict | None = None, where: tuple = (),
               conflict: str = _l("工单已被他人更新，请刷新")) -> OrderEvent:
    """Moves the order along TRANSITIONS[(its status, action)] with one conditional
    UPDATE ... WHERE status = :expected (plus `where`), setting `values` too, and writes the
    event. No row changed (someone else moved it first): 409. `values` may hold SQL
    expressions, including `status` (a claim fills the last slot or not); the event records
    the status the row really has afterwards."""
    found = transition_for(order, action)
    if found is None:
        raise Conflict(_("工单当前状态为「%(status)s」，不能%(action)s",
                         status=label(order.status, STATUS_LABELS), action=label(action, ACTION_LABELS)))
    expected = order.status
    target = found.to if found.to is not None else claimable_status(order)
    changes = {"status": target, "updated_at": now, **(values or {})}
    result = db.session.execute(
        sa.update(Order).where(Order.id == order.id, Order.status == expected, *where)
        .values(**changes).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(str(conflict))
    db.session.expire(order)
    return add_event(order, action, actor, from_status=expected, to_status=order.status, note=note,
                     now=now)
