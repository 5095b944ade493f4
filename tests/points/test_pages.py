from datetime import timedelta

import pytest

from app.points.models import LedgerEntry
from app.points.services import award, record_evidence
from tests import factories as f
from tests.conftest import count


def test_my_points_page_shows_total_checklist_and_history(world, page, now):
    assert award(world.member1.id, "order_completed", source_type="order", source_id=1, now=now)
    assert count(LedgerEntry) == 1
    record_evidence(world.member1.id, "solve_problem", source_type="order", source_id=1, note="修水管",
                    now=now)
    html = page(world.member1).get("/me/points").get_data(as_text=True)
    assert 'data-testid="points-total">10<' in html
    assert "1/5" in html and "修水管" in html and "完成群众点单" in html


@pytest.mark.parametrize("path", ["/leaderboard", "/leaderboard?scope=street", "/exemplars",
                                  "/me/points"])
def test_member_pages_render(world, page, now, path):
    award(world.member1.id, "order_completed", source_type="order", source_id=1, now=now)
    res = page(world.member1).get(path)
    assert res.status_code == 200
    assert world.member1.name in res.get_data(as_text=True) or path == "/me/points"


@pytest.mark.parametrize("who,path,status", [
    ("staff1", "/leaderboard?scope=street", 403), ("resident1", "/leaderboard", 403),
    ("member1", "/admin/scoring-rules", 403), ("staff1", "/admin/checklist", 403),
    ("member1", "/staff/points/adjust", 403), ("staff1", "/me/points", 403),
    ("street_admin", "/admin/scoring-rules", 200), ("street_admin", "/admin/checklist", 200),
    ("staff1", "/leaderboard", 200), ("unit_admin1", "/leaderboard", 200), ("staff1", "/exemplars", 200),
    ("street_admin", "/exemplars", 200), ("unit_admin1", "/exemplars", 200),
    ("street_admin", "/leaderboard", 200), ("street_admin", "/leaderboard?scope=community", 200),
    ("admin", "/leaderboard", 200), ("admin", "/exemplars", 200), ("member1", "/leaderboard?scope=unit", 200),
])
def test_page_roles(world, page, who, path, status):
    assert page(getattr(world, who)).get(path).status_code == status


def test_staff_adjusts_on_the_page(world, page):
    client = page(world.staff1)
    res = client.post("/staff/points/adjust", data={"member_id": world.member1.id, "points": -3,
                                                    "reason": "重复计分"})
    assert res.status_code == 302
    assert count(LedgerEntry, LedgerEntry.member_id == world.member1.id, LedgerEntry.points == -3) == 1
    client.post("/staff/points/adjust", data={"member_id": world.member3.id, "points": 3, "reason": "x"})
    assert count(LedgerEntry, LedgerEntry.member_id == world.member3.id) == 0


def test_checklist_config_page_saves(world, page, now):
    client = page(world.street_admin)
    res = client.post("/admin/checklist", data={"place_id": world.street1.id, "year": now.year,
                                                "use_suggestion": "1", "required_suggestion": "2",
                                                "title_suggestion": "提两条建议"})
    assert res.status_code == 302
    html = client.get(f"/admin/checklist?place_id={world.street1.id}&year={now.year}").get_data(as_text=True)
    assert "提两条建议" in html and "本级已设置" in html


def test_district_admin_edits_a_rule_on_the_page(world, page):
    from app.extensions import db
    from app.points.models import ScoringRule

    admin = f.UserFactory(role="street_admin", place_id=world.district.id)
    client = page(admin)
    assert "保存" in client.get("/admin/scoring-rules").get_data(as_text=True)
    res = client.post("/admin/scoring-rules/attendance", data={
        "attendance-title": "参加活动", "attendance-points": "7", "attendance-cap_period": "",
        "attendance-is_active": "y"})
    assert res.status_code == 302
    rule = db.session.scalar(db.select(ScoringRule).where(ScoringRule.key == "attendance"))
    db.session.refresh(rule)
    assert (rule.points, rule.cap_period, rule.title) == (7, None, "参加活动")


def test_member_home_shows_points_and_checklist(world, page, now):
    award(world.member1.id, "order_completed", source_type="order", source_id=1, now=now)
    html = page(world.member1).get("/me").get_data(as_text=True)
    assert 'data-testid="points-summary"' in html and "<b>10</b>" in html and "0/5" in html
    assert 'data-testid="points-summary"' not in page(world.newbie).get("/me").get_data(as_text=True)


def test_leaderboard_page_paginates(world, page, now, monkeypatch):
    from app.points import views

    monkeypatch.setattr(views, "BOARD_PAGE", 1)
    award(world.member1.id, "order_completed", source_type="order", source_id=1, now=now)
    award(world.member2.id, "suggestion_adopted", source_type="suggestion", source_id=1, now=now)
    client = page(world.member1)
    first = client.get("/leaderboard").get_data(as_text=True)
    assert first.count('data-testid="rank-row"') == 1 and "下一页" in first
    second = client.get(f"/leaderboard?page=2&scope_id={world.comm1.id}").get_data(as_text=True)
    assert world.member2.name in second and "下一页" not in second and "<td>2</td>" in second


@pytest.mark.parametrize("who,status", [("staff1", 200), ("unit_admin1", 200), ("street_admin", 200),
                                        ("member1", 200), ("member2", 404), ("staff3", 404),
                                        ("resident1", 404)])
def test_member_points_page_for_his_staff(world, page, now, who, status):
    award(world.member1.id, "order_completed", source_type="order", source_id=1, now=now)
    res = page(getattr(world, who)).get(f"/members/{world.member1.id}/points")
    assert res.status_code == status
    if status == 200 and who != "member1":
        assert world.member1.name in res.get_data(as_text=True)


@pytest.mark.parametrize("who,tabs", [
    ("member1", {"community", "street", "unit"}), ("staff1", set()), ("unit_admin1", set()),
    ("street_admin", {"community", "street"}), ("admin", {"community", "street"}),
])
def test_leaderboard_tabs_are_only_the_boards_the_role_may_open(world, page, who, tabs):
    client = page(getattr(world, who))
    html = client.get("/leaderboard").get_data(as_text=True)
    shown = {s for s in ("community", "street", "unit") if f"/leaderboard?scope={s}&" in html}
    assert shown == tabs
    for scope in shown:
        assert client.get(f"/leaderboard?scope={scope}").status_code == 200


def test_adjust_page_names_the_member_and_returns_to_his_points(world, page):
    client = page(world.staff1)
    html = client.get(f"/staff/points/adjust?member_id={world.member1.id}").get_data(as_text=True)
    assert 'data-testid="adjust-member"' in html and world.member1.name in html
    assert client.get(f"/staff/points/adjust?member_id={world.member3.id}").status_code == 404  # not his
    res = client.post("/staff/points/adjust", data={"member_id": world.member1.id, "points": 2,
                                                    "reason": "补录"})
    assert res.status_code == 302 and res.headers["Location"].endswith(f"/members/{world.member1.id}/points")
    after = client.get(res.headers["Location"]).get_data(as_text=True)
    assert f"已为 {world.member1.name} 调整 +2 分" in after
    # Without a member: the community's members to pick by name, none of another community.
    bare = client.get("/staff/points/adjust").get_data(as_text=True)
    assert 'datalist id="adjust-members"' in bare and world.member2.name in bare
    assert world.member3.name not in bare


def test_rules_page_shows_no_rule_keys(world, page):
    html = page(world.admin).get("/admin/scoring-rules").get_data(as_text=True)
    assert 'class="check"' in html and '<small class="muted">attendance</small>' not in html


def test_the_member_home_says_what_to_do_next_and_his_rank_of_n(world, page, now):
    """Issue 14: each missing 五个一 item with the action that ticks it, the next activity to join,
    the needs waiting near him, and "第 N 名 / 共 M 人"."""
    from app.activities.services import create_activity
    from app.orders import services as orders
    from app.points.services import adjust
    from tests.conftest import settle

    activity = create_activity(world.staff1, community_id=world.comm1.id, title="周末义诊",
                               category="医疗健康", starts_at=now + timedelta(days=2),
                               ends_at=now + timedelta(days=2, hours=2), capacity=10)
    need = orders.create_order(world.resident1, title="换灯泡", category="维修服务")
    orders.dispatch(world.staff1, need.id, to_pool=True)
    adjust(world.staff1, world.member1.id, 5, "补录")
    adjust(world.staff1, world.member2.id, 9, "补录")
    settle()
    html = page(world.member1).get("/me").get_data(as_text=True)
    steps = html[html.index('data-testid="next-steps"'):html.index('data-testid="points-summary"')]
    for action in ("登记一次网格志愿服务", "提一条建议", "认领一个群众需求", "走访结对困难户并登记"):
        assert action in steps
    assert f'/activities/{activity.id}"' in steps and "报名：周末义诊" in steps
    assert "1 个需求等你认领" in html
    assert "第 2 名" in html and "共 2 人" in html
    assert 'data-testid="tabbar"' in html and "/static/icons/home.svg" in html
