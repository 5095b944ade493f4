from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.extensions import db
from app.points.models import ChecklistItem, LedgerEntry, PointsTotal, ScoringRule
from app.points.services import award
from tests import factories as f
from tests.conftest import count, settle
from tests.sql import statements

YEAR = datetime.now(UTC).year


def give(member, points, seconds=0, source_id=None):
    """Award `points` via an adjustment-free rule path (a one-off key per call)."""
    now = datetime.now(UTC) + timedelta(seconds=seconds)
    return award(member.id, "order_completed", source_type="order", source_id=source_id or seconds + 1000,
                 points=points, now=now)


@pytest.fixture
def board(world):
    """comm1: member1 (30), member2 (30, reached later), extra (10); comm3: member3 (50)."""
    w = world
    w.extra = f.member_in(w.comm1, w.unit2)
    give(w.member1, 30, 1)
    give(w.member2, 30, 2)
    give(w.extra, 10, 3)
    give(w.member3, 50, 4)
    settle()
    return w


def test_member_sees_his_points_and_history(world, api):
    give(world.member1, 10, 1)
    api(world.staff1).post("/points/adjustments", {"member_id": world.member1.id, "points": -2,
                                                   "reason": "录入错误"})
    res = api(world.member1).get(f"/members/{world.member1.id}/points")
    assert res.status_code == 200
    assert res.json["total"] == 8 and res.json["year"] == YEAR
    newest = res.json["entries"][0]
    assert (newest["points"], newest["rule"], newest["reason"]) == (-2, "adjustment", "录入错误")
    assert newest["created_by"] == world.staff1.name
    assert res.json["entries"][1]["source_type"] == "order"


@pytest.mark.parametrize("who,status", [("member1", 200), ("staff1", 200), ("unit_admin1", 200),
                                        ("street_admin", 200), ("member2", 404), ("staff3", 404),
                                        ("unit_admin2", 404), ("resident1", 404)])
def test_points_and_checklist_visibility(world, api, who, status):
    client = api(getattr(world, who))
    assert client.get(f"/members/{world.member1.id}/points").status_code == status
    assert client.get(f"/members/{world.member1.id}/checklist").status_code == status


def test_unknown_member_is_404(world, api):
    assert api(world.admin).get("/members/999999/points").status_code == 404


@pytest.mark.parametrize("path", ["/members/{id}/points", "/members/{id}/checklist",
                                  "/leaderboard?scope=street", "/leaderboard?scope=community"])
def test_queries_do_not_grow_with_entries_or_members(world, api, path):
    from app.points.services import record_evidence

    client = api(world.member1)
    path = path.format(id=world.member1.id)
    give(world.member1, 1, 1)
    small = statements(client, path)
    for i in range(30):
        give(world.member1, 1, 10 + i)
        give(f.member_in(world.comm1), i + 1, 100 + i)
        record_evidence(world.member1.id, "suggestion", source_type="suggestion", source_id=i)
    assert statements(client, path) == small


@pytest.mark.parametrize("who,status", [("member1", 403), ("member2", 403), ("unit_admin1", 403),
                                        ("resident1", 403), ("staff3", 404)])
def test_adjustment_wrong_role_or_scope(world, api, who, status):
    res = api(getattr(world, who)).post("/points/adjustments", {"member_id": world.member1.id,
                                                                "points": 50, "reason": "x"})
    assert res.status_code == status
    assert count(LedgerEntry) == 0 and count(PointsTotal) == 0


@pytest.mark.parametrize("body,field", [
    ({"points": 0, "reason": "x"}, "points"), ({"points": 5}, "reason"),
    ({"points": 5, "reason": ""}, "reason"), ({"points": "many", "reason": "x"}, "points"),
    ({"points": 100000, "reason": "x"}, "points"),
])
def test_adjustment_bad_input(world, api, body, field):
    res = api(world.staff1).post("/points/adjustments", {"member_id": world.member1.id, **body})
    assert res.status_code == 422 and field in res.json["errors"]
    assert count(LedgerEntry) == 0


def test_adjustment_is_audited(world, api):
    res = api(world.staff1).post("/points/adjustments", {"member_id": world.member1.id, "points": 5,
                                                         "reason": "补录活动"})
    assert res.status_code == 201 and res.json["created_by_id"] == world.staff1.id
    assert count(AuditEntry, AuditEntry.action == "points.adjust",
                 AuditEntry.actor_id == world.staff1.id) == 1


def test_no_update_or_delete_on_the_ledger(world, api, app):
    entry = give(world.member1, 5, 1)
    settle()
    rules = [r for r in app.url_map.iter_rules() if "ledger" in r.rule or "points" in r.rule]
    assert all(not ({"PUT", "PATCH", "DELETE"} & r.methods) for r in rules)
    assert api(world.staff1).delete(f"/points/adjustments/{entry.id}").status_code in (404, 405)
    assert count(LedgerEntry) == 1


def test_leaderboard_ranks_with_stable_ties_and_own_rank(board, api):
    w = board
    res = api(w.member2).get("/leaderboard?scope=community")
    assert res.status_code == 200
    assert [(i["rank"], i["member_id"], i["points"]) for i in res.json["items"]] == [
        (1, w.member1.id, 30), (2, w.member2.id, 30), (3, w.extra.id, 10)]
    assert (res.json["me"]["rank"], res.json["me"]["member_id"]) == (2, w.member2.id)
    street = api(w.member1).get("/leaderboard?scope=street").json
    assert [i["member_id"] for i in street["items"]] == [w.member1.id, w.member2.id, w.extra.id]
    unit = api(w.unit_admin1).get(f"/leaderboard?scope=unit&scope_id={w.unit1.id}").json
    assert [i["member_id"] for i in unit["items"]] == [w.member3.id, w.member1.id]
    assert unit["me"] is None
    limited = api(w.staff1).get(f"/leaderboard?scope=community&scope_id={w.comm1.id}&limit=1").json
    assert len(limited["items"]) == 1


@pytest.mark.parametrize("who,scope,target,status", [
    ("staff1", "street", "street1", 403),       # staff see their community only
    ("staff1", "community", "comm2", 403),
    ("staff3", "community", "comm1", 403),
    ("member3", "community", "comm1", 403),
    ("member1", "street", "street2", 403),
    ("member1", "unit", "unit2", 403),
    ("unit_admin1", "unit", "unit2", 403),
    ("unit_admin1", "community", "comm1", 403),
    ("street_admin", "street", "street2", 403),
    ("street_admin", "community", "comm3", 403),
    ("street_admin", "street", "street1", 200),
    ("street_admin", "community", "comm2", 200),
    ("admin", "street", "street2", 200),
    ("member1", "community", "comm1", 200),
])
def test_leaderboard_scope(board, api, who, scope, target, status):
    target_id = getattr(board, target).id
    res = api(getattr(board, who)).get(f"/leaderboard?scope={scope}&scope_id={target_id}")
    assert res.status_code == status


@pytest.mark.parametrize("query,status", [("scope=planet", 422), ("scope=community&scope_id=999999", 404),
                                          ("scope=street&scope_id=COMM", 404), ("limit=0", 422),
                                          ("limit=101", 422), ("year=1", 422)])
def test_leaderboard_bad_input(board, api, query, status):
    query = query.replace("COMM", str(board.comm1.id))
    assert api(board.admin).get(f"/leaderboard?{query}").status_code == status
    assert api(board.resident1).get("/leaderboard").status_code == 403


def test_checklist_api_lists_items_and_evidence(world, api, now):
    from app.points.services import record_evidence

    record_evidence(world.member1.id, "suggestion", source_type="suggestion", source_id=3, note="路灯",
                    now=now)
    res = api(world.member1).get(f"/members/{world.member1.id}/checklist?year={now.year}")
    assert res.json["completed"] == 1 and res.json["total"] == 5
    item = next(i for i in res.json["items"] if i["key"] == "suggestion")
    assert item["done"] and item["evidence"][0]["note"] == "路灯"
    assert api(world.member1).get(f"/members/{world.member1.id}/checklist?year={now.year - 1}"
                                  ).json["completed"] == 0


def test_scoring_rules_read_and_update(world, api):
    district_admin = f.UserFactory(role="street_admin", place_id=world.district.id)
    settle()
    rules = api(world.street_admin).get("/scoring-rules")
    assert rules.status_code == 200
    assert {r["key"] for r in rules.json} >= {"attendance", "service_hour", "suggestion_adopted",
                                              "order_completed", "order_good_rating",
                                              "pairing_help", "claim_abandoned"}
    body = {"points": 3, "cap_period": "day", "cap_points": 6}
    assert api(world.street_admin).put("/scoring-rules/service_hour", body).status_code == 403
    assert api(world.staff1).get("/scoring-rules").status_code == 403
    assert api(world.member1).put("/scoring-rules/service_hour", body).status_code == 403
    res = api(district_admin).put("/scoring-rules/service_hour", body)
    assert res.status_code == 200 and res.json["points"] == 3
    assert api(district_admin).put("/scoring-rules/nope", body).status_code == 404
    assert api(district_admin).put("/scoring-rules/%00x", body).status_code == 404
    assert api(district_admin).put("/scoring-rules/service_hour",
                                   {"points": 3, "cap_period": "week"}).status_code == 422
    rule = db.session.scalar(sa.select(ScoringRule).where(ScoringRule.key == "service_hour"))
    db.session.refresh(rule)
    assert (rule.points, rule.cap_period) == (3, "day")
    assert count(AuditEntry, AuditEntry.action == "scoring_rule.update") == 1


def test_checklist_config_by_street_admin(world, api, now):
    body = {"place_id": world.street1.id, "year": now.year,
            "items": [{"key": "community_activity", "required": 2}, {"key": "suggestion"}]}
    assert api(world.staff1).put("/checklist-config", body).status_code == 403
    other = {**body, "place_id": world.street2.id}
    assert api(world.street_admin).put("/checklist-config", other).status_code == 403
    bad = {**body, "items": [{"key": "nap"}]}
    assert api(world.street_admin).put("/checklist-config", bad).status_code == 422
    assert count(ChecklistItem) == 0
    res = api(world.street_admin).put("/checklist-config", body)
    assert res.status_code == 200 and res.json["is_own"]
    assert [i["required"] for i in res.json["items"]] == [2, 1]
    assert api(world.member1).get(f"/members/{world.member1.id}/checklist").json["total"] == 2
    assert api(world.member3).get(f"/members/{world.member3.id}/checklist").json["total"] == 5
