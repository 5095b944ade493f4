"""The Orders API (API.md): placing, bad input, lists by scope and filters, the order's shape,
phone masking, candidates, invitations, the OpenAPI document and constant queries per page."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.clock import LOCAL_TZ
from app.extensions import db
from app.notifications.models import Notification
from app.orders import services
from app.orders.models import Order, OrderEvent
from tests import factories as f
from tests.conftest import count
from tests.orders.conftest import ORDER
from tests.sql import statements


def test_a_resident_places_an_order(world, api):
    res = api(world.resident1).post("/orders", {**ORDER, "urgency": "urgent", "address": "仓边路1号"})
    assert res.status_code == 201, res.json
    body = res.json
    assert (body["status"], body["community_id"], body["resident_id"]) == (
        "submitted", world.comm1.id, world.resident1.id)
    assert body["overdue"] is False and body["deadline"] and body["slots"] == 1
    assert body["events"] == [{"at": body["created_at"], "actor_id": world.resident1.id,
                               "actor_name": world.resident1.name, "action": "submit",
                               "from_status": None, "to_status": "submitted", "note": ""}]
    assert body["claims"] == [] and body["actions"] == ["cancel"]
    assert body["contact_phone"] == world.resident1.phone


def test_staff_file_on_a_residents_behalf(world, api):
    res = api(world.staff1).post("/orders", {**ORDER, "community_id": world.comm1.id,
                                            "resident_id": world.resident1.id, "slots": 3})
    assert res.status_code == 201, res.json
    assert (res.json["resident_id"], res.json["slots"]) == (world.resident1.id, 3)
    assert api(world.resident1).get(f"/orders/{res.json['id']}").status_code == 200


@pytest.mark.parametrize("who,data,status,field", [
    ("resident1", {"title": ""}, 422, "title"),
    ("resident1", {"title": None}, 422, "title"),
    ("resident1", {"category": "x" * 41}, 422, "category"),
    ("resident1", {"urgency": "now"}, 422, "urgency"),
    ("resident1", {"slots": 0}, 422, "slots"),
    ("resident1", {"slots": "two"}, 422, "slots"),
    ("resident1", {"community_id": "comm3"}, 422, "community_id"),
    ("resident1", {"grid_id": "grid3"}, 422, "grid_id"),
    ("resident1", {"grid_id": 2**40}, 422, "grid_id"),
    ("resident1", {"title": "a\x00b"}, 422, "title"),
    ("staff1", {"community_id": "comm1"}, 422, "resident_id"),
    ("staff1", {"community_id": "comm1", "resident_id": "resident2"}, 422, "resident_id"),
    ("staff3", {"community_id": "comm1", "resident_id": "resident1"}, 403, None),
    ("member1", {}, 403, None),
    ("unit_admin1", {}, 403, None),
])
def test_bad_input_or_role_writes_nothing(world, api, who, data, status, field):
    payload = {**ORDER}
    for key, value in data.items():
        payload[key] = getattr(world, value).id if isinstance(value, str) and hasattr(world, value) else value
    res = api(getattr(world, who)).post("/orders", payload)
    assert res.status_code == status, res.json
    if field:
        assert field in res.json["errors"], res.json
    assert count(Order) == 0 and count(OrderEvent) == 0 and count(Notification) == 0


def test_anonymous_is_401(world, api):
    assert api().post("/orders", ORDER).status_code == 401
    assert api().get("/orders").status_code == 401


@pytest.mark.parametrize("action,data,field", [
    ("dispatch", {}, "unit_id"), ("dispatch", {"to_pool": True, "deadline": "tomorrow"}, "deadline"),
    ("reject", {}, "reason"), ("reject", {"reason": ""}, "reason"), ("cancel", {"reason": " "}, "reason"),
])
def test_bad_transition_input_is_422_naming_the_field(world, api, make_order, action, data, field):
    order = make_order()
    res = api(world.staff1).post(f"/orders/{order.id}/{action}", data)
    assert res.status_code == 422 and field in res.json["errors"], res.json
    assert db.session.get(Order, order.id).status == "submitted"
    assert count(OrderEvent, OrderEvent.order_id == order.id) == 1


@pytest.mark.parametrize("action,data,who,field", [
    ("complete", {}, "member1", "note"), ("rate", {"score": 6}, "resident1", "score"),
    ("rate", {"score": "5"}, "resident1", "score"), ("rate", {}, "resident1", "score"),
])
def test_completing_and_rating_need_their_fields(world, api, make_order, action, data, who, field):
    order = make_order("claimed_unit" if action == "complete" else "completed")
    before = db.session.get(Order, order.id).status
    res = api(getattr(world, who)).post(f"/orders/{order.id}/{action}", data)
    assert res.status_code == 422 and field in res.json["errors"], res.json
    assert db.session.get(Order, order.id).status == before


def test_the_whole_path_through_the_api(world, api, make_order, now):
    order = make_order()
    deadline = (now + timedelta(days=10)).replace(microsecond=0)
    staff, unit, member, resident = (api(world.staff1), api(world.unit_admin1), api(world.member1),
                                     api(world.resident1))
    local = deadline.astimezone(LOCAL_TZ).replace(tzinfo=None).isoformat()  # no offset: Shanghai
    res = staff.post(f"/orders/{order.id}/dispatch", {"unit_id": world.unit1.id, "deadline": local})
    assert res.status_code == 200 and res.json["deadline"] == deadline.isoformat(), res.json
    assert unit.post(f"/orders/{order.id}/accept", {}).json["status"] == "accepted"
    res = member.post(f"/orders/{order.id}/claim")
    assert res.json["status"] == "claimed" and res.json["claims"][0]["member_id"] == world.member1.id
    assert res.json["actions"] == ["release", "complete"]
    assert member.post(f"/orders/{order.id}/claim").status_code == 409
    assert member.post(f"/orders/{order.id}/complete", {"note": "已维修"}).json["status"] == "completed"
    assert resident.get(f"/orders/{order.id}").json["actions"] == ["rate", "reopen"]
    res = resident.post(f"/orders/{order.id}/rate", {"score": 5, "comment": "及时"})
    assert (res.json["status"], res.json["score"], res.json["rating_comment"]) == ("closed", 5, "及时")
    assert [e["action"] for e in res.json["events"]] == [
        "submit", "dispatch", "accept", "claim", "complete", "rate"]
    assert resident.post(f"/orders/{order.id}/rate", {"score": 5}).status_code == 409


def test_decline_answers_with_the_order_the_unit_no_longer_sees(world, api, make_order):
    order = make_order("dispatched_unit")
    res = api(world.unit_admin1).post(f"/orders/{order.id}/decline", {"reason": "人手不足"})
    assert res.status_code == 200 and res.json["status"] == "submitted" and res.json["unit_id"] is None
    assert api(world.unit_admin1).get(f"/orders/{order.id}").status_code == 404


def test_a_member_releases_and_invitations_over_the_api(world, api, make_order):
    order = make_order("dispatched_pool", slots=2)
    staff = api(world.staff1)
    res = staff.post(f"/orders/{order.id}/invitations", {"member_id": world.member2.id})
    assert res.status_code == 201 and res.json["member_id"] == world.member2.id
    assert staff.post(f"/orders/{order.id}/invitations", {"member_id": world.member2.id}).status_code == 409
    assert staff.post(f"/orders/{order.id}/invitations", {"member_id": "x"}).status_code == 422
    assert api(world.member1).post(f"/orders/{order.id}/invitations",
                                   {"member_id": world.member2.id}).status_code == 403
    assert api(world.member2).post(f"/orders/{order.id}/claim").status_code == 200
    res = api(world.member2).post(f"/orders/{order.id}/release", {"reason": "临时加班"})
    assert res.status_code == 200 and res.json["claims"][0]["abandoned"] is True


# ---- reading -------------------------------------------------------------------------------------

@pytest.fixture
def spread(world, make_order, now):
    """Orders in several states and places: resident1's in comm1 (a late one among them), one
    of resident2 in comm3, one sent to unit2."""
    late = make_order("dispatched_pool", at=now - timedelta(days=5))
    orders = {"late": late, "submitted": make_order(), "accepted": make_order("accepted_unit"),
              "closed": make_order("closed"), "claimed_pool": make_order("claimed_pool")}
    other = services.create_order(world.resident2, **ORDER, now=now)
    services.dispatch(world.staff3, other.id, to_pool=True, now=now)
    to_unit2 = make_order()
    services.dispatch(world.staff1, to_unit2.id, unit_id=world.unit2.id, now=now)
    db.session.commit()
    orders.update(other=other, unit2=to_unit2)
    return {k: v.id for k, v in orders.items()}


@pytest.mark.parametrize("who,expected", [
    ("resident1", {"late", "submitted", "accepted", "closed", "claimed_pool", "unit2"}),
    ("resident2", {"other"}),
    ("staff1", {"late", "submitted", "accepted", "closed", "claimed_pool", "unit2"}),
    ("street_admin", {"late", "submitted", "accepted", "closed", "claimed_pool", "unit2"}),
    ("staff3", {"other"}),
    ("admin", {"late", "submitted", "accepted", "closed", "claimed_pool", "unit2", "other"}),
    ("unit_admin1", {"accepted", "closed"}),
    ("unit_admin2", {"unit2"}),
    ("member1", {"late", "accepted", "closed", "claimed_pool"}),  # offered, or his claims
    ("member2", {"late", "claimed_pool", "unit2"}),
    ("member3", {"accepted", "other"}),  # unit1's, and comm3's pool where he lives
    ("newbie", {"accepted"}),  # unit1's, though he registered nowhere
])
def test_lists_follow_the_viewers_scope(world, api, spread, who, expected):
    res = api(getattr(world, who)).get("/orders?page_size=100")
    assert res.status_code == 200, res.json
    ids = {i["id"] for i in res.json["items"]}
    assert ids == {spread[k] for k in expected}
    assert res.json["total"] == len(expected)
    for item in res.json["items"]:
        assert api(getattr(world, who)).get(f"/orders/{item['id']}").status_code == 200


def test_filters_status_overdue_community_and_paging(world, api, spread):
    staff = api(world.staff1)
    late = staff.get("/orders?overdue=true").json
    assert [i["id"] for i in late["items"]] == [spread["late"]] and late["items"][0]["overdue"]
    assert spread["late"] not in {i["id"] for i in staff.get("/orders?overdue=false").json["items"]}
    open_ = staff.get("/orders?status=open").json["items"]
    assert open_[0]["id"] == spread["late"]  # overdue first
    deadlines = [i["deadline"] for i in open_]
    assert deadlines == sorted(deadlines)
    assert {i["status"] for i in staff.get("/orders?status=closed").json["items"]} == {"closed"}
    assert api(world.admin).get(f"/orders?community_id={world.comm3.id}").json["total"] == 1
    page = staff.get("/orders?page=2&page_size=2").json
    assert page["total"] == 6 and len(page["items"]) == 2
    assert staff.get("/orders?page_size=101").status_code == 422
    assert staff.get("/orders?status=done").status_code == 422
    mine = api(world.member1).get("/orders?mine=true").json
    assert {i["id"] for i in mine["items"]} == {spread["closed"], spread["claimed_pool"]}
    claimable = api(world.member2).get("/orders?claimable=true").json
    assert {i["id"] for i in claimable["items"]} == {spread["late"]}


@pytest.mark.parametrize("who,sees_phone", [
    ("resident1", True), ("staff1", True), ("street_admin", True), ("member1", True),
    ("unit_admin1", False), ("member3", False)])
def test_the_residents_phone_is_masked_for_those_who_need_not_see_it(world, api, make_order, who,
                                                                     sees_phone):
    order = make_order("claimed_unit", contact_phone="13912345678")
    phone = api(getattr(world, who)).get(f"/orders/{order.id}").json["contact_phone"]
    assert phone == ("13912345678" if sees_phone else "139****5678")


def test_unknown_and_out_of_scope_orders_are_404(world, api, make_order):
    order = make_order()
    assert api(world.staff1).get("/orders/999999").status_code == 404
    assert api(world.staff3).get(f"/orders/{order.id}").status_code == 404
    assert api(world.resident2).get(f"/orders/{order.id}").status_code == 404
    assert api(world.member1).get(f"/orders/{order.id}").status_code == 404  # not dispatched yet
    assert api(world.staff1).get(f"/orders/{2**40}").status_code == 404


def test_candidates_api(world, api, make_order):
    order = make_order("dispatched_pool", grid_id=world.grid1.id)
    res = api(world.staff1).get(f"/orders/{order.id}/candidates?limit=1")
    assert res.status_code == 200, res.json
    assert res.json["order_id"] == order.id and len(res.json["items"]) == 1
    best = res.json["items"][0]
    assert best["member_id"] == world.member1.id and "同一网格（第一网格）" in best["reasons"]
    assert best["phone"] == world.member1.phone and best["score"] > 0
    assert api(world.staff3).get(f"/orders/{order.id}/candidates").status_code == 404
    assert api(world.member1).get(f"/orders/{order.id}/candidates").status_code == 403
    assert api(world.staff1).get(f"/orders/{order.id}/candidates?limit=0").status_code == 422


def test_openapi_documents_every_orders_endpoint(client):
    spec = client.get("/api/openapi.json").json
    paths = spec["paths"]
    assert "post" in paths["/api/v1/orders"] and "get" in paths["/api/v1/orders"]
    assert "get" in paths["/api/v1/orders/{order_id}"]
    for action in ("dispatch", "reject", "accept", "decline", "claim", "release", "complete",
                   "rate", "reopen", "cancel", "invitations"):
        assert "post" in paths[f"/api/v1/orders/{{order_id}}/{action}"], action
    assert "get" in paths["/api/v1/orders/{order_id}/candidates"]
    order = spec["components"]["schemas"]["OrderOut"]["properties"]
    for name in ("deadline", "overdue", "events", "claims", "slots", "claimed_count", "actions"):
        assert name in order


@pytest.mark.parametrize("who,path", [("staff1", "/orders?status=open"), ("staff1", "/orders"),
                                      ("member1", "/orders?claimable=true"),
                                      ("unit_admin1", "/orders"), ("resident1", "/orders")])
def test_statements_per_list_do_not_grow_with_orders(world, api, make_order, who, path):
    client = api(getattr(world, who))
    make_order("claimed_unit")
    make_order("dispatched_pool")
    small = statements(client, path)
    for setup in ("claimed_unit", "dispatched_pool", "closed", "submitted", "accepted_unit") * 2:
        make_order(setup)
    f.member_in(world.comm1)
    assert statements(client, path) == small


def test_reopen_is_offered_only_within_the_window(world, api, page, make_order, now):
    recent = make_order("completed", at=now - timedelta(days=6))
    old = make_order("completed", at=now - timedelta(days=8))
    resident = api(world.resident1)
    assert resident.get(f"/orders/{recent.id}").json["actions"] == ["rate", "reopen"]
    assert resident.get(f"/orders/{old.id}").json["actions"] == ["rate"]
    assert resident.post(f"/orders/{old.id}/reopen", {"reason": "又坏了"}).status_code == 409
    pages = page(world.resident1)
    assert "重新打开" in pages.get(f"/orders/{recent.id}").get_data(as_text=True)
    assert "重新打开" not in pages.get(f"/orders/{old.id}").get_data(as_text=True)


@pytest.mark.parametrize("category", ["<img src=x onerror=alert(1)>", "修水管", "", "x" * 41])
def test_an_order_category_outside_the_list_is_a_422_naming_it(world, api, category):
    res = api(world.resident1).post("/orders", {**ORDER, "category": category})
    assert res.status_code == 422 and "category" in res.json["errors"], res.json
    assert count(Order) == 0 and count(Notification) == 0
