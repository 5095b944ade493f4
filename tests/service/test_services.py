"""Service services: a verified record pays points per hour and, for a paired household, the
pairing help; a rejected one pays nothing; nobody verifies his own."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.errors import Forbidden, Invalid, NotFound
from app.extensions import db
from app.points.models import LedgerEntry
from app.service.models import ServiceRecord
from app.service.services import create_household, create_record, pair, verify_record
from tests.conftest import count


def ledger(member) -> list[tuple[str, int]]:
    return [(e.rule_key, e.points) for e in db.session.scalars(
        sa.select(LedgerEntry).where(LedgerEntry.member_id == member.id).order_by(LedgerEntry.id))]


def test_a_verified_record_for_a_paired_household_pays_hours_and_help(world, now):
    household = create_household(world.staff1, community_id=world.comm1.id, name="张阿婆", address="1栋")
    pair(world.staff1, household.id, world.member1.id)
    rec = create_record(world.member1, community_id=world.comm1.id, category="关爱老人",
                        started_at=now - timedelta(hours=3), hours=2, description="代买生活用品",
                        household_id=household.id, checklist_item="help_household", now=now)
    verify_record(world.staff1, rec.id, True, now=now)
    assert [key for key, _points in ledger(world.member1)] == ["service_hour", "pairing_help"]


def test_a_rejected_record_pays_nothing(world, now):
    rec = create_record(world.member1, community_id=world.comm1.id, category="守护平安",
                        started_at=now - timedelta(hours=3), hours=1, description="巡逻", now=now)
    verify_record(world.staff1, rec.id, False, "时间不符", now=now)
    assert ledger(world.member1) == [] and db.session.get(ServiceRecord, rec.id).status == "rejected"


@pytest.mark.parametrize("change, field", [
    ({"hours": 0}, "hours"), ({"description": " "}, "description"),
    ({"checklist_item": "help_household"}, "household_id"),
])
def test_bad_records_name_the_field_and_write_nothing(world, now, change, field):
    values = dict(community_id=world.comm1.id, category="守护平安", started_at=now - timedelta(hours=3),
                  hours=1, description="巡逻", now=now)
    with pytest.raises(Invalid) as err:
        create_record(world.member1, **{**values, **change})
    assert err.value.field == field and count(ServiceRecord) == 0


def test_staff_of_another_community_cannot_verify(world, now):
    rec = create_record(world.member1, community_id=world.comm1.id, category="守护平安",
                        started_at=now - timedelta(hours=3), hours=1, description="巡逻", now=now)
    with pytest.raises((Forbidden, NotFound)):
        verify_record(world.staff3, rec.id, True, now=now)
    assert ledger(world.member1) == []
