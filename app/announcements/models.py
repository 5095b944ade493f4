"""通知公告 / 党务公开: announcements of a community, a street or the district."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.database import UTCDateTime
from app.extensions import db


class Announcement(db.Model):
    """Posted by staff or admins to a place (community, street or district): everyone living
    or serving under that place sees it until it expires; pinned ones first."""

    __tablename__ = "announcement"
    __table_args__ = (sa.Index("ix_announcement_place_time", "place_id", "created_at"),
                      sa.Index("ix_announcement_created_at", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(sa.ForeignKey("place.id"))
    title: Mapped[str] = mapped_column(sa.String(120))
    body: Mapped[str] = mapped_column(sa.String(2000))
    is_pinned: Mapped[bool] = mapped_column(default=False)
    expires_on: Mapped[date | None] = mapped_column(sa.Date)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    place = relationship("Place", lazy="joined")
    author = relationship("User", lazy="joined")
