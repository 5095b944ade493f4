"""双报到: a member's registration with the community where he lives; 组织报到: a unit's."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    unit = relationship("Unit", lazy="joined")
    community = relationship("Place", lazy="joined")
    # The unit's resource list (资源清单), offered to every community it reported to.
    resources = relationship(
        "UnitResource", viewonly=True, order_by="UnitResource.id",
        primaryjoin="and_(foreign(UnitResource.unit_id) == UnitRegistration.unit_id, "
                    "UnitResource.withdrawn_at.is_(None))")


class ResourceKind(StrEnum):
    VENUE = "venue"                # 场地
    EQUIPMENT = "equipment"        # 设备物资
    FUNDS = "funds"                # 资金
    PROFESSIONAL = "professional"  # 专业服务
    VOLUNTEERS = "volunteers"      # 志愿者
    OTHER = "other"                # 其他 (free text migrated from before the list had kinds)


class UnitResource(db.Model):
    """One item of a unit's resource list (资源清单): what it offers the communities it reported
    to (组织报到). Withdrawn items stay (projects' claims name them) but are offered no more."""

    __tablename__ = "unit_resource"
    __table_args__ = (sa.Index("ix_unit_resource_unit_kind", "unit_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    name: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.String(500), default="")
    quantity: Mapped[int | None] = mapped_column()  # how many, or how many people it holds
    available: Mapped[str] = mapped_column(sa.String(200), default="")  # when: 工作日白天 …
    contact: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit = relationship("Unit", lazy="joined")
