"""What registrations tells the domains above it (see app/signals.py)."""
from app.signals import signals

registration_approved = signals.signal("registrations.approved")
"""Sent with `registration` and `now` when staff approve a registration, before the member is
told (points: the member's totals follow him to his new community)."""
