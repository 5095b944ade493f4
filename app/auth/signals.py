"""What auth tells, or asks, the domains above it (see app/signals.py)."""
from app.signals import signals

account_created = signals.signal("auth.account-created")
"""Sent with `user`, `actor` and `detail` when staff or an admin creates an account (audit)."""

member_communities = signals.signal("auth.member-communities")
"""Asked with `member_id` and `active_only`: the ids of the communities the member has a pending
or approved (active_only: an approved) registration with (registrations answers)."""

members_in_scope = signals.signal("auth.members-in-scope")
"""Asked with `viewer`: the ids of the members with a pending or approved registration inside
the viewer's scope (registrations answers)."""

account_changed = signals.signal("auth.account-changed")
"""Sent with `user`, `actor`, `action` (user.password_change, user.password_reset, user.disable,
user.enable), `detail` and `now` when an account's password or state changes (audit)."""

# The place tree (app/places) sits above auth: auth's scope predicates read it through these.

place_asked = signals.signal("auth.place")
"""Asked with `place_id`: the Place with that id, or None (places answers)."""

places_within = signals.signal("auth.places-within")
"""Asked with `path`: a SELECT of the ids of the places at or below that path (places answers)."""

account_scope_checked = signals.signal("auth.account-scope-checked")
"""Asked with `role`, `place_id` and `unit_id` when an account is created: True when the place
(or unit) suits the role, else Invalid naming the field is raised (places answers)."""

units_asked = signals.signal("auth.units")
"""Asked: every unit by name, for a member's choice of employer (places answers)."""
