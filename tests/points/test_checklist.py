"""The "五个一" checklist is computed only from evidence rows, set-based."""
from datetime import UTC, datetime

import sqlalchemy as sa

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
