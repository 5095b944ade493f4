"""Places and units read whole for imports: a district has a few thousand places and units,
so an import resolves names against these maps instead of a query per row."""
from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.places.models import Place, Unit


def all_places() -> list[Place]:
    return list(db.session.scalars(sa.select(Place).order_by(Place.path)))


def units_by_name() -> dict[str, Unit]:
    return {unit.name: unit for unit in db.session.scalars(sa.select(Unit))}


def set_unit_kind(unit: Unit, kind: str) -> None:
    unit.kind = kind
    db.session.flush()
