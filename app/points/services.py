"""The only way points change: award() and adjust() append to the ledger and bump the
cached total in the caller's transaction."""
from __future__ import annotations

import functools
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit.services import record
from app.auth.models import User
from app.auth.permissions import can_manage_member, require_view_member
from app.auth.roles import STAFF_LIKE
from app.clock import period_bounds, utcnow, year_of
from app.database import Duplicate, insert_unique, lock_pair, savepoint, upsert
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.i18n import N_
from app.places.models import Place
from app.points import spending
from app.points.models import ChecklistEvidence, LedgerEntry, PointsTotal, ScoringRule
from app.registrations.models import Registration, RegistrationStatus

CHECKLIST_ITEMS = ("grid_volunteer", "community_activity", "suggestion", "solve_problem",
                   "help_household")

ADJUSTMENT_TITLE = N_("人工调整")  # the ledger's title of an entry without a rule


def member_placement(member_id: int) -> dict:
    """The member's community, street and unit as copied onto his PointsTotal rows."""
    row = db.session.execute(
        sa.select(User.unit_id, Registration.community_id, Place.parent_id)
        .select_from(User)
        .outerjoin(Registration, sa.and_(Registration.member_id == User.id,
                                         Registration.status == RegistrationStatus.APPROVED))
        .outerjoin(Place, Place.id == Registration.community_id)
        .where(User.id == member_id)
    ).first()
    if row is None:
        return {"unit_id": None, "community_id": None, "street_id": None}
    return {"unit_id": row[0], "community_id": row[1], "street_id": row[2]}


def sync_member_place(member_id: int, now: datetime | None = None) -> None:
    """Moves the member's totals of this year (and later) to his current community, street
    and unit; earlier years stay where he served then. Called when a registration is approved."""
    db.session.execute(
        sa.update(PointsTotal)
        .where(PointsTotal.member_id == member_id, PointsTotal.year >= year_of(now or utcnow()))
        .values(**member_placement(member_id))
        .execution_options(synchronize_session=False)
    )


def _bump_total(member_id: int, year: int, points: int, now: datetime) -> None:
    stmt = upsert(PointsTotal).values(member_id=member_id, year=year, total=points, updated_at=now,
                                       **member_placement(member_id))
    stmt = stmt.on_conflict_do_update(
        index_elements=["member_id", "year"],
        set_={"total": PointsTotal.total + points, "updated_at": now},
    )
    db.session.execute(stmt)


def get_rule(key: str) -> ScoringRule:
    if not key or len(key) > 40 or not key.replace("_", "").isascii() or not key.replace("_", "").isalnum():
        raise NotFound(_("积分规则 %(key)s 不存在", key=repr(key)))
    rule = db.session.scalar(sa.select(ScoringRule).where(ScoringRule.key == key))
    if rule is None:
        raise NotFound(_("积分规则 %(key)s 不存在", key=key))
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
        with savepoint():
            db.session.add(entry)
            db.session.flush()
            _bump_total(member_id, year, points, now)
    except Duplicate:
        return None
    return entry


def _lock_member_rule(member_id: int, rule_id: int) -> None:
    """Serializes capped awards of one member and rule until the transaction ends, so racing
    awards cannot both fit under the cap. (SQLite writers are serialized by BEGIN IMMEDIATE.)"""
    lock_pair(5_000 + rule_id, member_id)


def used_in_period(member_id: int, rule: ScoringRule, now: datetime) -> int:
    """Points the member already earned by `rule` in the rule's cap period around `now`."""
    start, end = period_bounds(rule.cap_period, now)
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.points), 0)).where(
        LedgerEntry.member_id == member_id, LedgerEntry.rule_key == rule.key,
        LedgerEntry.created_at >= start, LedgerEntry.created_at < end)) or 0


def award(member_id: int, rule_key: str, *, source_type: str, source_id: int,
          quantity: float = 1, created_by_id: int | None = None, reason: str = "",
          key: str | None = None, now: datetime | None = None,
          points: int | None = None) -> LedgerEntry | None:
    """Pays `rule_key` for one piece of evidence, once: the idempotency key defaults to
    rule/source/member, so calling it again for the same evidence pays nothing (the unique
    key makes a concurrent duplicate fail in the database). `points` overrides the rule's
    amount (an activity's own points). A positive award is cut to what is left of the rule's
    cap for the period (day / month / year, local time); nothing left pays nothing."""
    rule = get_rule(rule_key)
    if not rule.is_active:
        return None
    now = now or utcnow()
    if points is None:
        points = round(rule.points * quantity) if rule.per_hour else rule.points
    if points > 0 and rule.cap_period and rule.cap_points:
        _lock_member_rule(member_id, rule.id)
        points = min(points, rule.cap_points - used_in_period(member_id, rule, now))
        if points <= 0:
            return None
    if points == 0:
        return None
    return append_entry(
        member_id=member_id, points=points, rule_key=rule_key, source_type=source_type,
        source_id=source_id, reason=reason or rule.title, created_by_id=created_by_id,
        idempotency_key=key or f"{rule_key}:{source_type}:{source_id}:{member_id}", now=now,
    )


def adjust(staff, member_id: int, points: int, reason: str, *, request_key: str | None = None,
           now: datetime | None = None) -> LedgerEntry:
    """A manual correction by staff over the member's community: a new entry with a reason and
    an author (audited). Members, unit admins and residents never adjust (403); a member the
    staff may not see is 404.

    `request_key` (chosen by the client, one per intended correction) makes a retry safe: the
    same staff sending the same key again gets the entry already written, not a second one;
    the key reused for a different correction is a 409. Without a key every call is a new entry."""
    if staff.role not in STAFF_LIKE:
        raise Forbidden(_("只有社区工作人员可以调整积分"))
    member = require_view_member(staff, member_id)
    if member.id == staff.id or not can_manage_member(staff, member):
        raise Forbidden(_("不在您的管辖范围"))
    if not reason or not reason.strip():
        raise Invalid("reason", _("请填写原因"))
    if points == 0:
        raise Invalid("points", _("积分不能为 0"))
    reason = reason.strip()
    now = now or utcnow()
    if request_key:
        key = f"adjust:{staff.id}:{request_key}"
    else:
        key = f"adjust:{staff.id}:{member_id}:{now.isoformat()}:{secrets.token_hex(8)}"
    entry = append_entry(
        member_id=member_id, points=points, rule_key="adjustment", source_type="adjustment",
        source_id=None, idempotency_key=key, reason=reason, created_by_id=staff.id, now=now,
    )
    if entry is None:  # this staff member already sent this request_key
        entry = db.session.scalar(sa.select(LedgerEntry).where(LedgerEntry.idempotency_key == key))
        if (entry.member_id, entry.points, entry.reason) != (member_id, points, reason):
            raise Conflict(_("request_key 已用于另一次调整"),
                           {"request_key": [_("已用于另一次调整")]})
        return entry
    record(staff, "points.adjust", entry, {"member_id": member_id, "points": points,
                                           "reason": reason}, now=now)
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
    return insert_unique(evidence)


def total_for(member_id: int, year: int) -> int:
    return db.session.scalar(sa.select(PointsTotal.total).where(
        PointsTotal.member_id == member_id, PointsTotal.year == year)) or 0


@functools.cache
def _entries_statement() -> sa.Select:
    """Built once (statement construction costs more than running it)."""
    from sqlalchemy.orm import aliased

    author = aliased(User)
    # plain rows, not LedgerEntry objects: a page is read, never changed
    return (sa.select(LedgerEntry.id, LedgerEntry.points, LedgerEntry.rule_key, LedgerEntry.reason,
                      LedgerEntry.source_type, LedgerEntry.source_id, LedgerEntry.created_at,
                      LedgerEntry.created_by_id, ScoringRule.title.label("rule_title"),
                      author.name.label("author_name"))
            .outerjoin(ScoringRule, ScoringRule.key == LedgerEntry.rule_key)
            .outerjoin(author, author.id == LedgerEntry.created_by_id)
            .where(LedgerEntry.member_id == sa.bindparam("member_id"),
                   LedgerEntry.year == sa.bindparam("year"))
            .order_by(LedgerEntry.id.desc())
            .limit(sa.bindparam("limit")).offset(sa.bindparam("offset")))


@functools.cache
def _summary_statement(with_balance: bool) -> sa.Select:
    """The year's total and the number of its entries (and the spend balance), in one statement."""
    member_id, year = sa.bindparam("member_id"), sa.bindparam("year")
    count = (sa.select(sa.func.count()).select_from(LedgerEntry)
             .where(LedgerEntry.member_id == member_id, LedgerEntry.year == year).scalar_subquery())
    total = (sa.select(PointsTotal.total)
             .where(PointsTotal.member_id == member_id, PointsTotal.year == year).scalar_subquery())
    columns = [count, sa.func.coalesce(total, 0)]
    if with_balance:
        columns += spending.balance_columns(member_id)
    return sa.select(*columns)


def entries_page(member_id: int, year: int, page: int = 1, page_size: int = 20, *,
                 with_balance: bool = False) -> dict:
    """The member's ledger for a year, newest first, with each entry's rule title and author:
    two queries whatever the size of the ledger (the total and count, one page). With
    `with_balance`, also the spend balance (earned, spent, balance) in the first of them."""
    summary = db.session.execute(_summary_statement(with_balance),
                                 {"member_id": member_id, "year": year}).one()
    count, total = summary[0], summary[1]
    rows = db.session.execute(_entries_statement(), {
        "member_id": member_id, "year": year, "limit": page_size,
        "offset": (page - 1) * page_size}).all()
    entries = [{
        "id": e.id, "points": e.points, "rule": e.rule_key,
        "rule_title": e.rule_title or (ADJUSTMENT_TITLE if e.rule_key == "adjustment" else e.rule_key),
        "reason": e.reason, "source_type": e.source_type, "source_id": e.source_id,
        "created_at": e.created_at, "created_by": e.author_name, "created_by_id": e.created_by_id,
    } for e in rows]
    answer = {"year": year, "total": total, "entries": entries, "entries_total": count or 0,
              "page": page, "page_size": page_size}
    if with_balance:
        answer.update(spending.balance(summary[2], summary[3]))
    return answer


def totals_for(member_ids, year: int) -> dict[int, int]:
    """{member_id: points} for a list of ids (each gets a value, 0 if none) or a SELECT of ids
    (only those with a total), from the cached totals in one query per 5,000 ids."""
    def query(ids):
        return db.session.execute(sa.select(PointsTotal.member_id, PointsTotal.total).where(
            PointsTotal.year == year, PointsTotal.member_id.in_(ids)))

    if isinstance(member_ids, sa.Select):
        return dict(query(member_ids).all())
    result = dict.fromkeys(member_ids, 0)
    ids = list(result)
    for i in range(0, len(ids), 5000):
        result.update(query(ids[i:i + 5000]).all())
    return result


def points_between(member_id: int, start: datetime, end: datetime) -> int:
    """The member's points earned in [start, end) (by when each entry was written)."""
    return int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.points), 0)).where(
        LedgerEntry.member_id == member_id, LedgerEntry.created_at >= start,
        LedgerEntry.created_at < end)) or 0)
