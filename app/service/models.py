"""Service records, suggestions (提出一条合理建议), needy households and their pairings."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.activities.models import CATEGORIES as ACTIVITY_CATEGORIES
from app.clock import utcnow
from app.database import UTCDateTime
from app.extensions import db

# A service record has the categories of activities (the form's choices, the API's enum).
CATEGORIES = ACTIVITY_CATEGORIES


class RecordStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class SuggestionStatus(StrEnum):
    PENDING = "pending"
    ADOPTED = "adopted"
    DECLINED = "declined"


class ServiceRecord(db.Model):
    """Service a member logged; it earns nothing until staff of its community verify it."""

    __tablename__ = "service_record"
    __table_args__ = (
        sa.Index("ix_service_record_community_status", "community_id", "status", "id"),
        sa.Index("ix_service_record_member_status", "member_id", "status", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("place.id"))
    category: Mapped[str] = mapped_column(sa.String(40))
    checklist_item: Mapped[str | None] = mapped_column(sa.String(40))
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("household.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    hours: Mapped[float] = mapped_column(sa.Float)
    description: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default=RecordStatus.PENDING)
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member = relationship("User", foreign_keys=[member_id], lazy="joined")
    community = relationship("Place", lazy="joined")
    household = relationship("Household", lazy="joined")


class Suggestion(db.Model):
    __tablename__ = "suggestion"
    __table_args__ = (
        sa.Index("ix_suggestion_community_status", "community_id", "status", "id"),
        sa.Index("ix_suggestion_member", "member_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("place.id"))
    title: Mapped[str] = mapped_column(sa.String(120))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default=SuggestionStatus.PENDING)
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member = relationship("User", foreign_keys=[member_id], lazy="joined")


class Household(db.Model):
    """A needy household (困难群众) kept on the community's list."""

    __tablename__ = "household"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("place.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    address: Mapped[str] = mapped_column(sa.String(200))
    needs: Mapped[str] = mapped_column(sa.String(500), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Pairing(db.Model):
    """A member paired with a needy household; verified service to it ticks help_household."""

    __tablename__ = "pairing"
    __table_args__ = (
        sa.UniqueConstraint("household_id", "member_id"),
        sa.Index("ix_pairing_member", "member_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("household.id"))
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    household = relationship("Household", lazy="joined")
    member = relationship("User", foreign_keys=[member_id], lazy="joined")
