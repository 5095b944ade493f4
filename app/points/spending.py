"""Spending points (积分兑换): a spend balance = earned − spent, beside the ledger, never in it.

Earned points are the ledger's (every year's total); spent points are an append-only list of
spend entries (refunds are negative entries) with a cached sum per member. Spending never
lowers the earned total or a leaderboard. A spend is one conditional UPDATE of the member's
balance row (`spent + cost <= earned`): two spends of one member wait for each other there,
so the balance can never go below zero, whatever the concurrency. Services flush; the caller
commits."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.clock import utcnow
from app.database import upsert
from app.errors import Conflict
from app.extensions import db
from app.points.models import PointsTotal, SpendBalance, SpendEntry


def earned_total(member_id: int) -> int:
    """Every point the member ever earned (the sum of his yearly totals)."""
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(PointsTotal.total), 0))
                             .where(PointsTotal.member_id == member_id)) or 0


def spent_total(member_id: int) -> int:
    return db.session.scalar(sa.select(SpendBalance.spent).where(SpendBalance.member_id == member_id)) or 0


def balance_columns(member_id) -> tuple:
    """The member's earned and spent points as two scalar subqueries (two indexed look-ups),
    for a statement to select beside what else it asks (`balance(earned, spent)` reads them)."""
    earned = (sa.select(sa.func.coalesce(sa.func.sum(PointsTotal.total), 0))
              .where(PointsTotal.member_id == member_id).scalar_subquery())
    spent = sa.select(SpendBalance.spent).where(SpendBalance.member_id == member_id).scalar_subquery()
    return earned, sa.func.coalesce(spent, 0)


def balance(earned: int, spent: int) -> dict:
    return {"earned": earned, "spent": spent, "balance": earned - spent}


def balance_of(member_id: int) -> dict:
    """{earned, spent, balance} of one member, in one statement."""
    return balance(*db.session.execute(sa.select(*balance_columns(member_id))).one())


def _entry(member_id: int, points: int, key: str, source_type: str, source_id: int | None,
           now: datetime) -> SpendEntry:
    entry = SpendEntry(member_id=member_id, points=points, source_type=source_type,
                       source_id=source_id, idempotency_key=key, created_at=now)
    db.session.add(entry)
    db.session.flush()
    return entry


def spend(member_id: int, points: int, *, key: str, source_type: str, source_id: int | None,
          now: datetime | None = None) -> SpendEntry:
    """Spends `points` (> 0) of the member's balance, or raises Conflict naming `points` when
    the balance is short. The caller makes `key` unique per spend (a redemption's id)."""
    db.session.execute(upsert(SpendBalance).values(member_id=member_id, spent=0)
                       .on_conflict_do_nothing(index_elements=["member_id"]))
    earned = earned_total(member_id)
    moved = db.session.execute(
        sa.update(SpendBalance)
        .where(SpendBalance.member_id == member_id, SpendBalance.spent + points <= earned)
        .values(spent=SpendBalance.spent + points)
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        message = _("积分余额不足（可用 %(balance)s 分，需要 %(points)s 分）",
                    balance=earned - spent_total(member_id), points=points)
        raise Conflict(message, {"points": [message]})
    return _entry(member_id, points, key, source_type, source_id, now or utcnow())


def refund(member_id: int, points: int, *, key: str, source_type: str, source_id: int | None,
           now: datetime | None = None) -> SpendEntry:
    """Gives back `points` (> 0) spent before (a cancelled redemption): a negative entry."""
    db.session.execute(sa.update(SpendBalance).where(SpendBalance.member_id == member_id)
                       .values(spent=SpendBalance.spent - points)
                       .execution_options(synchronize_session=False))
    return _entry(member_id, -points, key, source_type, source_id, now or utcnow())
