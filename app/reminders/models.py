"""The daily pass's own rows: what it decided to tell whom, and the claim on each day."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.database import UTCDateTime
from app.extensions import db


class ReminderKind:
    IDLE = "idle"                          # to the member: no service for a while
    IDLE_ESCALATION = "idle_escalation"    # to his unit admin: still idle after K reminders
    CHECKLIST_LAG = "checklist_lag"        # to the member: "五个一" behind at a checkpoint
    ORDER_OVERDUE = "order_overdue"        # to community staff and the unit: deadline passed
    ACTIVITY_TOMORROW = "activity_tomorrow"  # to those signed up
    ANNOUNCEMENT = "announcement"          # to the members and residents an announcement reaches


class Reminder(db.Model):
    """One thing the daily pass decided to tell one person. The unique key
    (user, kind, subject, period) means a rerun or a concurrent pass adds nothing; `sent_at`
    is set when the reminder goes into that person's digest notification of the day (the
    notification whose dedupe_key is "digest:<that day>")."""

    __tablename__ = "reminder"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "kind", "subject_id", "period", name="uq_reminder_key"),
        sa.Index("ix_reminder_unsent", "user_id",
                 sqlite_where=sa.text("sent_at IS NULL"),
                 postgresql_where=sa.text("sent_at IS NULL")),
        sa.Index("ix_reminder_sent_at", "sent_at"),  # a digest collects its pass's reminders
        sa.Index("ix_reminder_idle_due", "due_on", "user_id",  # escalation counts idle ones
                 sqlite_where=sa.text("kind = 'idle'"), postgresql_where=sa.text("kind = 'idle'")),
        sa.Index("ix_reminder_escalation_subject", "subject_id",
                 sqlite_where=sa.text("kind = 'idle_escalation'"),
                 postgresql_where=sa.text("kind = 'idle_escalation'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    subject_id: Mapped[int] = mapped_column(default=0)  # member, order or activity; 0: none
    period: Mapped[str] = mapped_column(sa.String(20))
    due_on: Mapped[date] = mapped_column(sa.Date)  # the day of the digest that carries it
    text: Mapped[str] = mapped_column(sa.String(400))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReminderRun(db.Model):
    """The claim on one day's pass: inserted (primary key = day) before anything is sent, so
    however many schedulers run, one of them does a given day and the others do nothing."""

    __tablename__ = "reminder_run"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str] = mapped_column(sa.String(120), default="")
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    summary: Mapped[dict] = mapped_column(sa.JSON, default=dict)
