"""Who hears of what happens to an order (issue 7): the resident on every status change of his
order, the unit on dispatch (and cancel), community staff on new orders, declines, released
claims and reopenings, the claimers on rating, reopening and cancellation. The actor never
hears of his own act. Notifications are stored (and their deliveries queued) in the caller's
transaction; the sweep sends them after the commit."""
from __future__ import annotations

from datetime import datetime

from app.clock import LOCAL_TZ
from app.notifications.services import notify
from app.orders.access import community_staff_ids, unit_admin_ids
from app.orders.models import Order, OrderEvent
from app.orders.states import STATUS_LABELS, Action

STAFF, UNIT, CLAIMERS = "staff", "unit", "claimers"

# action -> (audience besides the resident, title); the resident is told of status changes.
AUDIENCE: dict[Action, tuple[tuple[str, ...], str]] = {
    Action.SUBMIT: ((STAFF,), "新的群众点单：{title}"),
    Action.DISPATCH: ((UNIT,), "社区派单，请接单：{title}"),
    Action.DECLINE: ((STAFF,), "单位退回派单：{title}"),
    Action.RELEASE: ((STAFF,), "党员放弃领单，需重新安排：{title}"),
    Action.RATE: ((CLAIMERS,), "工单已评价：{title}"),
    Action.REOPEN: ((CLAIMERS, STAFF), "工单被居民重新打开：{title}"),
    Action.CANCEL: ((CLAIMERS, UNIT), "工单已取消：{title}"),
}


def link(order: Order) -> str:
    return f"/orders/{order.id}"


def _deadline(order: Order) -> str:
    if order.deadline is None:
        return ""
    return "办理期限：" + order.deadline.astimezone(LOCAL_TZ).strftime("%m-%d %H:%M")


def announce(order: Order, event: OrderEvent, actor, *, now: datetime,
             claimer_ids: list[int] | None = None, unit_id: int | None = None) -> None:
    """Tells those `event` concerns. `claimer_ids` are the members to tell (the active claimers
    by default; a cancellation passes those whose claims it just ended); `unit_id` the unit
    (the order's by default; a decline passes the unit that sent it back)."""
    actor_id = getattr(actor, "id", None)
    note = event.note or ""
    if event.from_status != event.to_status and order.resident_id not in (None, actor_id):
        notify([order.resident_id], kind="order_status",
               title=f"您的点单「{order.title}」{STATUS_LABELS[event.to_status]}",
               body="\n".join(filter(None, [note, _deadline(order) if event.to_status in (
                   "dispatched", "accepted", "claimed") else ""])),
               link=link(order), now=now)
    audience, title = AUDIENCE.get(Action(event.action), ((), ""))
    ids: list[int] = []
    for who in audience:
        if who == STAFF:
            ids += community_staff_ids(order.community_id)
        elif who == UNIT:
            ids += unit_admin_ids(unit_id if unit_id is not None else order.unit_id)
        elif who == CLAIMERS:
            ids += claimer_ids if claimer_ids is not None else [
                c.member_id for c in order.active_claims]
    ids = [i for i in dict.fromkeys(ids) if i != actor_id and i != order.resident_id]
    if ids:
        notify(ids, kind=f"order_{event.action}", title=title.format(title=order.title),
               body="\n".join(filter(None, [note, _deadline(order)])), link=link(order), now=now)


def invited(order: Order, member_id: int, staff, *, now: datetime) -> None:
    notify([member_id], kind="order_invite", title=f"社区邀请您领单：{order.title}",
           body="\n".join(filter(None, [f"{staff.name}认为您适合这项需求，请查看并领单。",
                                        _deadline(order)])),
           link=link(order), now=now)
