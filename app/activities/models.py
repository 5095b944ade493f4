"""Activities posted by community staff and the members' sign-ups."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.database import UTCDateTime
from app.extensions import db
from app.i18n import N_

# The categories of an activity: the form's choices, the API's enum, the pages' labels.
CATEGORIES = [N_("扶贫助困"), N_("洁净家园"), N_("守护平安"), N_("文明出行"), N_("和睦邻里"),
              N_("关爱老人"), N_("课业辅导"), N_("法律咨询"), N_("医疗健康"), N_("理财咨询"), N_("其他")]


class SignupStatus(StrEnum):
    SIGNED_UP = "signed_up"
    CANCELLED = "cancelled"
    ATTENDED = "attended"


class Activity(db.Model):
    """A community activity. `signup_count` is bumped by a conditional UPDATE so the
    capacity holds under concurrent sign-ups."""

    __tablename__ = "activity"
    __table_args__ = (
        sa.Index("ix_activity_community_starts", "community_id", "starts_at"),
        sa.Index("ix_activity_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("place.id"))
    title: Mapped[str] = mapped_column(sa.String(120))
    category: Mapped[str] = mapped_column(sa.String(40))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    checklist_item: Mapped[str | None] = mapped_column(sa.String(40))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column()
    points: Mapped[int] = mapped_column(default=0)
    signup_count: Mapped[int] = mapped_column(default=0)
    is_cancelled: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    community = relationship("Place", lazy="joined")

    @property
    def is_full(self) -> bool:
        return self.signup_count >= self.capacity


class ActivitySignup(db.Model):
    """One member on one activity: signed_up, cancelled or attended. A signed-up member of
    an activity that has ended is a no-show."""

    __tablename__ = "activity_signup"
    __table_args__ = (
        sa.UniqueConstraint("activity_id", "member_id"),
        sa.Index("ix_activity_signup_member_status", "member_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activity.id"))
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(sa.String(16), default=SignupStatus.SIGNED_UP)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checkin_method: Mapped[str | None] = mapped_column(sa.String(10))  # staff | qr
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    counts_for_capacity: Mapped[bool] = mapped_column(default=True)

    activity = relationship("Activity", lazy="joined")
    member = relationship("User", foreign_keys=[member_id], lazy="joined")
