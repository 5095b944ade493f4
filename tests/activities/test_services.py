"""Activities services: attendance pays points and ticks the checklist once; sign-ups respect
capacity and the member's community; bad input names the field."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.activities.models import Activity
from app.activities.services import create_activity, record_attendance, sign_up
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.notifications.models import Notification
from app.points.models import ChecklistEvidence, LedgerEntry
from tests.conftest import count


def activity(world, now, **kw):
    values = dict(community_id=world.comm1.id, title="清理楼道", category="洁净家园",
                  starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(hours=1), capacity=1)
    return create_activity(world.staff1, **{**values, **kw}, now=now - timedelta(days=1))


def test_attendance_pays_once_and_ticks_the_checklist(world, now):
    a = activity(world, now)
    sign_up(world.member1, a.id, now=now - timedelta(hours=2))
    for _ in range(2):
        record_attendance(world.staff1, a.id, world.member1.id, now=now)
    entries = db.session.scalars(
        sa.select(LedgerEntry).where(LedgerEntry.member_id == world.member1.id)).all()
    assert [(e.source_type, e.points) for e in entries] == [("attendance", a.points)]
    assert count(ChecklistEvidence, ChecklistEvidence.member_id == world.member1.id) == 1


def test_capacity_and_community_are_kept(world, now):
    a = activity(world, now)
    sign_up(world.member1, a.id, now=now - timedelta(hours=2))
    with pytest.raises(Conflict):
        sign_up(world.member2, a.id, now=now - timedelta(hours=2))  # full
    with pytest.raises((Forbidden, NotFound)):
        sign_up(world.member3, a.id, now=now - timedelta(hours=2))  # lives in comm3


@pytest.mark.parametrize("change, field", [
    ({"title": " "}, "title"), ({"capacity": 0}, "capacity"), ({"checklist_item": "nope"}, "checklist_item"),
])
def test_bad_activities_name_the_field_and_write_nothing(world, now, change, field):
    with pytest.raises(Invalid) as err:
        activity(world, now, **change)
    assert err.value.field == field and count(Activity) == 0


def test_staff_outside_the_community_cannot_create(world, now):
    with pytest.raises((Forbidden, NotFound)):
        create_activity(world.staff3, community_id=world.comm1.id, title="越权", category="洁净家园",
                        starts_at=now, ends_at=now + timedelta(hours=1), capacity=5)
    assert count(Activity) == 0 and count(Notification) == 0
