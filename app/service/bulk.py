"""Needy households in bulk, for imports."""
from __future__ import annotations

import sqlalchemy as sa

from app.clock import utcnow
from app.database import update_by_id
from app.extensions import db
from app.service.models import Household


def households_by_key(community_ids: list[int]) -> dict[tuple[int, str, str], Household]:
    """{(community id, name, address): active household} of the given communities."""
    if not community_ids:
        return {}
    stmt = sa.select(Household).where(Household.community_id.in_(community_ids),
                                      Household.is_active.is_(True))
    return {(h.community_id, h.name, h.address): h for h in db.session.scalars(stmt)}


def insert_households(rows: list[dict], created_by_id: int | None) -> None:
    if rows:
        now = utcnow()
        db.session.execute(sa.insert(Household), [
            {"is_active": True, "created_by_id": created_by_id, "created_at": now, **row} for row in rows])


def update_households(rows: list[dict]) -> None:
    update_by_id(db.session, Household, rows)
