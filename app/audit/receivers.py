"""Audit records what the layers below it announce (they never import audit)."""
from app.audit.services import record
from app.auth.signals import account_changed, account_created
from app.places.signals import place_created, unit_created


@account_created.connect
def _account_created(_sender, user, actor, detail) -> None:
    record(actor, "user.create", user, detail)


@account_changed.connect
def _account_changed(_sender, user, actor, action, detail, now) -> None:
    record(actor, action, user, detail, now=now)


@place_created.connect
def _place_created(_sender, place, actor, detail) -> None:
    record(actor, "place.create", place, detail)


@unit_created.connect
def _unit_created(_sender, unit, actor, detail) -> None:
    record(actor, "unit.create", unit, detail)
