"""Places answers what auth asks about the place tree (auth sits below places and never
imports it): the scope predicates of app/auth/permissions.py read the tree through these."""
from __future__ import annotations

import sqlalchemy as sa

from app.auth.signals import account_scope_checked, place_asked, places_within, units_asked
from app.extensions import db
from app.places.models import Place
from app.places.services import check_account_scope, list_units


@place_asked.connect
def _place(_sender, place_id: int) -> Place | None:
    return db.session.get(Place, place_id)


@places_within.connect
def _places_within(_sender, path: str) -> sa.Select:
    return sa.select(Place.id).where(Place.path.like(path + "%"))


@account_scope_checked.connect
def _account_scope(_sender, role: str, place_id: int | None, unit_id: int | None) -> bool:
    check_account_scope(role, place_id, unit_id)
    return True


@units_asked.connect
def _units(_sender) -> list:
    return list_units()
