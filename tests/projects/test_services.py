"""Project services: claims hold the places, sign-ups the slots, closing pays once; the
figures other domains read (delivered_counts, hours_for)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.errors import Conflict, Forbidden, Invalid
from app.extensions import db
from app.points.models import ChecklistEvidence, LedgerEntry, PointsTotal
from app.projects import services
from app.projects.models import ClaimStatus, ProjectClaim, ProjectStatus
from tests.conftest import count
from tests.projects.conftest import post_project


def _close(world, project, **kw):
    return services.close_project(world.staff1, project.id, "三栋楼意见征集完成", **kw)


def test_a_unit_claims_with_resources_and_the_last_place_makes_the_project_full(cob):
    claim = services.claim_project(
        cob.unit_admin1, cob.project.id, unit_id=cob.unit1.id, resource_ids=cob.res1
    )
    assert claim.status == ClaimStatus.PENDING and [r.name for r in claim.resources] == [
        "二楼会议室",
        "法律咨询",
    ]
    assert cob.project.status == ProjectStatus.FULL and cob.project.places_left == 0
    with pytest.raises(Conflict):
        services.claim_project(cob.unit_admin2, cob.project.id, unit_id=cob.unit2.id)
    assert count(ProjectClaim) == 1


def test_a_declined_claim_frees_its_place(cob):
    claim = services.claim_project(cob.unit_admin1, cob.project.id, unit_id=cob.unit1.id)
    services.decide_claim(cob.staff1, cob.project.id, claim.id, accept=False, reason="资源不匹配")
    assert cob.project.status == ProjectStatus.OPEN and cob.project.claimed_places == 0
    services.claim_project(cob.unit_admin2, cob.project.id, unit_id=cob.unit2.id, resource_ids=cob.res2)
    assert cob.project.status == ProjectStatus.FULL


def test_resources_of_another_unit_cannot_be_committed(cob):
    with pytest.raises(Invalid) as err:
        services.claim_project(cob.unit_admin1, cob.project.id, unit_id=cob.unit1.id, resource_ids=cob.res2)
    assert "resource_ids" in err.value.errors
    assert count(ProjectClaim) == 0 and cob.project.claimed_places == 0


def test_a_unit_admin_claims_for_his_own_unit_only(cob):
    with pytest.raises(Forbidden):
        services.claim_project(cob.unit_admin1, cob.project.id, unit_id=cob.unit2.id)


def test_closing_pays_present_members_once_and_delivers_the_accepted_claim(cob, now):
    claim = services.claim_project(
        cob.unit_admin1, cob.project.id, unit_id=cob.unit1.id, resource_ids=cob.res1
    )
    services.decide_claim(cob.staff1, cob.project.id, claim.id, accept=True)
    services.sign_up(cob.member1, cob.project.id)
    services.sign_up(cob.member2, cob.project.id)
    _close(cob, cob.project, absent_member_ids=[cob.member2.id], now=now)
    assert cob.project.status == ProjectStatus.CLOSED
    assert db.session.get(ProjectClaim, claim.id).status == ClaimStatus.DELIVERED
    entries = db.session.scalars(sa.select(LedgerEntry).where(LedgerEntry.source_type == "project")).all()
    assert [(e.member_id, e.points) for e in entries] == [(cob.member1.id, 12)]
    total = db.session.scalar(sa.select(PointsTotal.total).where(PointsTotal.member_id == cob.member1.id))
    assert total == 12
    assert (
        count(
            ChecklistEvidence,
            ChecklistEvidence.member_id == cob.member1.id,
            ChecklistEvidence.item_key == "solve_problem",
        )
        == 1
    )
    with pytest.raises(Conflict):
        _close(cob, cob.project, now=now)
    assert count(LedgerEntry, LedgerEntry.source_type == "project") == 1
    hours = services.hours_for([cob.member1.id, cob.member2.id], now.year)
    assert hours == {cob.member1.id: 2.0, cob.member2.id: 0.0}


def test_delivered_counts_counts_projects_closed_in_the_year_with_the_claim_accepted(cob, now):
    other = post_project(cob.staff1, cob.comm1, title="独居老人探访")
    pending = post_project(cob.staff1, cob.comm1, title="楼道清洁")
    for project in (cob.project, other):
        claim = services.claim_project(cob.unit_admin1, project.id, unit_id=cob.unit1.id)
        services.decide_claim(cob.staff1, project.id, claim.id, accept=True)
        _close(cob, project, now=now)
    services.claim_project(cob.unit_admin2, pending.id, unit_id=cob.unit2.id)  # never accepted
    _close(cob, pending, now=now)
    assert services.delivered_counts([cob.unit1.id, cob.unit2.id], now.year) == {
        cob.unit1.id: 2,
        cob.unit2.id: 0,
    }
    assert services.delivered_counts([cob.unit1.id], now.year - 1) == {cob.unit1.id: 0}
    assert services.delivered_counts([], now.year) == {}


def test_the_last_slot_taken_is_409(cob):
    small = post_project(cob.staff1, cob.comm1, slots=1)
    services.sign_up(cob.member1, small.id)
    with pytest.raises(Conflict):
        services.sign_up(cob.member2, small.id)
    with pytest.raises(Conflict):
        services.sign_up(cob.member1, small.id)
    assert small.signup_count == 1
