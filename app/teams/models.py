"""Service teams, their members and what they claimed as a team."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db


class Team(db.Model):
    """A service team: its leader is one of its members; it belongs to a community or a unit."""

    __tablename__ = "team"
    __table_args__ = (
        sa.CheckConstraint("(community_id IS NULL) <> (unit_id IS NULL)", name="home_community_or_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    leader_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    specialities: Mapped[list] = mapped_column(sa.JSON, default=list)
    description: Mapped[str] = mapped_column(sa.String(500), default="")
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    member_count: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    leader = relationship("User", foreign_keys=[leader_id], lazy="joined")
    community = relationship("Place", lazy="joined")
    unit = relationship("Unit", lazy="joined")


class TeamMember(db.Model):
    __tablename__ = "team_member"
    __table_args__ = (sa.Index("ix_team_member_member", "member_id"),)

    team_id: Mapped[int] = mapped_column(sa.ForeignKey("team.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), primary_key=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member = relationship("User", lazy="joined")


class TeamClaim(db.Model):
    """A pool need (order) or a project the team claimed as one (through its leader)."""

    __tablename__ = "team_claim"
    __table_args__ = (
        sa.UniqueConstraint("team_id", "target_type", "target_id"),
        sa.Index("ix_team_claim_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("team.id"))
    target_type: Mapped[str] = mapped_column(sa.String(16))  # order | project
    target_id: Mapped[int] = mapped_column()
    claimed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
