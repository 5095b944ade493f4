"""双报到: a member's registration with the community where he lives; 组织报到: a unit's."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.database import UTCDateTime
from app.extensions import db


class RegistrationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    TRANSFERRED = "transferred"


OPEN_STATUSES = (RegistrationStatus.PENDING, RegistrationStatus.APPROVED)


class Registration(db.Model):
    __tablename__ = "registration"
    __table_args__ = (
        # At most one pending or approved registration per member, enforced by the database.
        sa.Index(
            "uq_registration_open_member", "member_id", unique=True,
            sqlite_where=sa.text("status IN ('pending', 'approved')"),
            postgresql_where=sa.text("status IN ('pending', 'approved')"),
        ),
        sa.Index("ix_registration_community_status", "community_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("place.id"))
    grid_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"), index=True)
    address: Mapped[str] = mapped_column(sa.String(200))
    skills: Mapped[list] = mapped_column(sa.JSON, default=list)
    availability: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[str] = mapped_column(sa.String(16), default=RegistrationStatus.PENDING)
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    previous_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registration.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    member = relationship("User", foreign_keys=[member_id], lazy="joined")
    community = relationship("Place", foreign_keys=[community_id], lazy="joined")
    grid = relationship("Place", foreign_keys=[grid_id])


class UnitRegistration(db.Model):
    """组织报到: a unit reports to a community with the resources it offers."""

    __tablename__ = "unit_registration"
    __table_args__ = (sa.UniqueConstraint("unit_id", "community_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("place.id"), index=True)
    resources: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    unit = relationship("Unit", lazy="joined")
    community = relationship("Place", lazy="joined")
