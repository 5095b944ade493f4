"""表彰: honours for members (服务标兵, 优秀在职党员) and teams, nominated by community staff,
approved by a street admin, shown for a publicity period (公示期) in which the community may
object, then granted."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.database import UTCDateTime
from app.extensions import db
from app.i18n import N_


class HonourStatus(StrEnum):
    NOMINATED = "nominated"   # proposed by staff, waiting for the street admin
    PUBLICITY = "publicity"   # approved: shown to the community until publicity_ends_at
    GRANTED = "granted"       # conferred after the publicity period
    REJECTED = "rejected"     # turned down (before or after the publicity)


KINDS = {"service_star": N_("服务标兵"), "excellent_member": N_("优秀在职党员"),
         "team": N_("优秀服务团队")}
STATUS_LABELS = {HonourStatus.NOMINATED: N_("待审批"), HonourStatus.PUBLICITY: N_("公示中"),
                 HonourStatus.GRANTED: N_("已授予"), HonourStatus.REJECTED: N_("未通过")}


class Honour(db.Model):
    __tablename__ = "honour"
    __table_args__ = (sa.Index("ix_honour_community_status", "community_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    year: Mapped[int] = mapped_column()
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("place.id"))
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    team_name: Mapped[str] = mapped_column(sa.String(100), default="")
    reasons: Mapped[str] = mapped_column(sa.String(2000))
    status: Mapped[str] = mapped_column(sa.String(16), default=HonourStatus.NOMINATED)
    nominated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decision_note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    publicity_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    granted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    community = relationship("Place", lazy="joined")
    member = relationship("User", foreign_keys=[member_id], lazy="joined")
    objections = relationship("HonourObjection", lazy="selectin", order_by="HonourObjection.id")


class HonourObjection(db.Model):
    """An objection raised during the publicity period by a member or resident of the
    community; one per person and honour."""

    __tablename__ = "honour_objection"
    __table_args__ = (sa.UniqueConstraint("honour_id", "user_id", name="uq_honour_objection_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    honour_id: Mapped[int] = mapped_column(sa.ForeignKey("honour.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
