import pytest

from app.audit.models import AuditEntry
from app.registrations.models import Registration
from tests.conftest import count


def register_body(w, **over):
    return {"community_id": w.comm1.id, "grid_id": w.grid1.id, "address": "仓边路1号",
            "skills": ["法律咨询"], "availability": "周末", **over}


def test_member_registers_and_staff_approves(world, api):
    w = world
    res = api(w.newbie).post("/registrations", register_body(w))
    assert res.status_code == 201, res.json
    reg_id = res.json["id"]
    assert res.json["status"] == "pending"
    res = api(w.staff1).post(f"/registrations/{reg_id}/approve")
    assert res.status_code == 200
    assert res.json["status"] == "approved"
    assert count(AuditEntry, AuditEntry.action == "registration.approve",
                 AuditEntry.target_id == reg_id) == 1


def test_second_open_registration_is_409(world, api):
    w = world
    assert api(w.newbie).post("/registrations", register_body(w)).status_code == 201
    res = api(w.newbie).post("/registrations", register_body(w, community_id=w.comm2.id, grid_id=None))
    assert res.status_code == 409
    assert res.json["code"] == 409
    assert count(Registration, Registration.member_id == w.newbie.id) == 1


@pytest.mark.parametrize("body,field", [
    ({"community_id": 999999, "address": "x"}, "community_id"),
    ({"address": "x"}, "community_id"),
    ({"community_id": "abc", "address": "x"}, "community_id"),
])
def test_bad_input_names_the_field_and_writes_nothing(world, api, body, field):
    res = api(world.newbie).post("/registrations", body)
    assert res.status_code in (400, 422)
    assert field in res.json["errors"]
    assert count(Registration, Registration.member_id == world.newbie.id) == 0


def test_grid_must_belong_to_community(world, api):
    res = api(world.newbie).post("/registrations", register_body(world, grid_id=world.grid3.id))
    assert res.status_code == 422
    assert "grid_id" in res.json["errors"]


def test_staff_of_another_community_cannot_approve(world, api):
    w = world
    reg_id = api(w.newbie).post("/registrations", register_body(w)).json["id"]
    res = api(w.staff3).post(f"/registrations/{reg_id}/approve")
    assert res.status_code == 404
    assert db_status(reg_id) == "pending"


@pytest.mark.parametrize("who", ["member1", "unit_admin1", "resident1"])
def test_wrong_role_cannot_approve(world, api, who):
    w = world
    reg_id = api(w.newbie).post("/registrations", register_body(w)).json["id"]
    assert api(getattr(w, who)).post(f"/registrations/{reg_id}/approve").status_code == 403
    assert db_status(reg_id) == "pending"


def test_reject_needs_reason(world, api):
    w = world
    reg_id = api(w.newbie).post("/registrations", register_body(w)).json["id"]
    assert api(w.staff1).post(f"/registrations/{reg_id}/reject", {}).status_code == 422
    res = api(w.staff1).post(f"/registrations/{reg_id}/reject", {"reason": "地址不在本社区"})
    assert res.status_code == 200 and res.json["status"] == "rejected"
    assert api(w.staff1).post(f"/registrations/{reg_id}/approve").status_code == 409


def test_transfer_keeps_history(world, api):
    w = world
    reg = Registration.query.filter_by(member_id=w.member1.id).one()
    res = api(w.member1).post(f"/registrations/{reg.id}/transfer",
                              {"community_id": w.comm3.id, "address": "光孝路2号"})
    assert res.status_code == 201
    assert res.json["status"] == "pending" and res.json["previous_id"] == reg.id
    assert db_status(reg.id) == "transferred"
    assert api(w.member2).post(f"/registrations/{reg.id}/transfer",
                               {"community_id": w.comm3.id, "address": "x"}).status_code == 404


def test_staff_list_is_scoped(world, api):
    w = world
    api(w.newbie).post("/registrations", register_body(w))
    res = api(w.staff3).get("/registrations?status=pending")
    assert res.status_code == 200 and res.json["total"] == 0
    res = api(w.staff1).get("/registrations?status=pending")
    assert res.json["total"] == 1
    assert api(w.staff3).get(f"/registrations?community_id={w.comm1.id}").status_code == 403


def test_unauthenticated_is_401(world, api):
    assert api().post("/registrations", register_body(world)).status_code == 401


def db_status(reg_id):
    from app.extensions import db

    db.session.expire_all()
    return db.session.get(Registration, reg_id).status
