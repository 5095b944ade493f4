"""Registrations answers what auth and places ask about members and units (they never import
registrations)."""
from __future__ import annotations

import sqlalchemy as sa

from app.auth.permissions import place_scope
from app.auth.signals import member_communities, members_in_scope
from app.extensions import db
from app.places.signals import units_listed
from app.registrations.models import Registration, RegistrationStatus
from app.registrations.units import registration_counts

CURRENT = (RegistrationStatus.PENDING, RegistrationStatus.APPROVED)


# Asked by every GET /api/v1/me (the member's scope): built once, the statuses written in (an
# expanding IN is rewritten for every execution).
_COMMUNITIES = {active_only: sa.select(Registration.community_id).where(
    Registration.member_id == sa.bindparam("member_id"),
    Registration.status.in_([sa.literal_column(f"'{s}'") for s in statuses]))
    for active_only, statuses in ((True, [RegistrationStatus.APPROVED]), (False, CURRENT))}


@member_communities.connect
def _member_communities(_sender, member_id: int, active_only: bool = False) -> list[int]:
    return list(db.session.scalars(_COMMUNITIES[active_only], {"member_id": member_id}))


@members_in_scope.connect
def _members_in_scope(_sender, viewer) -> frozenset[int]:
    return frozenset(db.session.scalars(sa.select(Registration.member_id).where(
        Registration.status.in_(CURRENT), place_scope(viewer, Registration.community_id))))


@units_listed.connect
def _units_listed(_sender, unit_ids: list[int]) -> dict[int, int]:
    return registration_counts(unit_ids)
