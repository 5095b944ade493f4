"""Co-building projects, their unit claims, member sign-ups, progress updates, timeline events,
and the co-building agreements they may belong to. The lifecycles live in
app/projects/states.py; these tables only hold them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.database import UTCDateTime
from app.extensions import db
from app.i18n import N_

# The eight kinds of co-building project seen in the sources (seed 002).
KINDS = [
    N_("党建联建"),
    N_("扶贫助困"),
    N_("洁净家园"),
    N_("守护平安"),
    N_("文明创建"),
    N_("关爱老幼"),
    N_("文化体育"),
    N_("专业服务"),
]


class ProjectStatus(StrEnum):
    OPEN = "open"  # 招募中: units may claim a place, members sign up
    FULL = "full"  # every unit place claimed; members still sign up
    CLOSED = "closed"  # 已结项: outcomes recorded, participants paid
    CANCELLED = "cancelled"


class ClaimStatus(StrEnum):
    PENDING = "pending"  # a unit claimed a place (the place is held)
    ACCEPTED = "accepted"  # the community accepted the unit's claim
    DECLINED = "declined"  # the community declined it (the place is free again)
    WITHDRAWN = "withdrawn"  # the unit withdrew it (the place is free again)
    DELIVERED = "delivered"  # the project closed with the unit's claim accepted


HOLDING_PLACE = (ClaimStatus.PENDING, ClaimStatus.ACCEPTED)
LIVE_PROJECT = (ProjectStatus.OPEN, ProjectStatus.FULL)


class SessionStatus(StrEnum):
    ACTIVE = "active"  # members sign up until it starts
    CANCELLED = "cancelled"  # its sign-ups stay, credited nothing


class Agreement(db.Model):
    """共建协议: a unit and a community agree to co-build for a term; projects may come under it."""

    __tablename__ = "agreement"
    __table_args__ = (sa.Index("ix_agreement_community_unit", "community_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("place.id"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    content: Mapped[str] = mapped_column(sa.Text, default="")
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    community = relationship("Place", lazy="joined")
    unit = relationship("Unit", lazy="joined")
    projects = relationship("Project", lazy="selectin", viewonly=True, order_by="Project.id")


class Project(db.Model):
    """A co-building project of a community. `claimed_places` and `signup_count` move by
    conditional UPDATEs, so the unit places and member slots hold under concurrent requests."""

    __tablename__ = "project"
    __table_args__ = (sa.Index("ix_project_community_status", "community_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("place.id"))
    agreement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agreement.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(40))
    goals: Mapped[str] = mapped_column(sa.Text, default="")
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    places: Mapped[int] = mapped_column(default=1)  # how many units may claim it
    claimed_places: Mapped[int] = mapped_column(default=0)
    slots: Mapped[int] = mapped_column()  # how many members may sign up
    signup_count: Mapped[int] = mapped_column(default=0)
    points: Mapped[int] = mapped_column(default=0)  # paid to each participant at closing
    hours: Mapped[float] = mapped_column(sa.Float, default=2.0)  # credited to each participant
    skills: Mapped[list] = mapped_column(sa.JSON, default=list)
    resources_needed: Mapped[str] = mapped_column(sa.String(500), default="")
    checklist_item: Mapped[str | None] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(16), default=ProjectStatus.OPEN)
    outcome: Mapped[str | None] = mapped_column(sa.Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    community = relationship("Place", lazy="joined")
    agreement = relationship("Agreement")

    @property
    def places_left(self) -> int:
        return max(self.places - self.claimed_places, 0)

    @property
    def slots_left(self) -> int:
        return max(self.slots - self.signup_count, 0)


class ProjectClaim(db.Model):
    """认领: a unit (or a service team through its leader: `team_name`) takes one place of a
    project, committing resources of its list. One live claim per unit and project."""

    __tablename__ = "project_claim"
    __table_args__ = (
        sa.Index(
            "uq_project_claim_live_unit",
            "project_id",
            "unit_id",
            unique=True,
            sqlite_where=sa.text("status IN ('pending', 'accepted') AND unit_id IS NOT NULL"),
            postgresql_where=sa.text("status IN ('pending', 'accepted') AND unit_id IS NOT NULL"),
        ),
        sa.Index("ix_project_claim_unit_status", "unit_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("project.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"))
    team_name: Mapped[str | None] = mapped_column(sa.String(100))
    claimed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(sa.String(16), default=ClaimStatus.PENDING)
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    project = relationship("Project", lazy="joined")
    unit = relationship("Unit", lazy="joined")
    resources = relationship(
        "UnitResource", secondary="project_claim_resource", viewonly=True, order_by="UnitResource.id"
    )

    @property
    def claimant_name(self) -> str:
        return self.unit.name if self.unit is not None else (self.team_name or "")


class ProjectClaimResource(db.Model):
    """A resource of the unit's list committed to the project by its claim."""

    __tablename__ = "project_claim_resource"

    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("project_claim.id"), primary_key=True)
    resource_id: Mapped[int] = mapped_column(sa.ForeignKey("unit_resource.id"), primary_key=True)


class ProjectSession(db.Model):
    """场次/任务: one dated part of a project (a time range, a place, its own member slots).
    `signup_count` moves by the same conditional UPDATE as the project's, so the session's
    slots hold under concurrent sign-ups. A project with sessions is signed up for by session."""

    __tablename__ = "project_session"
    __table_args__ = (sa.Index("ix_project_session_project_starts", "project_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("project.id"))
    title: Mapped[str] = mapped_column(sa.String(120))
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    slots: Mapped[int] = mapped_column()
    signup_count: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(sa.String(16), default=SessionStatus.ACTIVE)
    cancel_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def slots_left(self) -> int:
        return max(self.slots - self.signup_count, 0) if self.status == SessionStatus.ACTIVE else 0

    @property
    def hours(self) -> float:
        """Its duration, what a member who attended it is credited."""
        return round((self.ends_at - self.starts_at).total_seconds() / 3600, 2)


class ProjectSignup(db.Model):
    """A member taking one slot of the project, or of one of its sessions (`session_id`): one
    per member and project without a session, one per member and session with one. At closing,
    those present are credited the session's duration (the project's `hours` without a session)
    and paid the project's points once per member."""

    __tablename__ = "project_signup"
    __table_args__ = (
        sa.Index(
            "uq_project_signup_project_member",
            "project_id",
            "member_id",
            unique=True,
            sqlite_where=sa.text("session_id IS NULL"),
            postgresql_where=sa.text("session_id IS NULL"),
        ),
        sa.UniqueConstraint("session_id", "member_id"),
        sa.Index("ix_project_signup_member", "member_id", "project_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("project.id"))
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("project_session.id"))
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    hours: Mapped[float | None] = mapped_column(sa.Float)  # verified at closing; None before
    points: Mapped[int | None] = mapped_column()  # paid at closing
    is_absent: Mapped[bool] = mapped_column(default=False)

    member = relationship("User", lazy="joined")
    project = relationship("Project", lazy="joined")
    session = relationship("ProjectSession", lazy="joined")


class ProjectEvent(db.Model):
    """The project's timeline: every transition, claim decision and progress update (进展)."""

    __tablename__ = "project_event"
    __table_args__ = (sa.Index("ix_project_event_project_at", "project_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("project.id"))
    claim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("project_claim.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(sa.String(20))
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str | None] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.String(1000), default="")

    actor = relationship("User", lazy="joined")
