"""Orders (点单 needs): the order row, its claims and its event timeline.

The lifecycle lives in app/orders/states.py; these tables only hold it."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.database import UTCDateTime
from app.extensions import db
from app.i18n import N_

# The categories an order may have: the form's choices, the API's enum, the pages' labels.
CATEGORIES = [N_("关爱老人"), N_("维修服务"), N_("扶贫助困"), N_("洁净家园"), N_("守护平安"),
              N_("文明出行"), N_("和睦邻里"), N_("课业辅导"), N_("法律咨询"), N_("医疗健康"), N_("理财咨询"),
              N_("微心愿"), N_("其他")]


class OrderStatus(StrEnum):
    SUBMITTED = "submitted"      # 点单: placed by a resident (or by staff for him)
    DISPATCHED = "dispatched"    # 派单: sent to a unit or to the member pool
    ACCEPTED = "accepted"        # 接单: accepted by the unit it was sent to
    CLAIMED = "claimed"          # 领单: every slot taken by members
    COMPLETED = "completed"      # done by its claimers, waiting for confirmation and rating
    CLOSED = "closed"            # confirmed and rated 1-5
    REJECTED = "rejected"        # refused by staff, with a reason
    CANCELLED = "cancelled"      # withdrawn, with a reason


# States in which the order is still owed to the resident: its deadline counts (overdue).
OPEN_STATUSES = (OrderStatus.SUBMITTED, OrderStatus.DISPATCHED, OrderStatus.ACCEPTED,
                 OrderStatus.CLAIMED)
# States in which members may claim a free slot.
CLAIMABLE_STATUSES = (OrderStatus.DISPATCHED, OrderStatus.ACCEPTED)


# The same condition as SQL text, for the partial index on open orders. A query uses that
# index only when it says exactly this (literal values, not bound parameters): open_clause().
OPEN_WHERE = "status IN (" + ", ".join(f"'{s}'" for s in OPEN_STATUSES) + ")"


class Urgency(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class Order(db.Model):
    """One need. `claimed_count` counts the active claims and only moves through a conditional
    UPDATE (`... WHERE status IN (claimable) AND claimed_count < slots`), so two members can
    never take the last slot; the status changes only through a conditional UPDATE on the
    expected status (a transition from the wrong state changes no row: 409)."""

    __tablename__ = "service_order"  # "order" is an SQL keyword
    __table_args__ = (
        sa.CheckConstraint("slots >= 1", name="slots_positive"),
        sa.CheckConstraint("claimed_count >= 0 AND claimed_count <= slots", name="claims_fit"),
        sa.CheckConstraint("score IS NULL OR (score >= 1 AND score <= 5)", name="score_range"),
        sa.Index("ix_service_order_community_board", "community_id", "status", "deadline", "id"),
        sa.Index("ix_service_order_unit_status", "unit_id", "status", "deadline"),
        sa.Index("ix_service_order_status_deadline", "status", "deadline"),
        sa.Index("ix_service_order_resident", "resident_id", "id"),
        sa.Index("ix_service_order_closed_at", "closed_at"),
        # The board's default view and the overdue sweep: open orders by deadline.
        sa.Index("ix_service_order_open_deadline", "community_id", "deadline", "id",
                 sqlite_where=sa.text(OPEN_WHERE), postgresql_where=sa.text(OPEN_WHERE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("place.id"))
    grid_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"))
    title: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    category: Mapped[str] = mapped_column(sa.String(40))
    urgency: Mapped[str] = mapped_column(sa.String(10), default=Urgency.NORMAL)
    slots: Mapped[int] = mapped_column(default=1)
    claimed_count: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(sa.String(16), default=OrderStatus.SUBMITTED)
    # The resident the need is for; `created_by_id` is who typed it (he, or staff for him).
    resident_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(20))
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    # Where it was dispatched: a unit, or the member pool of the community.
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"))
    to_pool: Mapped[bool] = mapped_column(default=False)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(sa.String(500))  # of the last reject/cancel/reopen
    score: Mapped[int | None] = mapped_column()
    rating_comment: Mapped[str | None] = mapped_column(sa.String(500))
    rated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    reopen_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when the slots filled
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    community = relationship("Place", foreign_keys=[community_id], lazy="joined")
    grid = relationship("Place", foreign_keys=[grid_id])
    unit = relationship("Unit", lazy="joined")
    resident = relationship("User", foreign_keys=[resident_id])
    # Read-only views of the children; they are written as rows of their own.
    claims = relationship("OrderClaim", order_by="OrderClaim.id", viewonly=True)
    events = relationship("OrderEvent", order_by="OrderEvent.id", viewonly=True)

    def is_overdue(self, now: datetime) -> bool:
        return (self.status in OPEN_STATUSES and self.deadline is not None
                and self.deadline < now)

    @classmethod
    def open_clause(cls) -> sa.ColumnElement[bool]:
        """status IN (the open statuses) as literals, so that the partial index
        ix_service_order_open_deadline serves it (see OPEN_WHERE)."""
        return cls.status.in_([sa.literal_column(f"'{s}'") for s in OPEN_STATUSES])

    @property
    def active_claims(self) -> list[OrderClaim]:
        return [c for c in self.claims if c.released_at is None]


class OrderClaim(db.Model):
    """A member on an order (领单). Active while `released_at` is null; one active claim per
    member and order (partial unique index). A claim the member gave up himself is
    `abandoned` (it costs points by the `claim_abandoned` rule and counts in his rating); a
    claim ended because the order was cancelled is not."""

    __tablename__ = "order_claim"
    __table_args__ = (
        sa.Index("uq_order_claim_active", "order_id", "member_id", unique=True,
                 sqlite_where=sa.text("released_at IS NULL"),
                 postgresql_where=sa.text("released_at IS NULL")),
        sa.Index("ix_order_claim_member_time", "member_id", "claimed_at"),
        sa.Index("ix_order_claim_order", "order_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("service_order.id"))
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    release_reason: Mapped[str | None] = mapped_column(sa.String(500))
    abandoned: Mapped[bool] = mapped_column(default=False)

    member = relationship("User", lazy="joined")


class OrderEvent(db.Model):
    """One step of an order's timeline: who did what, when, from which status to which."""

    __tablename__ = "order_event"
    __table_args__ = (sa.Index("ix_order_event_order", "order_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("service_order.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(sa.String(20))
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.String(500), default="")

    actor = relationship("User", lazy="joined")


class OrderInvitation(db.Model):
    """Staff asked a candidate member to claim the order (he was notified). Once per member
    and order."""

    __tablename__ = "order_invitation"
    __table_args__ = (
        sa.UniqueConstraint("order_id", "member_id"),
        sa.Index("ix_order_invitation_member", "member_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("service_order.id"))
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
