"""What places tells the domains above it (blinker signals: places never imports them)."""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

units_listed = _signals.signal("units-listed")
"""Sent by the admin's unit list with `unit_ids`; a receiver returns {unit_id: how many
communities the unit reported to} (registrations: 组织报到)."""


def unit_facts(unit_ids: list[int]) -> dict[int, int]:
    """{unit_id: communities it reported to}, from whoever listens (nothing: no counts)."""
    counts: dict[int, int] = {}
    for _receiver, answer in units_listed.send("places", unit_ids=unit_ids):
        counts.update(answer or {})
    return counts
