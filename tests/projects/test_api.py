"""The projects API by role and scope (403 outside the role, 404 outside the scope), bad
input (422 naming the field, nothing written), claims with resources, sign-ups, progress,
closing that pays once, notifications and audit records."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.auth.models import Role
from app.database import local_today
from app.extensions import db
from app.notifications.models import Notification
from app.points.models import LedgerEntry
from app.projects import services
from app.projects.models import Agreement, Project, ProjectClaim, ProjectEvent, ProjectSignup
from app.registrations.units import register_unit
from tests import factories as f
from tests.conftest import count, settle

BODY = {
    "title": "社区法律服务月",
    "kind": "专业服务",
    "goals": "每周六上午提供法律咨询",
    "starts_on": "2026-11-01",
    "ends_on": "2026-12-31",
    "slots": 3,
    "points": 8,
    "skills": ["法律"],
    "checklist_item": "solve_problem",
}


@pytest.fixture
def outsider(cob):
    """The admin of a unit that reported to comm3 only."""
    unit = f.UnitFactory(name="区档案馆")
    register_unit(unit=unit, community_id=cob.comm3.id, resources=["档案查询"], actor=cob.admin)
    cob.unit_admin3 = f.UserFactory(role=Role.UNIT_ADMIN, unit_id=unit.id, username="uadmin3_w")
    settle()
    return cob


def _body(w, **over):
    return {"community_id": w.comm1.id, **BODY, **over}


@pytest.mark.parametrize(
    "who,status",
    [
        ("admin", 201),
        ("street_admin", 201),
        ("staff1", 201),
        ("staff2", 403),
        ("staff3", 403),
        ("unit_admin1", 403),
        ("member1", 403),
        ("resident1", 403),
    ],
)
def test_posting_a_project_by_role_and_scope(cob, api, who, status):
    before = count(Project)
    res = api(getattr(cob, who)).post("/projects", _body(cob))
    assert res.status_code == status, res.json
    assert count(Project) == before + (status == 201)
    if status == 201:
        assert res.json["status"] == "open" and res.json["slots_left"] == 3 and res.json["places_left"] == 1
        assert count(AuditEntry, AuditEntry.action == "project.create") == 2  # the fixture's and this one


@pytest.mark.parametrize(
    "over,field",
    [
        ({"title": " "}, "title"),
        ({"kind": "城堡"}, "kind"),
        ({"goals": ""}, "goals"),
        ({"ends_on": "2026-10-01"}, "ends_on"),
        ({"starts_on": "0001-01-01"}, "starts_on"),
        ({"slots": 0}, "slots"),
        ({"slots": 1.5}, "slots"),
        ({"points": -1}, "points"),
        ({"checklist_item": "nap"}, "checklist_item"),
        ({"skills": ["x"] * 21}, "skills"),
        ({"community_id": None}, "community_id"),
        ({"places": 0}, "places"),
        ({"hours": 25}, "hours"),
        ({"agreement_id": 999999}, "agreement_id"),
    ],
)
def test_bad_project_input_is_422_naming_the_field(cob, api, over, field):
    before = count(Project)
    res = api(cob.staff1).post("/projects", _body(cob, **over))
    assert res.status_code == 422 and field in res.json["errors"], res.json
    assert count(Project) == before


def test_a_grid_is_not_a_community(cob, api):
    res = api(cob.staff1).post("/projects", _body(cob, community_id=cob.grid1.id))
    assert res.status_code == 404 and count(Project) == 1


@pytest.mark.parametrize(
    "who,status",
    [
        ("admin", 200),
        ("street_admin", 200),
        ("staff1", 200),
        ("staff2", 404),
        ("staff3", 404),
        ("unit_admin1", 200),
        ("unit_admin3", 404),
        ("member1", 200),
        ("member3", 404),
        ("newbie", 404),
        ("resident1", 403),
    ],
)
def test_reading_a_project_by_role_and_scope(outsider, api, who, status):
    res = api(getattr(outsider, who)).get(f"/projects/{outsider.project.id}")
    assert res.status_code == status, res.json
    listing = api(getattr(outsider, who)).get("/projects")
    if status == 403:
        assert listing.status_code == 403
    else:
        assert listing.status_code == 200
        assert [p["id"] for p in listing.json["items"]] == ([outsider.project.id] if status == 200 else [])


def test_unknown_project_is_404(cob, api):
    assert api(cob.staff1).get("/projects/999999").status_code == 404


@pytest.mark.parametrize(
    "who,status",
    [
        ("unit_admin1", 201),
        ("unit_admin2", 201),
        ("unit_admin3", 404),
        ("staff1", 403),
        ("admin", 403),
        ("member1", 403),
        ("resident1", 403),
    ],
)
def test_claiming_by_role_and_scope(outsider, api, who, status):
    user = getattr(outsider, who)
    res = api(user).post(
        f"/projects/{outsider.project.id}/claims", {"unit_id": user.unit_id or outsider.unit1.id}
    )
    assert res.status_code == status, res.json
    assert count(ProjectClaim) == (status == 201)


def test_a_unit_admin_claims_for_his_own_unit_only(cob, api):
    res = api(cob.unit_admin1).post(f"/projects/{cob.project.id}/claims", {"unit_id": cob.unit2.id})
    assert res.status_code == 403 and count(ProjectClaim) == 0


def test_a_claim_commits_resources_of_the_units_list(cob, api):
    res = api(cob.unit_admin1).post(
        f"/projects/{cob.project.id}/claims",
        {"unit_id": cob.unit1.id, "resource_ids": cob.res1, "note": "周六可用"},
    )
    assert res.status_code == 201, res.json
    assert [r["name"] for r in res.json["resources"]] == ["二楼会议室", "法律咨询"]
    assert res.json["claimant_name"] == "区税务局" and res.json["status"] == "pending"
    project = api(cob.staff1).get(f"/projects/{cob.project.id}").json
    assert project["status"] == "full" and project["places_left"] == 0
    assert [e["action"] for e in project["events"]] == ["post", "claim"]
    again = api(cob.unit_admin2).post(f"/projects/{cob.project.id}/claims", {"unit_id": cob.unit2.id})
    assert again.status_code == 409 and count(ProjectClaim) == 1


@pytest.mark.parametrize("ids", [[999999], "others", [0], "x"])
def test_claiming_with_resources_not_of_the_unit_is_422(cob, api, ids):
    ids = cob.res2 if ids == "others" else ids
    res = api(cob.unit_admin1).post(
        f"/projects/{cob.project.id}/claims", {"unit_id": cob.unit1.id, "resource_ids": ids}
    )
    assert res.status_code == 422 and "resource_ids" in res.json["errors"], res.json
    assert count(ProjectClaim) == 0 and db.session.get(Project, cob.project.id).claimed_places == 0


def _claimed(cob, api, accept=True):
    claim = (
        api(cob.unit_admin1)
        .post(f"/projects/{cob.project.id}/claims", {"unit_id": cob.unit1.id, "resource_ids": cob.res1})
        .json
    )
    if accept:
        res = api(cob.staff1).post(f"/projects/{cob.project.id}/claims/{claim['id']}/accept", {})
        assert res.status_code == 200, res.json
    return claim


@pytest.mark.parametrize(
    "who,status",
    [("staff1", 200), ("street_admin", 200), ("staff2", 404), ("unit_admin1", 403), ("member1", 403)],
)
def test_deciding_a_claim_by_role_and_scope(cob, api, who, status):
    claim = _claimed(cob, api, accept=False)
    res = api(getattr(cob, who)).post(f"/projects/{cob.project.id}/claims/{claim['id']}/accept", {})
    assert res.status_code == status, res.json
    assert db.session.get(ProjectClaim, claim["id"]).status == ("accepted" if status == 200 else "pending")
    told = count(
        Notification, Notification.user_id == cob.unit_admin1.id, Notification.kind == "project_claim_accept"
    )
    assert told == (status == 200)


def test_a_declined_claim_frees_the_place_and_a_withdrawn_one_too(cob, api):
    claim = _claimed(cob, api, accept=False)
    res = api(cob.staff1).post(
        f"/projects/{cob.project.id}/claims/{claim['id']}/decline", {"reason": "时间冲突"}
    )
    assert res.status_code == 200 and res.json["status"] == "declined"
    assert api(cob.staff1).get(f"/projects/{cob.project.id}").json["status"] == "open"
    second = api(cob.unit_admin2).post(f"/projects/{cob.project.id}/claims", {"unit_id": cob.unit2.id}).json
    assert (
        api(cob.unit_admin1).post(f"/projects/{cob.project.id}/claims/{second['id']}/withdraw").status_code
        == 403
    )
    res = api(cob.unit_admin2).post(f"/projects/{cob.project.id}/claims/{second['id']}/withdraw")
    assert res.status_code == 200 and res.json["status"] == "withdrawn"
    assert (
        api(cob.unit_admin2).post(f"/projects/{cob.project.id}/claims/{second['id']}/withdraw").status_code
        == 403
    )
    assert db.session.get(Project, cob.project.id).claimed_places == 0


@pytest.mark.parametrize(
    "who,status",
    [
        ("member1", 201),
        ("member2", 201),
        ("member3", 404),
        ("newbie", 404),
        ("staff1", 403),
        ("unit_admin1", 403),
        ("resident1", 403),
    ],
)
def test_signing_up_by_role_and_scope(cob, api, who, status):
    res = api(getattr(cob, who)).post(f"/projects/{cob.project.id}/signups")
    assert res.status_code == status, res.json
    assert count(ProjectSignup) == (status == 201)


def test_members_of_a_claiming_unit_may_sign_up_though_living_elsewhere(cob, api):
    _claimed(cob, api)
    res = api(cob.member3).post(f"/projects/{cob.project.id}/signups")  # unit1, lives in comm3
    assert res.status_code == 201, res.json


def test_the_last_slot_and_a_second_sign_up_are_409(cob, api):
    small = services.create_project(
        cob.staff1,
        community_id=cob.comm1.id,
        title="助老",
        kind="关爱老幼",
        goals="陪诊",
        starts_on=cob.project.starts_on,
        ends_on=cob.project.ends_on,
        slots=1,
        points=5,
    )
    settle()
    assert api(cob.member1).post(f"/projects/{small.id}/signups").status_code == 201
    assert api(cob.member1).post(f"/projects/{small.id}/signups").status_code == 409
    res = api(cob.member2).post(f"/projects/{small.id}/signups")
    assert res.status_code == 409 and count(ProjectSignup, ProjectSignup.project_id == small.id) == 1


@pytest.mark.parametrize(
    "who,claims,status",
    [
        ("staff1", False, 201),
        ("street_admin", False, 201),
        ("staff2", False, 404),
        ("unit_admin1", False, 403),
        ("unit_admin1", True, 201),
        ("unit_admin2", True, 403),
        ("member1", False, 403),
    ],
)
def test_progress_updates_by_role_and_scope(cob, api, who, claims, status):
    if claims:
        _claimed(cob, api, accept=False)
    before = count(ProjectEvent)
    res = api(getattr(cob, who)).post(
        f"/projects/{cob.project.id}/updates", {"note": "已完成第一栋楼意见征集"}
    )
    assert res.status_code == status, res.json
    assert count(ProjectEvent) == before + (status == 201)


def test_an_empty_update_is_422(cob, api):
    before = count(ProjectEvent)
    res = api(cob.staff1).post(f"/projects/{cob.project.id}/updates", {"note": "\u200b "})
    assert res.status_code == 422 and "note" in res.json["errors"] and count(ProjectEvent) == before


@pytest.mark.parametrize(
    "who,status",
    [
        ("staff1", 200),
        ("street_admin", 200),
        ("admin", 200),
        ("staff2", 404),
        ("unit_admin1", 403),
        ("member1", 403),
        ("resident1", 403),
    ],
)
def test_closing_by_role_and_scope(cob, api, who, status):
    _claimed(cob, api)
    api(cob.member1).post(f"/projects/{cob.project.id}/signups")
    res = api(getattr(cob, who)).post(f"/projects/{cob.project.id}/close", {"outcome": "征集完成"})
    assert res.status_code == status, res.json
    assert count(LedgerEntry, LedgerEntry.source_type == "project") == (status == 200)


def test_closing_pays_the_present_once_and_tells_them_and_the_unit(cob, api):
    claim = _claimed(cob, api)
    for member in (cob.member1, cob.member2):
        assert api(member).post(f"/projects/{cob.project.id}/signups").status_code == 201
    res = api(cob.staff1).post(
        f"/projects/{cob.project.id}/close",
        {"outcome": "三栋楼完成意见征集", "absent_member_ids": [cob.member2.id]},
    )
    assert res.status_code == 200, res.json
    body = res.json
    assert body["status"] == "closed" and body["outcome"] == "三栋楼完成意见征集"
    assert [c["status"] for c in body["claims"]] == ["delivered"] and body["claims"][0]["id"] == claim["id"]
    credited = {s["member_id"]: (s["hours"], s["points"], s["is_absent"]) for s in body["signups"]}
    assert credited == {cob.member1.id: (2.0, 12, False), cob.member2.id: (0.0, 0, True)}
    points = api(cob.member1).get(f"/members/{cob.member1.id}/points").json
    assert [(e["points"], e["source_type"], e["source_id"]) for e in points["entries"]] == [
        (12, "project", cob.project.id)
    ]
    again = api(cob.staff1).post(f"/projects/{cob.project.id}/close", {"outcome": "再次结项"})
    assert again.status_code == 409
    assert count(LedgerEntry, LedgerEntry.source_type == "project") == 1
    assert (
        count(
            Notification,
            Notification.kind == "project_closed",
            Notification.user_id.in_([cob.member1.id, cob.unit_admin1.id]),
        )
        == 2
    )
    assert (
        count(Notification, Notification.kind == "project_closed", Notification.user_id == cob.member2.id)
        == 0
    )
    assert count(AuditEntry, AuditEntry.action == "project.close") == 1
    assert services.delivered_counts([cob.unit1.id], local_today().year) == {cob.unit1.id: 1}


@pytest.mark.parametrize(
    "body,field",
    [
        ({"outcome": ""}, "outcome"),
        ({}, "outcome"),
        ({"outcome": "好", "absent_member_ids": [999999]}, "absent_member_ids"),
        ({"outcome": "好", "absent_member_ids": "x"}, "absent_member_ids"),
    ],
)
def test_bad_closing_input_is_422_and_nothing_moves(cob, api, body, field):
    api(cob.member1).post(f"/projects/{cob.project.id}/signups")
    res = api(cob.staff1).post(f"/projects/{cob.project.id}/close", body)
    assert res.status_code == 422 and field in res.json["errors"], res.json
    assert db.session.get(Project, cob.project.id).status == "open"
    assert count(LedgerEntry) == 0


def test_cancelling_ends_the_project(cob, api):
    assert api(cob.staff1).post(f"/projects/{cob.project.id}/cancel", {"reason": ""}).status_code == 422
    res = api(cob.staff1).post(f"/projects/{cob.project.id}/cancel", {"reason": "场地施工"})
    assert res.status_code == 200 and res.json["status"] == "cancelled"
    assert api(cob.member1).post(f"/projects/{cob.project.id}/signups").status_code == 409
    assert api(cob.staff1).post(f"/projects/{cob.project.id}/close", {"outcome": "x"}).status_code == 409


# ---- 共建协议 ----------------------------------------------------------------------------------

AGREEMENT = {
    "title": "2026年度结对共建协议",
    "content": "每季度开展一次法律服务",
    "starts_on": "2026-01-01",
    "ends_on": "2026-12-31",
}


@pytest.mark.parametrize(
    "who,status",
    [("staff1", 201), ("street_admin", 201), ("staff2", 403), ("unit_admin1", 403), ("member1", 403)],
)
def test_recording_an_agreement_by_role_and_scope(cob, api, who, status):
    res = api(getattr(cob, who)).post(
        "/agreements", {"community_id": cob.comm1.id, "unit_id": cob.unit1.id, **AGREEMENT}
    )
    assert res.status_code == status, res.json
    assert count(Agreement) == (status == 201)


def test_an_agreement_lists_its_projects_and_the_unit_reads_it(outsider, api):
    cob = outsider
    agreement = (
        api(cob.staff1)
        .post("/agreements", {"community_id": cob.comm1.id, "unit_id": cob.unit1.id, **AGREEMENT})
        .json
    )
    project = api(cob.staff1).post("/projects", _body(cob, agreement_id=agreement["id"])).json
    got = api(cob.unit_admin1).get(f"/agreements/{agreement['id']}")
    assert got.status_code == 200 and got.json["project_ids"] == [project["id"]]
    assert api(cob.unit_admin2).get(f"/agreements/{agreement['id']}").status_code == 404
    assert api(cob.staff3).get(f"/agreements/{agreement['id']}").status_code == 404
    assert api(cob.member1).get(f"/agreements/{agreement['id']}").status_code == 403
    assert [a["id"] for a in api(cob.unit_admin1).get("/agreements").json["items"]] == [agreement["id"]]
    assert api(cob.unit_admin2).get("/agreements").json["items"] == []


@pytest.mark.parametrize(
    "over,field",
    [
        ({"unit_id": "u3"}, "unit_id"),
        ({"ends_on": "2025-01-01"}, "ends_on"),
        ({"title": ""}, "title"),
        ({"content": ""}, "content"),
    ],
)
def test_bad_agreement_input_is_422(outsider, api, over, field):
    if over.get("unit_id") == "u3":
        over = {"unit_id": outsider.unit_admin3.unit_id}  # reported to comm3, not comm1
    body = {"community_id": outsider.comm1.id, "unit_id": outsider.unit1.id, **AGREEMENT, **over}
    res = api(outsider.staff1).post("/agreements", body)
    assert res.status_code == 422 and field in res.json["errors"], res.json
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Agreement)) == 0
