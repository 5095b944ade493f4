"""Recording staff and admin actions. Append-only."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.auth.models import Role, User
from app.auth.permissions import place_scope
from app.clock import utcnow
from app.extensions import db


def record(actor, action: str, target=None, detail: dict | None = None,
           now: datetime | None = None) -> AuditEntry:
    """Adds one audit entry in the caller's transaction; `target` is a model instance or None."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=target.__tablename__ if target is not None else "",
        target_id=getattr(target, "id", None),
        detail=detail or {},
        created_at=now or utcnow(),
    )
    db.session.add(entry)
    return entry


def visible_entries(viewer):
    """A select of the entries the viewer may read, newest first: everything for system
    admins; for street and district admins, what accounts scoped inside their place did."""
    stmt = sa.select(AuditEntry).order_by(AuditEntry.id.desc())
    if viewer.role == Role.ADMIN:
        return stmt
    if viewer.role == Role.STREET_ADMIN:
        actors = sa.select(User.id).where(place_scope(viewer, User.place_id))
        return stmt.where(AuditEntry.actor_id.in_(actors))
    return stmt.where(sa.false())
