"""Years and days are Asia/Shanghai (UTC+8): the last hours of 31 December UTC are already the
new year for the people using the platform."""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.points.checklist import checklist_for
from app.points.models import LedgerEntry, ScoringRule
from app.points.services import award, record_evidence, total_for
from app.ratings.services import check_year
from app.service.services import hours_for
from tests.conftest import count

LATE_2026 = datetime(2026, 12, 31, 15, 30, tzinfo=UTC)   # 23:30 on 31 December, local time
EARLY_2027 = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 00:30 on 1 January, local time


def test_an_award_belongs_to_the_local_year(world):
    late = award(world.member1.id, "order_completed", source_type="order", source_id=1, now=LATE_2026)
    early = award(world.member1.id, "order_completed", source_type="order", source_id=2, now=EARLY_2027)
    assert (late.year, early.year) == (2026, 2027)
    assert total_for(world.member1.id, 2026) == total_for(world.member1.id, 2027) == late.points


def test_checklist_evidence_counts_in_the_local_year(world):
    record_evidence(world.member1.id, "suggestion", source_type="suggestion", source_id=1, now=EARLY_2027)
    assert checklist_for(world.member1.id, 2026)["completed"] == 0
    items = {i["key"]: i for i in checklist_for(world.member1.id, 2027)["items"]}
    assert items["suggestion"]["done"]


def test_a_daily_cap_resets_at_local_midnight(world):
    from app.extensions import db

    rule = db.session.scalar(sa.select(ScoringRule).where(ScoringRule.key == "order_completed"))
    rule.cap_period, rule.cap_points = "day", rule.points
    db.session.flush()
    assert award(world.member1.id, "order_completed", source_type="order", source_id=1, now=LATE_2026)
    capped = award(world.member1.id, "order_completed", source_type="order", source_id=2,
                   now=LATE_2026 + timedelta(minutes=20))  # 23:50 the same local day
    assert capped is None
    assert award(world.member1.id, "order_completed", source_type="order", source_id=3, now=EARLY_2027)
    assert count(LedgerEntry, LedgerEntry.member_id == world.member1.id) == 2


def test_service_hours_count_in_the_year_the_service_was_done_locally(world):
    from app.service import services

    rec = services.create_record(world.member1, community_id=world.comm1.id, category="助老", hours=2,
                                 started_at=EARLY_2027, description="元旦陪老人",
                                 now=EARLY_2027 + timedelta(hours=3))
    services.verify_record(world.staff1, rec.id, True, now=EARLY_2027 + timedelta(hours=4))
    assert hours_for([world.member1.id], 2026)[world.member1.id] == 0
    assert hours_for([world.member1.id], 2027)[world.member1.id] == 2


def test_the_new_local_year_may_be_rated_on_its_first_morning(world):
    assert check_year(2027, now=EARLY_2027) == 2027
