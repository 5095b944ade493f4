"""What orders asks the domains above it (see app/signals.py)."""
from app.signals import signals

teams_for_order = signals.signal("orders.teams_for_order")
"""Asked with `order` on the staff's candidate ranking: service teams that could take it as
one, as dicts {id, name, specialities, member_count} (teams answer; none: no suggestion)."""
