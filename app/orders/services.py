"""Orders: place, dispatch, reject, accept / decline, claim / release, complete, rate, reopen,
cancel. Services flush; the request commits once. Each action is judged by states.authorize
(404 unseen, 403 not yours, 409 wrong state), moves the row with states.transition (one
conditional UPDATE and its event), and tells those concerned (notices)."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.audit.services import record
from app.auth.models import Role, User
from app.auth.permissions import require_manage_community
from app.auth.roles import STAFF_LIKE, STAFF_OR_UNIT_ADMIN
from app.auth.services import normalize_phone
from app.clock import utcnow
from app.database import UTCDateTime, get_or_404, insert_unique
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.orders import notices
from app.orders.access import can_view, parties_of, viewer_for
from app.orders.models import Order, OrderClaim, OrderStatus, Urgency
from app.orders.states import Action, Party, add_event, allowed_actions, authorize, transition
from app.params import valid_id
from app.places.models import Place, PlaceKind, Unit
from app.points.services import award, record_evidence
from app.registrations.units import has_reported
from app.residents import services as residents

MAX_SLOTS = 20
GOOD_SCORE = 4  # a rating of 4 or 5 pays the order_good_rating bonus
MAX_DEADLINE = timedelta(days=60)


def deadline_for(urgency: str, start: datetime) -> datetime:
    return start + timedelta(hours=current_app.config["ORDER_DEADLINE_HOURS"][urgency])


def _text(value: str | None, field: str, required: bool = True, limit: int = 500) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Invalid(field, _("%(field)s：必填", field=field))
    if len(value) > limit:
        raise Invalid(field, _("%(field)s：最多 %(limit)s 个字符", field=field, limit=limit))
    return value


def home_of(resident: User) -> tuple[int | None, int | None]:
    """A resident's (community id, grid id), from his place (a community or one of its grids)."""
    place = resident.place
    if place is None:
        return None, None
    if place.kind == PlaceKind.GRID:
        return place.parent_id, place.id
    return (place.id, None) if place.kind == PlaceKind.COMMUNITY else (None, None)


def _for_whom(actor: User, community_id: int | None, resident_id: int | None) -> tuple[User, int]:
    """The resident the order is for and its community: a resident files for himself in his
    own community; staff file for a resident of a community they manage."""
    if actor.role == Role.RESIDENT:
        if resident_id not in (None, actor.id):
            raise Invalid("resident_id", _("居民只能为自己点单"))
        own = home_of(actor)[0]
        if own is not None and community_id not in (None, own):
            raise Invalid("community_id", _("只能在您所在的社区点单"))
        if (community_id or own) is None:
            raise Invalid("community_id", _("请选择社区"))
        return actor, community_id or own
    if actor.role not in STAFF_LIKE:
        raise Forbidden(_("只有居民或社区工作人员可以点单"))
    if community_id is None:
        raise Invalid("community_id", _("请选择社区"))
    require_manage_community(actor, community_id)
    resident = db.session.get(User, resident_id) if valid_id(resident_id) else None
    if resident is None or resident.role != Role.RESIDENT:
        raise Invalid("resident_id", _("请选择代为点单的居民"))
    if home_of(resident)[0] != community_id:
        raise Invalid("resident_id", _("该居民不在此社区"))
    return resident, community_id


def create_order(actor: User, *, title: str, category: str, description: str = "",
                 urgency: str = Urgency.NORMAL, slots: int = 1, community_id: int | None = None,
                 grid_id: int | None = None, resident_id: int | None = None,
                 contact_phone: str | None = None, address: str = "", walk_in: dict | None = None,
                 now: datetime | None = None) -> Order:
    """点单: a resident's need (or staff filing it for him — a walk-in known only by `walk_in`
    {name, phone} is matched by phone or created), submitted, with a deadline from its
    urgency counted from now (dispatch may set another)."""
    now = now or utcnow()
    if walk_in is not None:
        if actor.role not in STAFF_LIKE:
            raise Forbidden(_("只有社区工作人员可以代居民点单"))
        if community_id is None:
            raise Invalid("community_id", _("请选择社区"))
        resident_id = residents.walk_in(actor, community_id=community_id, **walk_in).id
    resident, community_id = _for_whom(actor, community_id, resident_id)
    community = db.session.get(Place, community_id) if valid_id(community_id) else None
    if community is None or community.kind != PlaceKind.COMMUNITY:
        raise Invalid("community_id", _("社区不存在"))
    if grid_id is None and home_of(resident)[0] == community_id:
        grid_id = home_of(resident)[1]
    if grid_id is not None:
        grid = db.session.get(Place, grid_id) if valid_id(grid_id) else None
        if grid is None or grid.kind != PlaceKind.GRID or grid.parent_id != community_id:
            raise Invalid("grid_id", _("该网格不属于所选社区"))
    if urgency not in set(Urgency):
        raise Invalid("urgency", _("紧急程度须为 urgent、high、normal 或 low"))
    if not 1 <= slots <= MAX_SLOTS:
        raise Invalid("slots", _("名额须在 1 至 %(max)s 之间", max=MAX_SLOTS))
    order = Order(
        community_id=community_id, grid_id=grid_id, title=_text(title, "title", limit=100),
        description=_text(description, "description", False, 2000),
        category=_text(category, "category", limit=40), urgency=urgency, slots=slots,
        resident_id=resident.id, created_by_id=actor.id,
        contact_phone=normalize_phone(contact_phone, "contact_phone") or resident.phone,
        address=_text(address, "address", False, 200), status=OrderStatus.SUBMITTED,
        deadline=deadline_for(urgency, now), created_at=now, updated_at=now)
    db.session.add(order)
    db.session.flush()
    on_behalf = actor.id != resident.id
    event = add_event(order, Action.SUBMIT, actor, from_status=None, to_status=order.status,
                      note=f"代{resident.name}点单" if on_behalf else "", now=now)
    if on_behalf:
        record(actor, "order.create", order, {"resident_id": resident.id, "title": order.title},
               now=now)
    notices.announce(order, event, actor, now=now)
    return order


def get_order(order_id: int) -> Order:
    return get_or_404(Order, order_id, "order")


def visible_order(user: User, order_id: int) -> Order:
    """The order if the user may see it; 404 for unknown ids and for those he may not know."""
    order = get_order(order_id)
    if not can_view(viewer_for(user), order):
        raise NotFound(_("工单不存在"))
    return order


def order_for_action(user: User, order_id: int, action: Action) -> tuple[Order, set[Party]]:
    viewer = viewer_for(user)
    order = get_order(order_id)
    parties = parties_of(viewer, order)
    if not can_view(viewer, order, parties):
        raise NotFound(_("工单不存在"))
    authorize(parties, order, action)
    return order, parties


def reopen_until(order: Order) -> datetime | None:
    """The last moment the resident may reopen the completed order."""
    if order.completed_at is None:
        return None
    return order.completed_at + timedelta(days=current_app.config["ORDER_REOPEN_DAYS"])


def actions_for(user: User, order: Order, now: datetime | None = None,
                parties: set[Party] | None = None) -> list[Action]:
    """What the user may do to the order now (the transition table, and the reopening window).
    `parties`: the user's parties to the order, when the caller has them already."""
    if parties is None:
        parties = parties_of(viewer_for(user), order)
    actions = allowed_actions(parties, order)
    until = reopen_until(order)
    if Action.REOPEN in actions and (until is None or (now or utcnow()) > until):
        actions.remove(Action.REOPEN)
    return actions


def _audit(actor: User, action: Action, order: Order, now: datetime, **detail) -> None:
    """Staff and unit-admin actions are audited (a resident's or member's own are not)."""
    if actor.role in STAFF_OR_UNIT_ADMIN:
        record(actor, f"order.{action}", order, detail, now=now)


def dispatch(staff: User, order_id: int, *, unit_id: int | None = None, to_pool: bool = False,
             deadline: datetime | None = None, note: str = "", now: datetime | None = None) -> Order:
    """派单 to a unit that reported to the order's community, or to the community's member
    pool. The deadline is the one given, else the one the order has (from its urgency)."""
    now = now or utcnow()
    order, _parties = order_for_action(staff, order_id, Action.DISPATCH)
    if bool(unit_id) == bool(to_pool):
        raise Invalid("unit_id", _("请在派给单位（unit_id）和派给党员（to_pool）中选择其一"))
    unit = None
    if unit_id:
        unit = db.session.get(Unit, unit_id) if valid_id(unit_id) else None
        if unit is None:
            raise Invalid("unit_id", _("单位不存在"))
        if not has_reported(unit.id, order.community_id):
            raise Invalid("unit_id", _("该单位未到本社区报到"))
    if deadline is not None and not now < deadline <= now + MAX_DEADLINE:
        raise Invalid("deadline", _("办理期限须在今后 60 天以内"))
    note = _text(note, "note", False, 400)
    target = unit.name if unit is not None else "党员领单池"
    event = transition(order, Action.DISPATCH, staff, now=now,
                       note=f"派往{target}" + (f"：{note}" if note else ""),
                       values={"unit_id": unit.id if unit else None, "to_pool": bool(to_pool),
                               "deadline": deadline or order.deadline or deadline_for(order.urgency, now),
                               "dispatched_at": now, "accepted_at": None, "reason": None})
    _audit(staff, Action.DISPATCH, order, now, unit_id=order.unit_id, to_pool=order.to_pool,
           deadline=order.deadline.isoformat())
    notices.announce(order, event, staff, now=now)
    if order.to_pool:
        notices.pool_opened(order, now=now)
    return order


MAX_BULK = 100  # orders one bulk dispatch may carry (a board page is 20)


def dispatch_many(staff: User, order_ids: list[int], *, deadline: datetime | None = None,
                  note: str = "", now: datetime | None = None) -> list[Order]:
    """派单 of several needs to the member pool at once: all of them or none (the first one
    refused refuses the lot, and the request rolls back); each is dispatched as `dispatch`
    does (its event, audit entry and notices), and one audit entry names the batch."""
    now = now or utcnow()
    ids = list(dict.fromkeys(order_ids or []))
    if not ids:
        raise Invalid("order_ids", _("请至少选择一条需求"))
    if len(ids) > MAX_BULK:
        raise Invalid("order_ids", _("一次最多派 %(n)s 条", n=MAX_BULK))
    if any(valid_id(i) is None for i in ids):
        raise Invalid("order_ids", _("编号无效"))
    orders = [dispatch(staff, order_id, to_pool=True, deadline=deadline, note=note, now=now)
              for order_id in ids]
    record(staff, "order.dispatch_many", None, {"order_ids": ids, "to_pool": True}, now=now)
    return orders


def reject(staff: User, order_id: int, reason: str, now: datetime | None = None) -> Order:
    """Staff refuse a submitted need, with the reason the resident is told."""
    now = now or utcnow()
    order, _ = order_for_action(staff, order_id, Action.REJECT)
    reason = _text(reason, "reason")
    event = transition(order, Action.REJECT, staff, now=now, note=reason, values={"reason": reason})
    _audit(staff, Action.REJECT, order, now, reason=reason)
    notices.announce(order, event, staff, now=now)
    return order


def accept(unit_admin: User, order_id: int, note: str = "", now: datetime | None = None) -> Order:
    """接单: the unit's admin takes the order for its members to claim."""
    now = now or utcnow()
    order, _ = order_for_action(unit_admin, order_id, Action.ACCEPT)
    event = transition(order, Action.ACCEPT, unit_admin, now=now, note=_text(note, "note", False),
                       values={"accepted_at": now})
    _audit(unit_admin, Action.ACCEPT, order, now)
    notices.announce(order, event, unit_admin, now=now)
    return order


def decline(unit_admin: User, order_id: int, reason: str, now: datetime | None = None) -> Order:
    """The unit cannot take it: back to the community (submitted) to be dispatched again."""
    now = now or utcnow()
    order, _ = order_for_action(unit_admin, order_id, Action.DECLINE)
    reason, unit_id = _text(reason, "reason"), order.unit_id
    event = transition(order, Action.DECLINE, unit_admin, now=now, note=reason,
                       values={"unit_id": None, "to_pool": False, "dispatched_at": None,
                               "reason": reason})
    _audit(unit_admin, Action.DECLINE, order, now, unit_id=unit_id, reason=reason)
    notices.announce(order, event, unit_admin, now=now)
    return order


def claim(member: User, order_id: int, now: datetime | None = None) -> OrderClaim:
    """领单: takes a free slot with a conditional UPDATE (claimed_count < slots on the expected
    status), so racing members never take more slots than there are: the losers get 409. The
    last slot moves the order to `claimed`. A member holds at most one active claim on an order
    (checked, and enforced by a partial unique index against a racing retry)."""
    now = now or utcnow()
    order, parties = order_for_action(member, order_id, Action.CLAIM)
    if Party.CLAIMER in parties:
        raise Conflict(_("您已领取此单"))
    fills = Order.claimed_count + 1 >= Order.slots
    event = transition(
        order, Action.CLAIM, member, now=now, where=(Order.claimed_count < Order.slots,),
        values={"claimed_count": Order.claimed_count + 1,
                "status": sa.case((fills, OrderStatus.CLAIMED.value), else_=Order.status),
                "claimed_at": sa.case((fills, sa.literal(now, UTCDateTime)),
                                      else_=Order.claimed_at)},
        conflict=_("名额已满或工单已变化"))
    row = insert_unique(OrderClaim(order_id=order.id, member_id=member.id, claimed_at=now),
                        Conflict(_("您已领取此单")))
    notices.announce(order, event, member, now=now)
    return row


def release(member: User, order_id: int, reason: str = "", now: datetime | None = None) -> Order:
    """A claimer gives his slot back: the claim ends as abandoned, costs the claim_abandoned
    points (once per claim) and counts in his rating; an order that was full is claimable again."""
    now = now or utcnow()
    ended = Conflict(_("领单已结束"))
    order = visible_order(member, order_id)
    held = [c for c in order.claims if c.member_id == member.id]
    if held and all(c.released_at is not None for c in held):  # a second release: his claim ended
        raise ended
    order, _parties = order_for_action(member, order_id, Action.RELEASE)
    reason = _text(reason, "reason", False)
    mine = next(c for c in order.active_claims if c.member_id == member.id)
    released = db.session.execute(
        sa.update(OrderClaim).where(OrderClaim.id == mine.id, OrderClaim.released_at.is_(None))
        .values(released_at=now, release_reason=reason or None, abandoned=True)
        .execution_options(synchronize_session=False))
    if released.rowcount != 1:
        raise ended
    event = transition(order, Action.RELEASE, member, now=now, note=reason,
                       where=(Order.claimed_count > 0,),
                       values={"claimed_count": Order.claimed_count - 1, "claimed_at": None})
    award(member.id, "claim_abandoned", source_type="order_claim", source_id=mine.id,
          created_by_id=member.id, reason=f"放弃领单：{order.title}", now=now)
    notices.announce(order, event, member, now=now)
    return order


def complete(member: User, order_id: int, note: str, now: datetime | None = None) -> Order:
    """A claimer reports the need met, saying what was done; the resident then confirms and rates."""
    now = now or utcnow()
    order, _ = order_for_action(member, order_id, Action.COMPLETE)
    note = _text(note, "note")
    event = transition(order, Action.COMPLETE, member, now=now, note=note,
                       values={"completed_at": now})
    notices.announce(order, event, member, now=now)
    return order


def rate(user: User, order_id: int, score: int, comment: str = "",
         now: datetime | None = None) -> Order:
    """The resident (or staff for him) confirms and rates 1-5: the order closes and each
    claimer who stayed earns order_completed, plus order_good_rating for a score of 4 or 5, and
    ticks 帮助解决一个难题. Paid once: a second rating is a 409, and the awards' idempotency
    keys (rule, order, member) would pay nothing twice anyway."""
    now = now or utcnow()
    order, _parties = order_for_action(user, order_id, Action.RATE)
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise Invalid("score", _("评分须为 1 至 5 的整数"))
    comment = _text(comment, "comment", False)
    event = transition(order, Action.RATE, user, now=now,
                       note=f"评分 {score}" + (f"：{comment}" if comment else ""),
                       values={"score": score, "rating_comment": comment or None,
                               "rated_by_id": user.id, "closed_at": now})
    for claim_row in order.active_claims:
        member_id = claim_row.member_id
        award(member_id, "order_completed", source_type="order", source_id=order.id,
              created_by_id=user.id, reason=f"完成点单：{order.title}", now=now)
        if score >= GOOD_SCORE:
            award(member_id, "order_good_rating", source_type="order", source_id=order.id,
                  created_by_id=user.id, reason=f"点单好评（{score} 分）：{order.title}", now=now)
        record_evidence(member_id, "solve_problem", source_type="order", source_id=order.id,
                        note=order.title, now=now)
    _audit(user, Action.RATE, order, now, score=score)
    notices.announce(order, event, user, now=now)
    return order


def reopen(resident: User, order_id: int, reason: str, now: datetime | None = None) -> Order:
    """The resident's problem is not solved: within ORDER_REOPEN_DAYS of completion the order
    goes back to `claimed` with the same claimers (their points wait until it closes) and at
    least a fresh urgency-long deadline."""
    now = now or utcnow()
    order, _parties = order_for_action(resident, order_id, Action.REOPEN)
    reason = _text(reason, "reason")
    until = reopen_until(order)
    if until is None or now > until:
        days = current_app.config["ORDER_REOPEN_DAYS"]
        raise Conflict(_("完成已超过 %(days)s 天，不能重新打开", days=days))
    fresh = deadline_for(order.urgency, now)
    event = transition(order, Action.REOPEN, resident, now=now, note=reason,
                       values={"reason": reason, "completed_at": None,
                               "reopen_count": Order.reopen_count + 1,
                               "deadline": max(order.deadline or fresh, fresh)})
    notices.announce(order, event, resident, now=now)
    return order


def cancel(user: User, order_id: int, reason: str, now: datetime | None = None) -> Order:
    """Withdrawn with a reason: by the resident before dispatch, by staff any time before
    completion. Active claims end without penalty (not abandoned); claimers are told."""
    now = now or utcnow()
    order, _ = order_for_action(user, order_id, Action.CANCEL)
    reason = _text(reason, "reason")
    claimer_ids = [c.member_id for c in order.active_claims]
    event = transition(order, Action.CANCEL, user, now=now, note=reason,
                       values={"reason": reason, "claimed_count": 0, "claimed_at": None})
    db.session.execute(
        sa.update(OrderClaim).where(OrderClaim.order_id == order.id, OrderClaim.released_at.is_(None))
        .values(released_at=now, release_reason="工单已取消", abandoned=False)
        .execution_options(synchronize_session=False))
    _audit(user, Action.CANCEL, order, now, reason=reason)
    notices.announce(order, event, user, now=now, claimer_ids=claimer_ids)
    return order
