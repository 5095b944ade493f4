"""The API and pages of 表彰."""
from datetime import timedelta

import pytest

from app.extensions import db
from app.honours.models import Honour, HonourObjection
from tests.conftest import count, settle

NOMINATION = {"kind": "excellent_member", "reasons": "带头认领困难群众需求"}


def _publicity_over(honour_id):
    honour = db.session.get(Honour, honour_id)
    db.session.refresh(honour)
    honour.publicity_ends_at = honour.publicity_ends_at - timedelta(days=6)
    settle()


def test_the_flow_over_the_api(world, api):
    res = api(world.staff1).post("/honours", {**NOMINATION, "member_id": world.member1.id})
    assert res.status_code == 201 and res.json["status"] == "nominated"
    assert res.json["community_id"] == world.comm1.id
    hid = res.json["id"]
    assert api(world.staff1).post(f"/honours/{hid}/approve", {}).status_code == 403
    approved = api(world.street_admin).post(f"/honours/{hid}/approve", {})
    assert approved.status_code == 200 and approved.json["status"] == "publicity"
    assert api(world.resident1).get("/honours").json["total"] == 1
    objection = api(world.resident1).post(f"/honours/{hid}/object", {"reason": "情况不属实"})
    assert objection.status_code == 201
    assert api(world.resident1).post(f"/honours/{hid}/object", {"reason": "again"}).status_code == 409
    assert api(world.street_admin).post(f"/honours/{hid}/grant", {}).status_code == 409  # still in publicity
    _publicity_over(hid)
    missing_note = api(world.street_admin).post(f"/honours/{hid}/grant", {})
    assert missing_note.status_code == 422 and "note" in missing_note.json["errors"]
    granted = api(world.street_admin).post(f"/honours/{hid}/grant", {"note": "已核实，情况属实"})
    assert granted.status_code == 200 and granted.json["status"] == "granted"
    assert granted.json["objection_count"] == 1


@pytest.mark.parametrize("body, field", [
    ({"kind": "medal", "member_id": 1, "reasons": "x"}, "kind"),
    ({"kind": "service_star", "reasons": " "}, "reasons"),
    ({"kind": "team", "reasons": "x", "community_id": 1}, "team_name"),
    ({"kind": "service_star", "member_id": "abc", "reasons": "x"}, "member_id"),
])
def test_bad_input_is_422_naming_the_field(world, api, body, field):
    if body.get("community_id") == 1:
        body = {**body, "community_id": world.comm1.id}
    res = api(world.staff1).post("/honours", body)
    assert res.status_code == 422 and field in res.json["errors"]
    assert count(Honour) == 0


def test_roles_and_scope(world, api):
    body = {**NOMINATION, "member_id": world.member1.id}
    assert api(world.member1).post("/honours", body).status_code == 403
    assert api(world.staff3).post("/honours", body).status_code == 404
    hid = api(world.staff1).post("/honours", body).json["id"]
    not_public_yet = api(world.resident1).post(f"/honours/{hid}/object", {"reason": "x"})
    assert not_public_yet.status_code == 404
    assert api(world.staff1).post(f"/honours/{hid}/object", {"reason": "x"}).status_code == 403
    assert api(world.resident2).get("/honours").json["total"] == 0
    assert count(HonourObjection) == 0


def test_pages(world, page, api):
    hid = api(world.staff1).post("/honours", {**NOMINATION, "member_id": world.member1.id}).json["id"]
    street = page(world.street_admin)
    html = street.get("/honours").get_data(as_text=True)
    assert "批准并公示" in html and world.member1.name in html
    assert street.post(f"/honours/{hid}/approve", data={"note": ""}).status_code == 302
    resident = page(world.resident1)
    html = resident.get("/honours").get_data(as_text=True)
    assert "公示中" in html and "对此有异议" in html
    assert resident.post(f"/honours/{hid}/object", data={"reason": "请核实"}).status_code == 302
    assert count(HonourObjection) == 1
    staff = page(world.staff1)
    bad = staff.post("/honours/new", data={"kind": "service_star", "member_id": "0", "reasons": ""})
    assert bad.status_code == 422 and count(Honour) == 1
    ok = staff.post("/honours/new", data={"kind": "service_star", "member_id": str(world.member2.id),
                                          "reasons": "热心服务"})
    assert ok.status_code == 302 and count(Honour) == 2


def test_a_granted_honour_shows_on_the_members_home(world, page, api):
    hid = api(world.staff1).post("/honours", {**NOMINATION, "member_id": world.member1.id}).json["id"]
    api(world.street_admin).post(f"/honours/{hid}/approve", {})
    assert "我的荣誉" not in page(world.member1).get("/me").get_data(as_text=True)
    _publicity_over(hid)
    assert api(world.street_admin).post(f"/honours/{hid}/grant", {}).status_code == 200
    html = page(world.member1).get("/me").get_data(as_text=True)
    assert "我的荣誉" in html and "优秀在职党员" in html
