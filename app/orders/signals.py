"""What orders tells the domains above it (see app/signals.py)."""
from app.signals import signals

order_moved = signals.signal("orders.moved")
"""Sent by transition() after an order changed state, in the same transaction, with `order`
(its row as it is now), `before` (its unit_id and dispatched_at before the change), `actor`,
`action` and `now` (ratings: the units' need tallies follow)."""
