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
