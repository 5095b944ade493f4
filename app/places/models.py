"""The place hierarchy (district > street > community > grid) and units."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.database import UTCDateTime
from app.extensions import db


class PlaceKind(StrEnum):
    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"
    GRID = "grid"


# What each kind may sit under.
PARENT_KIND = {
    PlaceKind.DISTRICT: None,
    PlaceKind.STREET: PlaceKind.DISTRICT,
    PlaceKind.COMMUNITY: PlaceKind.STREET,
    PlaceKind.GRID: PlaceKind.COMMUNITY,
}


class Place(db.Model):
    """A node of the hierarchy. `path` is '/district/street/community/grid/' ids, so
    'everything under X' is one indexed prefix match."""

    __tablename__ = "place"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"), index=True)
    path: Mapped[str] = mapped_column(sa.String(255), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_community(self) -> bool:
        return self.kind == PlaceKind.COMMUNITY

    def is_within(self, other: Place) -> bool:
        return self.path.startswith(other.path)

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]


class UnitKind(StrEnum):
    AGENCY = "agency"
    INSTITUTION = "institution"
    ENTERPRISE = "enterprise"
    OTHER = "other"


class Unit(db.Model):
    """An employer or department (单位)."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
