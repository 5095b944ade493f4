"""What places tells, or asks, the domains above it (see app/signals.py)."""
from __future__ import annotations

from app.signals import ask, signals

place_created = signals.signal("places.place-created")
"""Sent with `place`, `actor` and `detail` when an admin adds a place (audit)."""

unit_created = signals.signal("places.unit-created")
"""Sent with `unit`, `actor` and `detail` when an admin adds a unit (audit)."""

units_listed = signals.signal("places.units-listed")
"""Asked with `unit_ids` by the admin's unit list: {unit_id: how many communities the unit
reported to} (registrations answers: 组织报到)."""


def unit_facts(unit_ids: list[int]) -> dict[int, int]:
    """{unit_id: communities it reported to}; {} when nobody answers."""
    return ask(units_listed, "places", unit_ids=unit_ids) or {}
