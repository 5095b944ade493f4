"""Scoring rules, the append-only points ledger, cached yearly totals, checklist evidence."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.database import UTCDateTime
from app.extensions import db

CAP_PERIODS = ("day", "month", "year")  # a rule's cap counts per local day, month or year


class ScoringRule(db.Model):
    """How many points an action earns: `points` per action, or per hour when `per_hour`."""

    __tablename__ = "scoring_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    points: Mapped[int] = mapped_column(default=0)
    per_hour: Mapped[bool] = mapped_column(default=False)
    cap_period: Mapped[str | None] = mapped_column(sa.String(10))  # day | month | year
    cap_points: Mapped[int | None] = mapped_column()
    is_active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))


class LedgerEntry(db.Model):
    """One immutable movement of points. Corrections are new entries, never edits.
    `idempotency_key` is unique, so a retried or concurrent award pays once."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        sa.Index("ix_ledger_entry_member_year", "member_id", "year", "id"),
        sa.Index("ix_ledger_entry_source", "source_type", "source_id"),
        sa.Index("ix_ledger_entry_member_rule_time", "member_id", "rule_key", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    year: Mapped[int] = mapped_column()
    points: Mapped[int] = mapped_column()
    rule_key: Mapped[str] = mapped_column(sa.String(40))
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    source_type: Mapped[str] = mapped_column(sa.String(40))
    source_id: Mapped[int | None] = mapped_column()
    idempotency_key: Mapped[str] = mapped_column(sa.String(160), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))


class PointsTotal(db.Model):
    """Cached SUM(ledger) per member and year, bumped in the same transaction as each entry.

    The member's community, street and unit are copied here (on award and when a registration
    is approved) so a leaderboard is one index range scan: ORDER BY total DESC, updated_at
    (who reached the total first), member_id."""

    __tablename__ = "points_total"
    __table_args__ = (
        sa.Index("ix_points_total_year_total", "year", "total"),
        sa.Index("ix_points_total_community_rank", "year", "community_id", sa.desc("total"),
                 "updated_at", "member_id"),
        sa.Index("ix_points_total_street_rank", "year", "street_id", sa.desc("total"),
                 "updated_at", "member_id"),
        sa.Index("ix_points_total_unit_rank", "year", "unit_id", sa.desc("total"),
                 "updated_at", "member_id"),
    )

    member_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    total: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    community_id: Mapped[int | None] = mapped_column()
    street_id: Mapped[int | None] = mapped_column()
    unit_id: Mapped[int | None] = mapped_column()


class ChecklistEvidence(db.Model):
    """A fact that ticks a "五个一" item: written by the domain that owns the fact
    (attendance, verified service record, adopted suggestion, closed order, household help)."""

    __tablename__ = "checklist_evidence"
    __table_args__ = (
        sa.UniqueConstraint("member_id", "item_key", "source_type", "source_id"),
        sa.Index("ix_checklist_evidence_member_year", "member_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    year: Mapped[int] = mapped_column()
    item_key: Mapped[str] = mapped_column(sa.String(40))
    source_type: Mapped[str] = mapped_column(sa.String(40))
    source_id: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChecklistItem(db.Model):
    """One item of a year's "五个一" list configured for a street or a district. A member's
    list is his street's for that year, else his district's, else the default five."""

    __tablename__ = "checklist_item"
    __table_args__ = (sa.UniqueConstraint("place_id", "year", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(sa.ForeignKey("place.id"))
    year: Mapped[int] = mapped_column()
    key: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(100))
    required: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=0)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# Ledger sources that prove service was done (used by idleness checks); adjustments are not service.
class SourceType:
    ATTENDANCE = "attendance"
    SERVICE_RECORD = "service_record"
    SUGGESTION = "suggestion"
    ORDER = "order"
    PAIRING = "pairing"
    ADJUSTMENT = "adjustment"


SERVICE_SOURCE_TYPES = (SourceType.ATTENDANCE, SourceType.SERVICE_RECORD, SourceType.ORDER,
                        SourceType.PAIRING)


class SpendEntry(db.Model):
    """One immutable movement of spent points (积分兑换): positive when points are spent,
    negative when a cancelled redemption refunds them. Earned points (the ledger, the totals,
    the leaderboards) are never touched by spending. `idempotency_key` is unique: a retried
    spend or refund moves points once."""

    __tablename__ = "spend_entry"
    __table_args__ = (sa.Index("ix_spend_entry_member", "member_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    points: Mapped[int] = mapped_column()
    source_type: Mapped[str] = mapped_column(sa.String(40))
    source_id: Mapped[int | None] = mapped_column()
    idempotency_key: Mapped[str] = mapped_column(sa.String(160), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SpendBalance(db.Model):
    """Cached SUM(spend_entry.points) per member, moved in the same transaction as each entry;
    its row is what serialises two spends of one member (a conditional UPDATE)."""

    __tablename__ = "spend_balance"

    member_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), primary_key=True)
    spent: Mapped[int] = mapped_column(default=0)
