"""How a resident sees his need: five plain steps (已提交 → 已受理 → 已安排 → 已完成 → 请评价),
each done, current or still to come, with when it happened; who is coming and by when."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.i18n import N_
from app.orders.models import Order, OrderStatus

S = OrderStatus
STEP_LABELS = (N_("已提交"), N_("已受理"), N_("已安排"), N_("已完成"), N_("请评价"))
RATED_LABEL = N_("已评价")
# Plain words for a resident, instead of the staff's status names.
RESIDENT_STATUS = {
    S.SUBMITTED: N_("已提交，等社区受理"), S.DISPATCHED: N_("社区已受理，正在安排人手"),
    S.ACCEPTED: N_("社区已受理，正在安排人手"), S.CLAIMED: N_("已安排党员上门帮忙"),
    S.COMPLETED: N_("已办完，请您评价"), S.CLOSED: N_("已办结"),
    S.REJECTED: N_("社区未受理"), S.CANCELLED: N_("已取消"),
}
STOPPED = frozenset({S.REJECTED, S.CANCELLED})


@dataclass(frozen=True)
class Step:
    label: str
    at: datetime | None
    state: str  # "done" | "current" | "todo"


def _reached(order: Order) -> int:
    """How many of the five steps the order has reached (1..5)."""
    if order.status == S.CLOSED:
        return 5
    if order.status == S.COMPLETED:
        return 4
    if order.status == S.CLAIMED or order.claimed_count > 0:
        return 3
    if order.status in (S.DISPATCHED, S.ACCEPTED):
        return 2
    return 1


def resident_steps(order: Order) -> list[Step]:
    """The step bar of a need; empty for a need that stopped (rejected, cancelled)."""
    if order.status in STOPPED:
        return []
    first_claim = min((c.claimed_at for c in order.active_claims), default=order.claimed_at)
    times = (order.created_at, order.dispatched_at, first_claim, order.completed_at, order.closed_at)
    reached = _reached(order)
    steps = [Step(label, at if index <= reached else None, "done" if index <= reached else "todo")
             for index, (label, at) in enumerate(zip(STEP_LABELS, times, strict=True), start=1)]
    if order.status == S.CLOSED:
        steps[4] = Step(RATED_LABEL, order.closed_at, "done")
    elif order.status == S.COMPLETED:
        steps[4] = Step(STEP_LABELS[4], None, "current")
    return steps


def is_waiting_for_rating(order: Order) -> bool:
    return order.status == S.COMPLETED and order.score is None
