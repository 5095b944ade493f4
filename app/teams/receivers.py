"""Teams answer what lower domains ask (app/signals.py)."""

from app.orders.signals import teams_for_order
from app.teams.services import teams_for_order as suggest


@teams_for_order.connect
def suggest_teams(_sender, order, **_kw):
    return [
        {"id": t.id, "name": t.name, "specialities": list(t.specialities), "member_count": t.member_count}
        for t in suggest(order)
    ]
