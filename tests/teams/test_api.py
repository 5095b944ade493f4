"""Service teams through the API: forming by role and scope, members added by the leader,
claims as one (a pool need, a project), the team leaderboard; and the team suggested on the
staff's candidate ranking of a need."""

from __future__ import annotations

import pytest

from app.audit.models import AuditEntry
from app.orders.models import OrderClaim
from app.points.services import adjust
from app.projects.models import ProjectClaim
from app.teams.models import Team, TeamClaim, TeamMember
from tests.conftest import count, settle


def _team(w, **over):
    return {
        "name": "仓边医疗服务队",
        "leader_id": w.member2.id,
        "specialities": ["医疗健康"],
        "community_id": w.comm1.id,
        **over,
    }


@pytest.mark.parametrize(
    "who,status",
    [
        ("staff1", 201),
        ("street_admin", 201),
        ("admin", 201),
        ("staff3", 403),
        ("unit_admin1", 403),
        ("member1", 403),
        ("resident1", 403),
    ],
)
def test_forming_a_community_team_by_role_and_scope(team_world, api, who, status):
    before = count(Team)
    res = api(getattr(team_world, who)).post("/teams", _team(team_world))
    assert res.status_code == status, res.json
    assert count(Team) == before + (status == 201)
    if status == 201:
        assert res.json["member_count"] == 1 and res.json["home_name"] == "仓边社区"
        assert count(AuditEntry, AuditEntry.action == "team.create") == 2


@pytest.mark.parametrize("who,status", [("unit_admin1", 201), ("unit_admin2", 403), ("staff1", 403)])
def test_forming_a_unit_team_by_role(team_world, api, who, status):
    body = _team(team_world, community_id=None, unit_id=team_world.unit1.id, leader_id=team_world.member3.id)
    res = api(getattr(team_world, who)).post("/teams", body)
    assert res.status_code == status, res.json


@pytest.mark.parametrize(
    "over,field,status",
    [
        ({"name": ""}, "name", 422),
        ({"leader_id": "m3"}, "leader_id", 422),
        ({"leader_id": 999999}, "leader_id", 422),
        ({"unit_id": "u1"}, "community_id", 422),
        ({"community_id": None}, "community_id", 422),
        ({"specialities": ["x"] * 11}, "specialities", 422),
        ({"name": "仓边法律服务队"}, "name", 409),
    ],
)
def test_bad_team_input_names_the_field(team_world, api, over, field, status):
    ids = {"m3": team_world.member3.id, "u1": team_world.unit1.id}
    over = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in over.items()}
    before = count(Team)
    res = api(team_world.staff1).post("/teams", _team(team_world, **over))
    assert res.status_code == status and field in res.json["errors"], res.json
    assert count(Team) == before


@pytest.mark.parametrize("who,status", [("member1", 201), ("member2", 403), ("staff1", 403)])
def test_the_leader_adds_members(team_world, api, who, status):
    res = api(getattr(team_world, who)).post(
        f"/teams/{team_world.team.id}/members", {"member_id": team_world.member2.id}
    )
    assert res.status_code == status, res.json
    assert count(TeamMember, TeamMember.team_id == team_world.team.id) == 1 + (status == 201)


def test_members_from_elsewhere_and_twice_are_refused(team_world, api):
    client = api(team_world.member1)
    res = client.post(f"/teams/{team_world.team.id}/members", {"member_id": team_world.member3.id})
    assert res.status_code == 422 and "member_id" in res.json["errors"]
    assert (
        client.post(f"/teams/{team_world.team.id}/members", {"member_id": team_world.member1.id}).status_code
        == 409
    )
    assert api(team_world.member3).get(f"/teams/{team_world.team.id}").status_code == 404


def test_a_team_claims_a_pool_need_and_a_project_as_one(team_world, api):
    w = team_world
    client = api(w.member1)
    res = client.post(f"/teams/{w.team.id}/claims", {"order_id": w.order.id})
    assert res.status_code == 201, res.json
    assert count(OrderClaim, OrderClaim.member_id == w.member1.id) == 1
    res = client.post(f"/teams/{w.team.id}/claims", {"project_id": w.project.id})
    assert res.status_code == 201, res.json
    claim = ProjectClaim.query.one()
    assert (claim.unit_id, claim.claimant_name) == (None, "仓边法律服务队")
    assert (
        api(w.unit_admin1).post(f"/projects/{w.project.id}/claims", {"unit_id": w.unit1.id}).status_code
        == 409
    )
    assert count(TeamClaim, TeamClaim.team_id == w.team.id) == 2
    assert api(w.member2).post(f"/teams/{w.team.id}/claims", {"order_id": w.order.id}).status_code == 403
    assert client.post(f"/teams/{w.team.id}/claims", {}).status_code == 422


def test_the_team_leaderboard_ranks_by_members_points(team_world, api):
    w = team_world
    other = api(w.staff1).post("/teams", _team(w)).json
    adjust(w.staff1, w.member2.id, 30, "补录服务")
    adjust(w.staff1, w.member1.id, 10, "补录服务")
    settle()
    board = api(w.staff1).get("/teams/leaderboard").json
    assert [(r["name"], r["points"]) for r in board["items"]] == [
        ("仓边医疗服务队", 30),
        ("仓边法律服务队", 10),
    ]
    assert board["items"][0]["team_id"] == other["id"]
    assert api(w.staff3).get("/teams/leaderboard").json["items"] == []
    assert api(w.resident1).get("/teams/leaderboard").status_code == 403


def test_listing_teams_by_scope(team_world, api):
    assert [t["name"] for t in api(team_world.member2).get("/teams").json["items"]] == ["仓边法律服务队"]
    assert api(team_world.member3).get("/teams").json["items"] == []
    assert api(team_world.staff3).get("/teams").json["items"] == []
    assert api(team_world.unit_admin1).get("/teams").json["total"] == 1  # unit1 reported to comm1


def test_the_candidate_ranking_suggests_a_matching_team(team_world, page):
    html = page(team_world.staff1).get(f"/orders/{team_world.order.id}/candidates").get_data(as_text=True)
    assert 'data-testid="suggested-teams"' in html and "仓边法律服务队" in html


def test_team_pages(team_world, page):
    w = team_world
    assert "仓边法律服务队" in page(w.member2).get("/teams").get_data(as_text=True)
    assert page(w.resident1).get("/teams").status_code == 403
    html = page(w.member1).get(f"/teams/{w.team.id}").get_data(as_text=True)
    assert "添加队员" in html and "代表全队领单" in html
    assert "添加队员" not in page(w.member2).get(f"/teams/{w.team.id}").get_data(as_text=True)
    assert page(w.member3).get(f"/teams/{w.team.id}").status_code == 404
    assert (
        page(w.member1).post(f"/teams/{w.team.id}/members", data={"member_id": w.member2.id}).status_code
        == 302
    )
    assert count(TeamMember, TeamMember.team_id == w.team.id) == 2
    assert (
        page(w.member1)
        .post(f"/teams/{w.team.id}/claims/project", data={"target_id": w.project.id})
        .status_code
        == 302
    )
    assert "老旧小区加装电梯协调" in page(w.member2).get(f"/teams/{w.team.id}").get_data(as_text=True)
    client = page(w.staff1)
    assert client.get("/teams/new").status_code == 200
    res = client.post(
        "/teams/new",
        data={
            "name": "都府志愿队",
            "home": f"community:{w.comm1.id}",
            "leader_id": w.member2.id,
            "specialities": "助老，理发",
        },
    )
    assert res.status_code == 302 and Team.query.filter_by(name="都府志愿队").one().specialities == [
        "助老",
        "理发",
    ]
    res = client.post(
        "/teams/new", data={"name": "x队", "home": f"community:{w.comm1.id}", "leader_id": w.member3.id}
    )
    assert res.status_code == 422
    assert page(w.member1).get("/teams/new").status_code == 403
