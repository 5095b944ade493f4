"""Service records, suggestions, needy households and pairings. Services flush; callers commit."""
from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.points.periods import year_bounds
from app.service.models import RecordStatus, ServiceRecord


def hours_for(member_ids, year: int) -> dict[int, float]:
    """Verified service hours per member in `year` (by the service's start, local time).
    `member_ids` is a list (every id gets a value, 0.0 if none) or a SELECT of ids; one query."""
    start, end = year_bounds(year)

    def query(ids):
        return db.session.execute(
            sa.select(ServiceRecord.member_id, sa.func.sum(ServiceRecord.hours))
            .where(ServiceRecord.status == RecordStatus.VERIFIED,
                   ServiceRecord.started_at >= start, ServiceRecord.started_at < end,
                   ServiceRecord.member_id.in_(ids))
            .group_by(ServiceRecord.member_id))

    if isinstance(member_ids, sa.Select):
        return {m: float(h or 0) for m, h in query(member_ids)}
    result = dict.fromkeys(member_ids, 0.0)
    ids = list(result)
    for i in range(0, len(ids), 5000):
        for member_id, hours in query(ids[i:i + 5000]):
            result[member_id] = float(hours or 0)
    return result
