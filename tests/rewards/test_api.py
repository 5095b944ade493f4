"""The API of 积分兑换: status codes, fields named, nothing written on refusals, roles."""
import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.extensions import db
from app.points.models import SpendEntry
from app.rewards.models import Redemption, Reward
from tests.conftest import count, settle
from tests.rewards.test_services import earn

REWARD = {"name": "环保袋", "points": 30, "stock": 1, "per_member_limit": 1}


@pytest.fixture
def reward_id(world, api):
    res = api(world.staff1).post("/rewards", {**REWARD, "place_id": world.comm1.id})
    assert res.status_code == 201, res.json
    return res.json["id"]


def test_staff_post_and_members_redeem(world, api, reward_id):
    earn(world.member1, 50)
    settle()
    member = api(world.member1)
    listed = member.get("/rewards").json
    assert listed["total"] == 1 and listed["items"][0]["name"] == "环保袋"
    res = member.post(f"/rewards/{reward_id}/redemptions", {"request_key": "tap-1"})
    assert res.status_code == 201 and res.json["status"] == "requested" and res.json["points"] == 30
    again = member.post(f"/rewards/{reward_id}/redemptions", {"request_key": "tap-1"})
    assert again.status_code == 200 and again.json["id"] == res.json["id"]
    points = member.get(f"/members/{world.member1.id}/points").json
    assert (points["earned"], points["spent"], points["balance"], points["total"]) == (50, 30, 20, 50)
    assert count(SpendEntry) == 1
    queue = api(world.staff1).get("/redemptions?status=requested").json
    assert [r["id"] for r in queue["items"]] == [res.json["id"]]
    done = api(world.staff1).post(f"/redemptions/{res.json['id']}/fulfil")
    assert done.status_code == 200 and done.json["status"] == "fulfilled"
    assert count(AuditEntry, AuditEntry.action.in_(["reward.create", "redemption.fulfil"])) == 2


def test_no_stock_or_balance_is_409_and_writes_nothing(world, api, reward_id):
    earn(world.member1, 50)
    earn(world.member2, 10)
    settle()
    poor = api(world.member2).post(f"/rewards/{reward_id}/redemptions", {})
    assert poor.status_code == 409 and "points" in poor.json["errors"]
    assert count(Redemption) == 0 and count(SpendEntry) == 0
    assert api(world.member1).post(f"/rewards/{reward_id}/redemptions", {}).status_code == 201
    earn(world.member2, 100, n=2)
    settle()
    empty = api(world.member2).post(f"/rewards/{reward_id}/redemptions", {})
    assert empty.status_code == 409 and "已兑完" in empty.json["message"]
    assert count(Redemption) == 1 and count(SpendEntry) == 1


@pytest.mark.parametrize("field, value", [("points", 0), ("stock", -1), ("name", "  "),
                                          ("per_member_limit", 0), ("place_id", "abc")])
def test_bad_input_is_422_naming_the_field(world, api, field, value):
    res = api(world.staff1).post("/rewards", {**REWARD, "place_id": world.comm1.id, field: value})
    assert res.status_code == 422 and field in res.json["errors"]
    assert count(Reward) == 0


def test_roles_and_scope(world, api, reward_id):
    assert api(world.member1).post("/rewards", {**REWARD, "place_id": world.comm1.id}).status_code == 403
    assert api(world.resident1).post(f"/rewards/{reward_id}/redemptions", {}).status_code == 403
    assert api(world.staff2).post("/rewards", {**REWARD, "place_id": world.comm1.id}).status_code == 403
    assert api(world.member3).post(f"/rewards/{reward_id}/redemptions", {}).status_code == 404
    assert api(world.member3).get("/rewards").json["total"] == 0
    earn(world.member1, 50)
    settle()
    rid = api(world.member1).post(f"/rewards/{reward_id}/redemptions", {}).json["id"]
    assert api(world.staff3).post(f"/redemptions/{rid}/fulfil").status_code == 404
    assert api(world.member1).post(f"/redemptions/{rid}/fulfil").status_code == 403
    assert api(world.member2).post(f"/redemptions/{rid}/cancel").status_code == 404
    assert api(world.staff2).get("/redemptions").json["total"] == 0
    assert api(world.member1).post(f"/redemptions/{rid}/cancel").json["status"] == "cancelled"
    assert api().get("/rewards").status_code == 401


def test_pages(world, page, reward_id):
    earn(world.member1, 50)
    settle()
    member = page(world.member1)
    html = member.get("/rewards").get_data(as_text=True)
    assert "可用积分" in html and "环保袋" in html and 'data-testid="redeem"' in html
    res = member.post(f"/rewards/{reward_id}/redeem", data={"request_key": "form-1"})
    assert res.status_code == 302
    member.post(f"/rewards/{reward_id}/redeem", data={"request_key": "form-1"})  # a double submit
    assert count(Redemption) == 1 and count(SpendEntry) == 1
    staff = page(world.staff1)
    queue = staff.get("/rewards/redemptions").get_data(as_text=True)
    assert world.member1.name in queue and "已发放" in queue
    rid = db.session.scalar(sa.select(Redemption.id))
    assert staff.post(f"/redemptions/{rid}/fulfil").status_code == 302
    assert "已领取" in member.get("/rewards").get_data(as_text=True)
    assert page(world.resident1).get("/rewards").status_code in (403, 404)
    form = staff.post("/rewards/new", data={"place_id": world.comm1.id, "name": "", "points": "0",
                                            "stock": "3", "per_member_limit": "1"})
    assert form.status_code == 422 and count(Reward) == 1
