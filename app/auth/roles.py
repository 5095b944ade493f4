"""Role groups, named once: who counts as staff, as an admin, and so on. Every role check and
`roles_required(...)` outside app/auth/models.py uses these (or a single Role)."""
from __future__ import annotations

from app.auth.models import Role

STAFF_LIKE = (Role.STAFF, Role.STREET_ADMIN, Role.ADMIN)
"""Community staff and those above them (street admins, system admins)."""

ADMINS = (Role.STREET_ADMIN, Role.ADMIN)
"""Street and system admins: rules, checklists, rating thresholds, accounts, the audit log."""

PLACE_STAFF = (Role.STAFF, Role.STREET_ADMIN)
"""The staff bound to a place, who act inside its subtree (system admins act everywhere)."""

COMMUNITY_PLACED = (Role.STAFF, Role.RESIDENT)
"""Accounts placed in a community or grid."""

STREET_MANAGED = (Role.STAFF, Role.RESIDENT, Role.STREET_ADMIN)
"""The placed accounts a street admin manages inside his street (with the members there)."""

UNIT_SIDE = (Role.MEMBER, Role.UNIT_ADMIN)
"""Members and the admins of their employer (unit)."""

UNIT_RATERS = (Role.UNIT_ADMIN, Role.ADMIN)
"""Who rates members for their unit (the unit's admin, or a system admin)."""

MEMBER_OR_STAFF = (Role.MEMBER, *STAFF_LIKE)

STAFF_OR_UNIT_ADMIN = (*STAFF_LIKE, Role.UNIT_ADMIN)

BOARD_ROLES = (*UNIT_SIDE, *STAFF_LIKE)
"""Who sees leaderboards and points of others: members, unit admins and staff."""

ANYONE = tuple(Role)
