import threading

import pytest

from app.audit.models import AuditEntry
from app.extensions import db
from app.registrations.models import Registration
from tests import factories as f
from tests.conftest import count, settle


def resolve(world, body: dict) -> dict:
    """Values naming a place of the world ("comm1", "grid1") become its id."""
    return {k: getattr(world, v).id if isinstance(v, str) and hasattr(world, v) else v
            for k, v in body.items()}


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


# ---- who may do what: (role, endpoint) -----------------------------------------------------

def _pending_reg(w):
    reg = Registration(member_id=w.newbie.id, community_id=w.comm1.id, grid_id=w.grid1.id,
                       address="仓边路1号", skills=["理发"], availability="周末", status="pending")
    db.session.add(reg)
    settle()
    return reg


ENDPOINTS = {
    "get": ("GET", "/registrations/{id}", None),
    "approve": ("POST", "/registrations/{id}/approve", {}),
    "reject": ("POST", "/registrations/{id}/reject", {"reason": "不在本社区"}),
    "transfer": ("POST", "/registrations/{id}/transfer", {"community_id": "comm3", "address": "光孝路1号"}),
    "list": ("GET", "/registrations?community_id={community}", None),
    "create": ("POST", "/registrations", {"community_id": "comm1", "address": "仓边路2号"}),
}
# Expected status per (who, endpoint) for newbie's pending registration in comm1.
MATRIX = {
    "newbie": {"get": 200, "approve": 403, "reject": 403, "transfer": 201, "list": 200, "create": 409},
    "member1": {"get": 404, "approve": 403, "reject": 403, "transfer": 404, "list": 200, "create": 409},
    "staff1": {"get": 200, "approve": 200, "reject": 200, "transfer": 403, "list": 200, "create": 403},
    "staff3": {"get": 404, "approve": 404, "reject": 404, "transfer": 403, "list": 403, "create": 403},
    "street_admin": {"get": 200, "approve": 200, "reject": 200, "transfer": 403, "list": 200, "create": 403},
    "admin": {"get": 200, "approve": 200, "reject": 200, "transfer": 403, "list": 200, "create": 403},
    "unit_admin1": {"get": 403, "approve": 403, "reject": 403, "transfer": 403, "list": 403, "create": 403},
    "resident1": {"get": 403, "approve": 403, "reject": 403, "transfer": 403, "list": 403, "create": 403},
    None: {"get": 401, "approve": 401, "reject": 401, "transfer": 401, "list": 401, "create": 401},
}


@pytest.mark.parametrize("who,endpoint,expected", [
    (who, endpoint, status) for who, row in MATRIX.items() for endpoint, status in row.items()])
def test_role_and_scope_matrix(world, api, who, endpoint, expected):
    reg = _pending_reg(world)
    method, path, body = ENDPOINTS[endpoint]
    if body:
        body = {k: getattr(world, v).id if k == "community_id" else v for k, v in body.items()}
    path = path.format(id=reg.id, community=world.comm1.id)
    before = count(Registration)
    res = api(getattr(world, who) if who else None).open(method, path, json=body)
    assert res.status_code == expected, res.json
    assert res.json["code"] == expected if expected >= 400 else True
    changed = {"approve": 0, "reject": 0, "transfer": 1, "create": 1}.get(endpoint, 0)
    assert count(Registration) == before + (changed if expected in (200, 201) else 0)
    if expected >= 400:
        assert db_status(reg.id) == "pending"


# ---- duplicates and races ------------------------------------------------------------------

def test_a_rejected_member_may_register_again_but_never_twice_open(world, api):
    w = world
    reg_id = api(w.newbie).post("/registrations", register_body(w)).json["id"]
    api(w.staff1).post(f"/registrations/{reg_id}/reject", {"reason": "门牌号不全"})
    res = api(w.newbie).post("/registrations", register_body(w, address="仓边路1号2栋301"))
    assert res.status_code == 201
    assert api(w.newbie).post("/registrations", register_body(w)).status_code == 409
    assert count(Registration, Registration.member_id == w.newbie.id) == 2


def test_an_approved_member_registering_again_is_409(world, api):
    res = api(world.member1).post("/registrations",
                                  register_body(world, community_id=world.comm2.id, grid_id=None))
    assert res.status_code == 409
    assert count(Registration, Registration.member_id == world.member1.id) == 1


@pytest.mark.commits
def test_concurrent_duplicate_registrations_give_one_201_and_one_409(app):
    """Two requests race (threads, separate connections, each committing): the partial unique
    index keeps one open registration whatever the interleaving."""
    from app.auth.services import issue_token

    w = f.build_world()
    tokens = [issue_token(w.newbie)[0] for _ in range(2)]
    body = register_body(w)
    member_id = w.newbie.id
    db.session.commit()
    db.session.remove()
    barrier = threading.Barrier(2)
    results = []

    def post(token):
        client = app.test_client()
        barrier.wait()
        res = client.post("/api/v1/registrations", json=body, headers={"Authorization": f"Bearer {token}"})
        results.append(res.status_code)

    threads = [threading.Thread(target=post, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == [201, 409]
    assert count(Registration, Registration.member_id == member_id) == 1
    db.session.remove()


# ---- approve, reject, transfer -------------------------------------------------------------

def test_approval_notifies_the_member_and_records_who_decided(world, api):
    from app.notifications.models import Notification

    reg = _pending_reg(world)
    res = api(world.staff1).post(f"/registrations/{reg.id}/approve")
    assert res.status_code == 200 and res.json["approved_at"] and res.json["decided_at"]
    db.session.expire_all()
    assert db.session.get(Registration, reg.id).decided_by_id == world.staff1.id
    assert count(Notification, Notification.user_id == world.newbie.id,
                 Notification.kind == "registration_approved") == 1


def test_reject_keeps_the_reason_and_ends_the_registration(world, api):
    reg = _pending_reg(world)
    res = api(world.staff1).post(f"/registrations/{reg.id}/reject", {"reason": "  地址不在本社区 "})
    assert res.status_code == 200
    assert (res.json["status"], res.json["reason"]) == ("rejected", "地址不在本社区")
    assert res.json["ended_at"] is not None
    assert api(world.staff1).post(f"/registrations/{reg.id}/reject", {"reason": "x"}).status_code == 409


@pytest.mark.parametrize("body", [{"reason": ""}, {"reason": "x" * 501}, {"reason": None}])
def test_bad_reject_input_is_422_and_changes_nothing(world, api, body):
    reg = _pending_reg(world)
    res = api(world.staff1).post(f"/registrations/{reg.id}/reject", body)
    assert res.status_code == 422 and "reason" in res.json["errors"]
    assert db_status(reg.id) == "pending"


def test_transfer_of_a_pending_registration_and_to_a_grid(world, api):
    reg = _pending_reg(world)
    res = api(world.newbie).post(f"/registrations/{reg.id}/transfer",
                                 {"community_id": world.comm2.id, "grid_id": world.grid3.id,
                                  "address": "都府街5号"})
    assert res.status_code == 201 and res.json["grid_id"] == world.grid3.id
    assert res.json["skills"] == ["理发"] and res.json["availability"] == "周末"  # kept
    assert db_status(reg.id) == "transferred"
    # The old one is closed: transferring it again is a conflict.
    again = api(world.newbie).post(f"/registrations/{reg.id}/transfer",
                                   {"community_id": world.comm3.id, "address": "x"})
    assert again.status_code == 409


@pytest.mark.parametrize("body,field", [
    ({"community_id": "grid1", "address": "x"}, "community_id"),
    ({"community_id": "comm3", "grid_id": "grid1", "address": "x"}, "grid_id"),
    ({"community_id": "comm3", "address": ""}, "address"),
    ({"community_id": "comm3"}, "address"),
    ({"community_id": "comm3", "address": "x", "skills": ["x"]}, "skills"),  # not a transfer field
])
def test_bad_transfer_input_changes_nothing(world, api, body, field):
    reg = Registration.query.filter_by(member_id=world.member1.id).one()
    body = resolve(world, body)
    before = count(Registration)
    res = api(world.member1).post(f"/registrations/{reg.id}/transfer", body)
    assert res.status_code == 422 and field in res.json["errors"], res.json
    assert count(Registration) == before and db_status(reg.id) == "approved"


@pytest.mark.parametrize("body,field", [
    ({"community_id": "comm1", "address": ""}, "address"),
    ({"community_id": "comm1", "address": "x" * 201}, "address"),
    ({"community_id": "comm1", "address": "x", "skills": ["x"] * 21}, "skills"),
    ({"community_id": "comm1", "address": "x", "skills": ["x" * 41]}, "skills"),
    ({"community_id": "comm1", "address": "x", "skills": "理发"}, "skills"),
    ({"community_id": "comm1", "address": "x", "availability": "x" * 201}, "availability"),
    ({"community_id": "comm1", "address": "x", "status": "approved"}, "status"),
    ({"community_id": 2**31, "address": "x"}, "community_id"),
    ({"community_id": "comm1", "address": "x", "grid_id": 0}, "grid_id"),
])
def test_more_bad_registration_input(world, api, body, field):
    body = resolve(world, body)
    res = api(world.newbie).post("/registrations", body)
    assert res.status_code == 422 and field in res.json["errors"], res.json
    assert count(Registration, Registration.member_id == world.newbie.id) == 0


# ---- listing -------------------------------------------------------------------------------

def test_member_lists_his_own_history_only(world, api):
    reg = Registration.query.filter_by(member_id=world.member1.id).one()
    api(world.member1).post(f"/registrations/{reg.id}/transfer",
                            {"community_id": world.comm3.id, "address": "x"})
    res = api(world.member1).get("/registrations")
    assert res.json["total"] == 2 and {r["member_id"] for r in res.json["items"]} == {world.member1.id}
    assert [r["status"] for r in res.json["items"]] == ["pending", "transferred"]  # newest first


def test_list_paginates_and_filters(world, api):
    for n in range(5):
        member = f.MemberFactory(unit=world.unit1)
        db.session.add(Registration(member_id=member.id, community_id=world.comm2.id, address=f"{n}号",
                                    skills=[], availability="", status="pending"))
    settle()
    client = api(world.street_admin)
    page1 = client.get(f"/registrations?status=pending&community_id={world.comm2.id}&page_size=2")
    page3 = client.get(f"/registrations?status=pending&community_id={world.comm2.id}&page_size=2&page=3")
    assert page1.json["total"] == 5 and len(page1.json["items"]) == 2 and len(page3.json["items"]) == 1
    assert client.get("/registrations?status=approved").json["total"] == 2  # member1, member2 in street1
    assert api(world.admin).get("/registrations?status=approved").json["total"] == 3


@pytest.mark.parametrize("query,field", [("status=maybe", "status"), ("page=0", "page"),
                                         ("page_size=101", "page_size"),
                                         ("community_id=abc", "community_id")])
def test_bad_list_query_is_422(world, api, query, field):
    res = api(world.staff1).get(f"/registrations?{query}")
    assert res.status_code == 422 and field in res.json["errors"]


def test_list_with_an_unknown_community_is_404(world, api):
    assert api(world.staff1).get("/registrations?community_id=999999").status_code == 404
