"""Who has served lately: a member approved long enough ago with no service evidence (ledger
entries from service sources) in the last REMINDER_IDLE_NO_SERVICE_DAYS is idle. The reminder
pass reminds idle members; the statistics count them; both read the rule here."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.auth.models import User
from app.clock import day_start
from app.extensions import db  # noqa: F401  (the models' metadata)
from app.points.models import SERVICE_SOURCE_TYPES, LedgerEntry
from app.registrations.models import Registration, RegistrationStatus


def approved_members() -> sa.Select:
    """Active members with an approved registration (the Registration and User rows)."""
    return (sa.select(Registration.member_id).select_from(Registration)
            .join(User, User.id == Registration.member_id)
            .where(Registration.status == RegistrationStatus.APPROVED, User.is_active.is_(True)))


def approved_before(today: date) -> datetime:
    """Approved on or before today - REMINDER_IDLE_APPROVED_DAYS."""
    days = current_app.config["REMINDER_IDLE_APPROVED_DAYS"]
    return day_start(today - timedelta(days=days - 1))


def idle_conditions(today: date) -> tuple:
    """WHERE clauses (over Registration) for a member approved long enough and without any
    service evidence (ledger entries from service sources) in the last M days."""
    since = day_start(today - timedelta(days=current_app.config["REMINDER_IDLE_NO_SERVICE_DAYS"]))
    served = sa.exists().where(LedgerEntry.member_id == Registration.member_id,
                               LedgerEntry.source_type.in_(SERVICE_SOURCE_TYPES),
                               LedgerEntry.created_at >= since)
    return (Registration.approved_at < approved_before(today), ~served)
