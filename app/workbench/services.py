"""What waits for a staff member or an admin, counted in their scope in one statement (each
count a scalar subquery of the same query the queue page lists), whatever the numbers."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.orders.models import OrderStatus
from app.orders.queries import OPEN, list_orders
from app.registrations.models import RegistrationStatus
from app.registrations.services import list_registrations
from app.service.models import RecordStatus, SuggestionStatus
from app.service.services import list_records, list_suggestions


def _counted(stmt: sa.Select):
    return (stmt.with_only_columns(sa.func.count(), maintain_column_froms=True).order_by(None)
            .scalar_subquery())


def to_do_counts(user: User, now: datetime | None = None) -> dict[str, int]:
    """{registrations, submitted, due_soon, overdue, records, suggestions, to_rate}: pending
    registrations, needs waiting for dispatch, open needs due within a day and past their
    deadline, service records and suggestions to decide, completed needs waiting for a rating."""
    now = now or utcnow()
    counts = {
        "registrations": list_registrations(user, status=RegistrationStatus.PENDING),
        "submitted": list_orders(user, status=OrderStatus.SUBMITTED, now=now),
        "due_soon": list_orders(user, status=OPEN, due_soon=True, now=now),
        "overdue": list_orders(user, overdue=True, now=now),
        "records": list_records(user, status=RecordStatus.PENDING),
        "suggestions": list_suggestions(user, status=SuggestionStatus.PENDING),
        "to_rate": list_orders(user, status=OrderStatus.COMPLETED, now=now),
    }
    row = db.session.execute(sa.select(*(_counted(stmt).label(key) for key, stmt in counts.items()))).one()
    return {key: row[i] or 0 for i, key in enumerate(counts)}
