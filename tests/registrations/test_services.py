"""Registrations services: approval moves the member's points (through the signal points
subscribes to), and 组织报到 (unit reporting) with its scope and duplicates."""
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.errors import Conflict, Forbidden, Invalid
from app.extensions import db
from app.points.models import PointsTotal
from app.points.services import adjust
from app.registrations import services
from app.registrations.models import UnitRegistration
from app.registrations.signals import registration_approved
from app.registrations.units import has_reported, register_unit, reported_unit_ids, reported_units
from tests.conftest import count


def test_approving_a_transfer_moves_this_years_points_to_the_new_community(world):
    adjust(world.staff1, world.member1.id, 10, "活动补录")
    total = db.session.get(PointsTotal, (world.member1.id, datetime.now(UTC).year))
    assert total.community_id == world.comm1.id
    old = services.open_registration(world.member1.id)
    new = services.transfer(world.member1, old.id, community_id=world.comm3.id, address="光孝路1号")
    heard = []

    def listen(_sender, registration, now):
        heard.append(registration.id)

    with registration_approved.connected_to(listen):
        services.approve(world.staff3, new.id)
    db.session.expire_all()
    total = db.session.get(PointsTotal, (world.member1.id, datetime.now(UTC).year))
    assert (total.community_id, total.street_id, total.total) == (world.comm3.id, world.street2.id, 10)
    assert heard == [new.id]


def test_units_report_once_per_community_inside_the_callers_scope(world):
    reg = register_unit(unit=world.unit1, community_id=world.comm1.id, resources=[" 义诊 ", ""],
                        actor=world.staff1)
    assert [(r.kind, r.name) for r in reg.resources] == [("professional", "义诊")]
    assert has_reported(world.unit1.id, world.comm1.id)
    assert not has_reported(world.unit1.id, world.comm2.id)
    assert reported_unit_ids(world.comm1.id) == {world.unit1.id}
    assert [u.name for u in reported_units(world.comm1.id)] == [world.unit1.name]
    audited = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "unit.register"))
    assert audited.detail == {"unit_id": world.unit1.id, "community_id": world.comm1.id}
    with pytest.raises(Conflict):
        register_unit(unit=world.unit1, community_id=world.comm1.id, resources=["义诊"], actor=world.admin)
    with pytest.raises(Forbidden):
        register_unit(unit=world.unit2, community_id=world.comm3.id, resources=["义诊"], actor=world.staff1)
    with pytest.raises(Invalid) as err:
        register_unit(unit=world.unit2, community_id=world.comm1.id, resources=[" "], actor=world.staff1)
    assert err.value.field == "resources" and count(UnitRegistration) == 1
