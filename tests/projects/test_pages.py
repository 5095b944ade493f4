"""Project pages by role and scope, and the whole path on pages: post, claim with resources,
accept, sign up, progress, close (points and hours shown), agreements."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.projects import services
from app.projects.models import Agreement, Project, ProjectClaim, ProjectSignup
from tests.conftest import count, settle


@pytest.mark.parametrize(
    "who,path,status",
    [
        ("staff1", "/projects", 200),
        ("unit_admin1", "/projects", 200),
        ("member1", "/projects", 200),
        ("resident1", "/projects", 403),
        ("staff1", "/projects/new", 200),
        ("street_admin", "/projects/new", 200),
        ("unit_admin1", "/projects/new", 403),
        ("member1", "/projects/new", 403),
        ("staff1", "/projects/{id}", 200),
        ("staff3", "/projects/{id}", 404),
        ("unit_admin1", "/projects/{id}", 200),
        ("member1", "/projects/{id}", 200),
        ("member3", "/projects/{id}", 404),
        ("resident1", "/projects/{id}", 403),
        ("member1", "/me/projects", 200),
        ("staff1", "/me/projects", 403),
        ("staff1", "/agreements", 200),
        ("unit_admin1", "/agreements", 200),
        ("member1", "/agreements", 403),
        ("staff1", "/agreements/new", 200),
        ("unit_admin1", "/agreements/new", 403),
    ],
)
def test_pages_by_role_and_scope(cob, page, who, path, status):
    res = page(getattr(cob, who)).get(path.format(id=cob.project.id))
    assert res.status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(cob, page):
    assert page().get(f"/projects/{cob.project.id}").status_code == 302


def test_the_list_shows_only_the_viewers_projects(cob, page):
    assert "老旧小区加装电梯协调" in page(cob.staff1).get("/projects").get_data(as_text=True)
    assert "老旧小区加装电梯协调" not in page(cob.staff3).get("/projects").get_data(as_text=True)


def test_staff_post_a_project_on_the_page(cob, page):
    client = page(cob.staff1)
    data = {
        "community_id": cob.comm1.id,
        "title": "独居老人结对探访",
        "kind": "关爱老幼",
        "goals": "每周探访一次",
        "starts_on": "2026-11-01",
        "ends_on": "2026-12-31",
        "places": 2,
        "slots": 8,
        "points": 6,
        "hours": 1.5,
        "skills": "护理，聊天",
        "checklist_item": "help_household",
        "agreement_id": 0,
    }
    res = client.post("/projects/new", data=data)
    assert res.status_code == 302
    project = Project.query.filter_by(title="独居老人结对探访").one()
    assert (project.places, project.slots, project.hours, project.skills) == (2, 8, 1.5, ["护理", "聊天"])
    bad = client.post("/projects/new", data={**data, "ends_on": "2026-10-01"})
    assert bad.status_code == 422 and "结束日期不能早于开始日期" in bad.get_data(as_text=True)
    bad = client.post("/projects/new", data={**data, "title": "\u200b"})
    assert bad.status_code == 422
    assert count(Project) == 2


def test_the_whole_project_on_pages(cob, page):
    pid = cob.project.id
    unit = page(cob.unit_admin1)
    html = unit.get(f"/projects/{pid}").get_data(as_text=True)
    assert 'data-testid="form-claim"' in html and "二楼会议室" in html
    assert (
        unit.post(
            f"/projects/{pid}/claim", data={"resource_ids": cob.res1[:1], "note": "周六上午"}
        ).status_code
        == 302
    )
    claim = ProjectClaim.query.one()
    assert [r.name for r in claim.resources] == ["二楼会议室"]
    staff = page(cob.staff1)
    assert staff.post(f"/projects/{pid}/claims/{claim.id}/accept").status_code == 302
    assert db.session.get(ProjectClaim, claim.id).status == "accepted"
    for member in (cob.member1, cob.member2):
        assert page(member).post(f"/projects/{pid}/signup").status_code == 302
    assert count(ProjectSignup) == 2
    assert unit.post(f"/projects/{pid}/update", data={"note": "会议室已布置"}).status_code == 302
    res = staff.post(
        f"/projects/{pid}/close", data={"outcome": "征集意见120份", "absent_member_ids": [cob.member2.id]}
    )
    assert res.status_code == 302
    html = staff.get(f"/projects/{pid}").get_data(as_text=True)
    assert "征集意见120份" in html and "会议室已布置" in html and "已结项" in html
    mine = page(cob.member1).get("/me/projects").get_data(as_text=True)
    assert "服务时长 2 小时 · 积分 12" in mine
    assert "未到场" in page(cob.member2).get("/me/projects").get_data(as_text=True)
    assert "12" in page(cob.member1).get("/me/points").get_data(as_text=True)


def test_refused_actions_on_pages_are_flashed_and_change_nothing(cob, page):
    pid = cob.project.id
    res = page(cob.member1).post(f"/projects/{pid}/close", data={"outcome": "x"})
    assert res.status_code == 302 and db.session.get(Project, pid).status == "open"  # 403 flashed
    res = page(cob.staff1).post(f"/projects/{pid}/close", data={"outcome": ""})  # shown at the field
    assert res.status_code == 422 and db.session.get(Project, pid).status == "open"
    assert 'data-testid="error-outcome"' in res.get_data(as_text=True)
    res = page(cob.staff3).post(f"/projects/{pid}/cancel", data={"reason": "x"})
    assert res.status_code == 302 and db.session.get(Project, pid).status == "open"  # 404 flashed
    assert page(cob.staff1).post(f"/projects/{pid}/claims/1/nonsense").status_code == 404


def test_staff_record_an_agreement_on_the_page(cob, page):
    client = page(cob.staff1)
    html = client.get("/agreements/new").get_data(as_text=True)
    assert "区税务局" in html and "市第一医院" in html
    res = client.post(
        "/agreements/new",
        data={
            "community_id": cob.comm1.id,
            "unit_id": cob.unit1.id,
            "title": "结对共建协议",
            "content": "共建内容",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
    )
    assert res.status_code == 302
    agreement = Agreement.query.one()
    assert "结对共建协议" in page(cob.unit_admin1).get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert page(cob.unit_admin2).get(f"/agreements/{agreement.id}").status_code == 404
    settle()


def test_the_inbox_tells_of_the_claim_and_the_closing_in_the_readers_language(cob, page):
    claim = services.claim_project(cob.unit_admin1, cob.project.id, unit_id=cob.unit1.id)
    services.decide_claim(cob.staff1, cob.project.id, claim.id, True)
    services.sign_up(cob.member1, cob.project.id)
    services.close_project(cob.staff1, cob.project.id, "完成")
    settle()
    assert "项目认领已确认" in page(cob.unit_admin1).get("/notifications").get_data(as_text=True)
    html = page(cob.member1).get("/notifications?lang=en").get_data(as_text=True)
    assert "Co-building project closed" in html
