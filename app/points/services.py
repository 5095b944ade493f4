"""The only way points change: award() and adjust() append to the ledger and bump the
cached total in the caller's transaction."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.database import utcnow, year_of
from app.errors import Invalid, NotFound
from app.extensions import db
from app.points.models import ChecklistEvidence, LedgerEntry, PointsTotal, ScoringRule

CHECKLIST_ITEMS = ("grid_volunteer", "community_activity", "suggestion", "solve_problem",
                   "help_household")


def _upsert(model):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def _bump_total(member_id: int, year: int, points: int, now: datetime) -> None:
    stmt = _upsert(PointsTotal).values(member_id=member_id, year=year, total=points, updated_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=["member_id", "year"],
        set_={"total": PointsTotal.total + points, "updated_at": now},
    )
    db.session.execute(stmt)


def get_rule(key: str) -> ScoringRule:
    rule = db.session.scalar(sa.select(ScoringRule).where(ScoringRule.key == key))
    if rule is None:
        raise NotFound(f"scoring rule {key} not found")
    return rule


def append_entry(*, member_id: int, points: int, rule_key: str, source_type: str,
                 source_id: int | None, idempotency_key: str, reason: str = "",
                 created_by_id: int | None = None, now: datetime | None = None) -> LedgerEntry | None:
    """Inserts one ledger entry and bumps the total, atomically. Returns None when an entry
    with the same idempotency key already exists (a retry or a concurrent duplicate)."""
    now = now or utcnow()
    year = year_of(now)
    entry = LedgerEntry(
        member_id=member_id, year=year, points=points, rule_key=rule_key, reason=reason,
        source_type=source_type, source_id=source_id, idempotency_key=idempotency_key,
        created_at=now, created_by_id=created_by_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(entry)
            db.session.flush()
            _bump_total(member_id, year, points, now)
    except IntegrityError:
        return None
    return entry


def award(member_id: int, rule_key: str, *, source_type: str, source_id: int,
          quantity: float = 1, created_by_id: int | None = None, reason: str = "",
          key: str | None = None, now: datetime | None = None) -> LedgerEntry | None:
    """Pays `rule_key` for one piece of evidence, once: the idempotency key defaults to
    rule/source/member, so calling it again for the same evidence pays nothing."""
    rule = get_rule(rule_key)
    if not rule.is_active:
        return None
    points = round(rule.points * quantity) if rule.per_hour else rule.points
    if points == 0:
        return None
    return append_entry(
        member_id=member_id, points=points, rule_key=rule_key, source_type=source_type,
        source_id=source_id, reason=reason or rule.title, created_by_id=created_by_id,
        idempotency_key=key or f"{rule_key}:{source_type}:{source_id}:{member_id}", now=now,
    )


def adjust(staff, member_id: int, points: int, reason: str, *, request_key: str | None = None,
           now: datetime | None = None) -> LedgerEntry | None:
    """A manual correction by staff: a new entry with a reason and an author."""
    if not reason or not reason.strip():
        raise Invalid("reason", "reason is required")
    if points == 0:
        raise Invalid("points", "points must not be zero")
    now = now or utcnow()
    key = f"adjust:{request_key}" if request_key else f"adjust:{staff.id}:{member_id}:{now.isoformat()}"
    entry = append_entry(
        member_id=member_id, points=points, rule_key="adjustment", source_type="adjustment",
        source_id=None, idempotency_key=key, reason=reason.strip(), created_by_id=staff.id, now=now,
    )
    if entry is not None:
        record(staff, "points.adjust", entry, {"member_id": member_id, "points": points,
                                               "reason": reason.strip()}, now=now)
    return entry


def record_evidence(member_id: int, item_key: str, *, source_type: str, source_id: int,
                    note: str = "", now: datetime | None = None) -> ChecklistEvidence | None:
    """Ticks (towards) a checklist item with a fact; the same fact counts once."""
    now = now or utcnow()
    exists = db.session.scalar(sa.select(ChecklistEvidence.id).where(
        ChecklistEvidence.member_id == member_id, ChecklistEvidence.item_key == item_key,
        ChecklistEvidence.source_type == source_type, ChecklistEvidence.source_id == source_id,
    ))
    if exists:
        return None
    evidence = ChecklistEvidence(
        member_id=member_id, year=year_of(now), item_key=item_key, source_type=source_type,
        source_id=source_id, note=note, created_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(evidence)
            db.session.flush()
    except IntegrityError:
        return None
    return evidence


def total_for(member_id: int, year: int) -> int:
    return db.session.scalar(sa.select(PointsTotal.total).where(
        PointsTotal.member_id == member_id, PointsTotal.year == year)) or 0
