"""The "五个一" checklist is computed only from evidence rows, set-based."""
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app.clock import LOCAL_TZ
from app.extensions import db
from app.points.checklist import ITEM_KEYS, checklist_for, completion_for
from app.points.models import ChecklistEvidence, ChecklistItem
from app.points.services import record_evidence
from app.registrations.models import Registration
from app.service.models import ServiceRecord
from app.service.services import hours_for

NOW = datetime(2026, 6, 1, 4, tzinfo=UTC)


def test_completion_counts_only_evidence(world):
    w = world
    assert completion_for([w.member1.id, w.member2.id], 2026) == {
        w.member1.id: (0, 5), w.member2.id: (0, 5)}
    record_evidence(w.member1.id, "grid_volunteer", source_type="service_record", source_id=1, now=NOW)
    record_evidence(w.member1.id, "suggestion", source_type="suggestion", source_id=2, now=NOW)
    # the same fact twice counts once
    assert record_evidence(w.member1.id, "suggestion", source_type="suggestion", source_id=2,
                           now=NOW) is None
    result = completion_for([w.member1.id, w.member2.id], 2026)
    assert result == {w.member1.id: (2, 5), w.member2.id: (0, 5)}
    assert completion_for([w.member1.id], 2025) == {w.member1.id: (0, 5)}


def test_completion_accepts_a_select_of_ids(world):
    w = world
    record_evidence(w.member2.id, "solve_problem", source_type="order", source_id=7, now=NOW)
    ids = sa.select(Registration.member_id).where(Registration.community_id == w.comm1.id)
    result = completion_for(ids, 2026)
    assert result[w.member2.id] == (1, 5)
    assert result[w.member1.id] == (0, 5)
    assert w.member3.id not in result


def test_street_configuration_overrides_default(world):
    w = world
    db.session.add_all([
        ChecklistItem(place_id=w.street1.id, year=2026, key="community_activity", title="参加两次活动",
                      required=2, position=1),
        ChecklistItem(place_id=w.street1.id, year=2026, key="suggestion", title="提一条建议",
                      required=1, position=2),
    ])
    db.session.flush()
    record_evidence(w.member1.id, "community_activity", source_type="attendance", source_id=1, now=NOW)
    record_evidence(w.member3.id, "community_activity", source_type="attendance", source_id=1, now=NOW)
    result = completion_for([w.member1.id, w.member3.id], 2026)
    assert result[w.member1.id] == (0, 2)  # one of two required attendances
    assert result[w.member3.id] == (1, 5)  # street2 keeps the default five
    record_evidence(w.member1.id, "community_activity", source_type="attendance", source_id=2, now=NOW)
    assert completion_for([w.member1.id], 2026)[w.member1.id] == (1, 2)
    detail = checklist_for(w.member1.id, 2026)
    assert [i["key"] for i in detail["items"]] == ["community_activity", "suggestion"]
    assert detail["items"][0]["done"] and detail["items"][0]["count"] == 2


def test_checklist_for_lists_evidence_per_item(world):
    w = world
    detail = checklist_for(w.member1.id, 2026)
    assert [i["key"] for i in detail["items"]] == list(ITEM_KEYS)
    assert detail["completed"] == 0 and detail["total"] == 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ChecklistEvidence)) == 0


def test_hours_for_counts_verified_only(world):
    w = world
    for status, hours in (("verified", 2.5), ("verified", 1.0), ("pending", 4.0), ("rejected", 3.0)):
        db.session.add(ServiceRecord(member_id=w.member1.id, community_id=w.comm1.id, category="x",
                                     started_at=NOW, hours=hours, description="d", status=status))
    db.session.add(ServiceRecord(member_id=w.member1.id, community_id=w.comm1.id, category="x",
                                 started_at=datetime(2025, 6, 1, tzinfo=UTC), hours=9,
                                 description="d", status="verified"))
    db.session.flush()
    assert hours_for([w.member1.id, w.member2.id], 2026) == {w.member1.id: 3.5, w.member2.id: 0.0}
    assert hours_for(sa.select(Registration.member_id), 2025) == {w.member1.id: 9.0}


def _flows(w, now):
    """One real flow per checklist item, each producing exactly its evidence."""
    from datetime import timedelta

    from app.activities.services import create_activity, record_attendance
    from app.service.services import (
        create_household,
        create_record,
        create_suggestion,
        decide_suggestion,
        pair,
        verify_record,
    )

    def grid_volunteer():
        rec = create_record(w.member1, community_id=w.comm1.id, category="守护平安", hours=2,
                            started_at=now - timedelta(hours=3), description="巡逻",
                            checklist_item="grid_volunteer", now=now)
        verify_record(w.staff1, rec.id, True, now=now)

    def community_activity():
        a = create_activity(w.staff1, community_id=w.comm1.id, title="t", category="c",
                            starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1),
                            capacity=5, now=now)
        record_attendance(w.staff1, a.id, w.member1.id, now=now)

    def suggestion():
        s = create_suggestion(w.member1, community_id=w.comm1.id, title="t", body="b", now=now)
        decide_suggestion(w.staff1, s.id, True, now=now)

    def solve_problem():  # what the orders domain writes when an order closes
        record_evidence(w.member1.id, "solve_problem", source_type="order", source_id=1, now=now)

    def help_household():
        h = create_household(w.staff1, community_id=w.comm1.id, name="n", address="a", now=now)
        pair(w.staff1, h.id, w.member1.id, now=now)
        rec = create_record(w.member1, community_id=w.comm1.id, category="关爱老人", hours=1,
                            started_at=now - timedelta(hours=2), description="买菜", household_id=h.id,
                            now=now)
        verify_record(w.staff1, rec.id, True, now=now)

    return {f.__name__: f for f in (grid_volunteer, community_activity, suggestion, solve_problem,
                                    help_household)}


@pytest.mark.parametrize("item", ITEM_KEYS)
def test_each_item_ticks_from_its_own_evidence_only(world, item):
    now = datetime.now(UTC)
    _flows(world, now)[item]()
    detail = checklist_for(world.member1.id, now.astimezone(LOCAL_TZ).year)
    assert [i["key"] for i in detail["items"] if i["done"]] == [item]
    assert completion_for([world.member2.id], now.astimezone(LOCAL_TZ).year)[world.member2.id] == (0, 5)


def test_nothing_but_evidence_ticks(world):
    """Points, sign-ups, pending or rejected records, declined suggestions and a bare pairing
    tick nothing."""
    from datetime import timedelta

    from app.activities.services import create_activity, sign_up
    from app.points.services import adjust, award
    from app.service.services import (
        create_household,
        create_record,
        create_suggestion,
        decide_suggestion,
        pair,
        verify_record,
    )

    w, now = world, datetime.now(UTC)
    award(w.member1.id, "order_completed", source_type="order", source_id=5, now=now)
    adjust(w.staff1, w.member1.id, 10, "奖励", now=now)
    a = create_activity(w.staff1, community_id=w.comm1.id, title="t", category="c",
                        starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2),
                        capacity=5, now=now)
    sign_up(w.member1, a.id, now=now)
    pending = create_record(w.member1, community_id=w.comm1.id, category="c", hours=1,
                            started_at=now - timedelta(hours=2), description="d",
                            checklist_item="grid_volunteer", now=now)
    rejected = create_record(w.member1, community_id=w.comm1.id, category="c", hours=1,
                             started_at=now - timedelta(hours=2), description="d",
                             checklist_item="grid_volunteer", now=now)
    verify_record(w.staff1, rejected.id, False, "不实", now=now)
    s = create_suggestion(w.member1, community_id=w.comm1.id, title="t", body="b", now=now)
    decide_suggestion(w.staff1, s.id, False, "不合适", now=now)
    h = create_household(w.staff1, community_id=w.comm1.id, name="n", address="a", now=now)
    pair(w.staff1, h.id, w.member1.id, now=now)
    assert pending.status == "pending"
    assert completion_for([w.member1.id], now.astimezone(LOCAL_TZ).year)[w.member1.id] == (0, 5)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ChecklistEvidence)) == 0
