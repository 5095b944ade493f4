"""双报到 registrations in bulk, for imports: the open registrations of many members in one
query, inserts and updates in a few statements."""
from __future__ import annotations

import sqlalchemy as sa

from app.database import update_by_id, utcnow
from app.extensions import db
from app.places.models import Unit
from app.registrations.models import OPEN_STATUSES, Registration, UnitRegistration, UnitResource
from app.registrations.resources import add_items, items_from_names


def open_registrations_of(member_ids: list[int]) -> dict:
    """{member id: his pending or approved registration} as rows of its columns, one query
    without joins."""
    if not member_ids:
        return {}
    columns = [getattr(Registration, name) for name in (
        "id", "member_id", "community_id", "grid_id", "address", "skills", "availability", "status")]
    stmt = sa.select(*columns).where(Registration.member_id.in_(member_ids),
                                     Registration.status.in_(OPEN_STATUSES))
    return {row.member_id: row for row in db.session.execute(stmt)}


def insert_registrations(rows: list[dict]) -> None:
    if rows:
        db.session.execute(sa.insert(Registration), rows)


def update_registrations(rows: list[dict]) -> None:
    """Bulk UPDATE by primary key: each dict holds `id` and the columns that changed."""
    update_by_id(db.session, Registration, rows)


# ---- 组织报到 (unit reporting) ---------------------------------------------------------------

def unit_registrations_by_pair() -> dict[tuple[int, int], UnitRegistration]:
    """{(unit id, community id): 组织报到}."""
    return {(reg.unit_id, reg.community_id): reg
            for reg in db.session.scalars(sa.select(UnitRegistration))}


def resource_names(reg: UnitRegistration) -> list[str]:
    """The names on the unit's resource list, as a spreadsheet cell lists them."""
    return [item.name for item in reg.resources]


def set_unit_resources(reg: UnitRegistration, resources: list[str]) -> None:
    """Makes the unit's list hold exactly these names: items it lacks are added (of a guessed
    kind), items not named are withdrawn, the others keep their details."""
    wanted = list(dict.fromkeys(resources))
    gone = [item.id for item in reg.resources if item.name not in wanted]
    if gone:
        db.session.execute(sa.update(UnitResource).where(UnitResource.id.in_(gone))
                           .values(withdrawn_at=utcnow()).execution_options(synchronize_session=False))
    have = set(resource_names(reg))
    add_items(reg.unit_id, items_from_names([name for name in wanted if name not in have]))
    db.session.expire(reg, ["resources"])


def add_unit_registration(unit: Unit, community_id: int, resources: list[str],
                          created_by_id: int | None) -> UnitRegistration:
    """组织报到 recorded by an import (the import checked the scope and audits itself)."""
    reg = UnitRegistration(unit_id=unit.id, community_id=community_id, created_by_id=created_by_id)
    db.session.add(reg)
    db.session.flush()
    set_unit_resources(reg, resources)
    return reg
