"""Photos and the bytes behind them. A photo belongs to one record (`owner_type`, `owner_id`);
its URL carries `token` (random), never the row id. The bytes live in the storage of
`PHOTO_STORAGE`: the `stored_blob` table by default, or an S3-compatible bucket."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.database import UTCDateTime
from app.extensions import db


class OwnerType(StrEnum):
    SERVICE_RECORD = "service_record"
    ORDER = "service_order"
    SUGGESTION = "suggestion"


class Stage(StrEnum):
    """When an order's photo was taken; service records and suggestions have none."""
    BEFORE = "before"
    AFTER = "after"


class Photo(db.Model):
    __tablename__ = "photo"
    __table_args__ = (
        # The n-th photo of a record: two uploads at the same moment cannot both be the 9th.
        sa.UniqueConstraint("owner_type", "owner_id", "position"),
        sa.CheckConstraint("position BETWEEN 1 AND 9", name="position_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    owner_type: Mapped[str] = mapped_column(sa.String(20))
    owner_id: Mapped[int] = mapped_column()
    position: Mapped[int] = mapped_column()
    stage: Mapped[str | None] = mapped_column(sa.String(10))
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    content_type: Mapped[str] = mapped_column(sa.String(40))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    size: Mapped[int] = mapped_column()
    thumbnail_size: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def key(self, variant: str) -> str:
        return f"photos/{self.token}/{variant}"


class StoredBlob(db.Model):
    """The database storage: one row per stored object (so backups of the database hold the
    photos, and several app hosts need no shared disk)."""

    __tablename__ = "stored_blob"

    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    content_type: Mapped[str] = mapped_column(sa.String(40))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
