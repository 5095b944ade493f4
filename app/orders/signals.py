"""What orders tells and asks the domains above it (see app/signals.py)."""
from app.signals import signals

teams_for_order = signals.signal("orders.teams_for_order")
"""Asked with `order` on the staff's candidate ranking: service teams that could take it as
one, as dicts {id, name, specialities, member_count} (teams answer; none: no suggestion)."""

order_moved = signals.signal("orders.moved")
"""Sent by transition() after an order changed state, in the same transaction, with `order`
(its row as it is now), `before` (its unit_id and dispatched_at before the change), `actor`,
`action` and `now` (ratings: the units' need tallies follow)."""
