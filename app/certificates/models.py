"""Issued certificates. The public code is the `serial` signed with the app's secret; the
row keeps what the certificate said (name, period, hours) so the verification page shows what
was printed, and a revoked one is no longer shown."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.database import UTCDateTime
from app.extensions import db


class Certificate(db.Model):
    __tablename__ = "certificate"
    __table_args__ = (sa.Index("ix_certificate_member", "member_id", "period_from", "period_to"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(sa.String(32), unique=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"))
    name: Mapped[str] = mapped_column(sa.String(64))
    period_from: Mapped[date] = mapped_column(sa.Date)
    period_to: Mapped[date] = mapped_column(sa.Date)
    hours: Mapped[float] = mapped_column(sa.Float)
    points: Mapped[int] = mapped_column()
    issued_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    revoke_reason: Mapped[str | None] = mapped_column(sa.String(500))

    community = relationship("Place", lazy="joined")

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
