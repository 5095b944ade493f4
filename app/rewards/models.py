"""积分兑换: a catalogue of rewards per community or street, and the members' redemptions."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.database import UTCDateTime
from app.extensions import db


class Reward(db.Model):
    """An item members may redeem with points: offered by a community or a street (optionally
    given by a unit), `stock` left, at most `per_member_limit` per member, within its period."""

    __tablename__ = "reward"
    __table_args__ = (sa.CheckConstraint("stock >= 0", name="stock"),
                      sa.CheckConstraint("points > 0", name="points"))

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(sa.ForeignKey("place.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"))
    name: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.String(500), default="")
    points: Mapped[int] = mapped_column()
    stock: Mapped[int] = mapped_column()
    per_member_limit: Mapped[int] = mapped_column(default=1)
    starts_on: Mapped[date | None] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    place = relationship("Place", lazy="joined")


class RedemptionStatus(StrEnum):
    REQUESTED = "requested"    # points spent, the item waits to be handed over
    FULFILLED = "fulfilled"    # handed over by staff
    CANCELLED = "cancelled"    # cancelled by the member or staff: points and stock given back


class Redemption(db.Model):
    """A member's redemption of one reward. (member, request_key) is unique: a double submit
    or a retry of the same form or request finds the first redemption and spends once."""

    __tablename__ = "redemption"
    __table_args__ = (sa.UniqueConstraint("member_id", "request_key", name="uq_redemption_request"),
                      sa.Index("ix_redemption_reward_member", "reward_id", "member_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    reward_id: Mapped[int] = mapped_column(sa.ForeignKey("reward.id"))
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    points: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(sa.String(16), default=RedemptionStatus.REQUESTED)
    request_key: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    reward = relationship("Reward", lazy="joined")
    member = relationship("User", foreign_keys=[member_id], lazy="joined")
