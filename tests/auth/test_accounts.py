"""The account lifecycle (app/auth/accounts.py): change one's password, reset another's to a
one-time temporary password that must be changed, disable and re-enable; who may do which
(role and scope), bad input, the must-change gate on pages and the API, the audit record."""
import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.auth.models import ApiToken, User
from app.extensions import db
from tests import factories as f
from tests.conftest import count, settle

NEW = "Quiet-River-7781"


def token_for(api, username, password):
    return api().post("/auth/token", {"username": username, "password": password})


def audit(action):
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


# ---- change one's own password ---------------------------------------------------------------

def test_change_password_through_the_api(world, api):
    mine, other = api(world.member1), api(world.member1)
    res = mine.post("/me/password", {"current_password": f.PASSWORD, "new_password": NEW})
    assert res.status_code == 204, res.json
    assert mine.get("/me").status_code == 200  # this token stays
    assert other.get("/me").status_code == 401  # every other one ends
    assert token_for(api, world.member1.username, f.PASSWORD).status_code == 401
    assert token_for(api, world.member1.username, NEW).status_code == 201
    [entry] = audit("user.password_change")
    me = world.member1.id
    assert (entry.actor_id, entry.target_type, entry.target_id) == (me, "user", me)
    assert NEW not in str(entry.detail)


@pytest.mark.parametrize("body,field", [
    ({"current_password": "wrong-one", "new_password": NEW}, "current_password"),
    ({"current_password": f.PASSWORD, "new_password": "12345678"}, "new_password"),
    ({"current_password": f.PASSWORD, "new_password": "password"}, "new_password"),
    ({"current_password": f.PASSWORD, "new_password": "        "}, "new_password"),
    ({"current_password": f.PASSWORD, "new_password": "member1_w!"}, "new_password"),  # the username
    ({"current_password": f.PASSWORD, "new_password": f.PASSWORD}, "new_password"),  # unchanged
    ({"current_password": f.PASSWORD}, "new_password"),
    ({"new_password": NEW}, "current_password"),
])
def test_change_password_bad_input_is_422_naming_the_field_and_changes_nothing(world, api, body, field):
    other = api(world.member1)
    res = api(world.member1).post("/me/password", body)
    assert res.status_code == 422 and field in res.json["errors"], res.json
    assert other.get("/me").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, world.member1.id).check_password(f.PASSWORD)
    assert audit("user.password_change") == []


def test_change_password_needs_a_sign_in(api):
    assert api().post("/me/password", {"current_password": "x", "new_password": NEW}).status_code == 401


def test_change_password_page(world, page):
    client = page(world.resident1)
    html = client.get("/me/password").get_data(as_text=True)
    assert "修改密码" in html and 'name="current_password"' in html and "退出所有设备" in html
    assert 'name="viewport"' in html
    res = client.post("/me/password", data={"current_password": f.PASSWORD, "new_password": NEW,
                                            "confirm": NEW})
    assert res.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, world.resident1.id).check_password(NEW)


@pytest.mark.parametrize("data,field,message", [
    ({"current_password": "wrong", "new_password": NEW, "confirm": NEW}, "current_password",
     "当前密码不正确"),
    ({"current_password": f.PASSWORD, "new_password": "12345678", "confirm": "12345678"}, "new_password",
     "太常见"),
    ({"current_password": f.PASSWORD, "new_password": NEW, "confirm": NEW + "x"}, "confirm", "不一致"),
    ({"current_password": f.PASSWORD, "new_password": "", "confirm": ""}, "new_password", ""),
])
def test_change_password_page_shows_the_reason_under_the_field(world, page, data, field, message):
    res = page(world.resident1).post("/me/password", data=data)
    html = res.get_data(as_text=True)
    assert res.status_code == 422 and f'id="{field}"' in html and message in html
    db.session.expire_all()
    assert db.session.get(User, world.resident1.id).check_password(f.PASSWORD)


def test_every_page_has_the_change_password_link(world, page):
    for who in ("member1", "staff1", "admin", "resident1", "unit_admin1", "street_admin"):
        html = page(getattr(world, who)).get("/me/password").get_data(as_text=True)
        assert 'href="/me/password"' in html


# ---- reset ----------------------------------------------------------------------------------

RESET = [  # (actor, target, status)
    ("admin", "staff1", 200), ("admin", "member1", 200), ("admin", "unit_admin1", 200),
    ("admin", "street_admin", 200), ("admin", "admin", 403),
    ("street_admin", "staff1", 200), ("street_admin", "resident1", 200), ("street_admin", "member1", 200),
    ("street_admin", "staff3", 404), ("street_admin", "resident2", 404), ("street_admin", "member3", 404),
    ("street_admin", "admin", 404), ("street_admin", "unit_admin1", 404),
    ("street_admin", "street_admin", 403),
    ("staff1", "resident1", 200), ("staff1", "resident2", 404), ("staff1", "member1", 403),
    ("staff1", "staff2", 404), ("staff1", "street_admin", 404), ("staff1", "admin", 404),
    ("staff3", "resident1", 404),
    ("member1", "resident1", 403), ("resident1", "resident1", 403), ("unit_admin1", "member1", 403),
]


@pytest.mark.parametrize("actor,target,status", RESET)
def test_who_may_reset_a_password(world, api, actor, target, status):
    user = getattr(world, target)
    res = api(getattr(world, actor)).post(f"/users/{user.id}/password-reset")
    assert res.status_code == status, res.json
    db.session.expire_all()
    user = db.session.get(User, user.id)
    if status == 200:
        assert user.must_change_password and user.check_password(res.json["temporary_password"])
        assert len(audit("user.password_reset")) == 1
    else:
        assert user.check_password(f.PASSWORD) and not user.must_change_password
        assert audit("user.password_reset") == []


def test_reset_of_an_unknown_account_is_404(world, api):
    assert api(world.admin).post("/users/999999/password-reset").status_code == 404
    assert api(world.admin).post("/users/999999/disable").status_code == 404


def test_a_reset_ends_the_accounts_sessions_and_forces_a_change(world, api, page):
    victim_api = api(world.resident1)
    victim_page = page(world.resident1)
    res = api(world.staff1).post(f"/users/{world.resident1.id}/password-reset")
    temporary = res.json["temporary_password"]
    assert len(temporary) == 14 and temporary.count("-") == 2
    assert victim_api.get("/me").status_code == 401
    assert victim_page.get("/resident").status_code == 302
    assert token_for(api, world.resident1.username, f.PASSWORD).status_code == 401
    [entry] = audit("user.password_reset")
    assert (entry.actor_id, entry.target_id) == (world.staff1.id, world.resident1.id)
    assert temporary not in str(entry.detail)

    # Signed in with the temporary password, only the password change is open.
    token = token_for(api, world.resident1.username, temporary)
    assert token.status_code == 201 and token.json["user"]["must_change_password"] is True
    client = api()
    client.token = token.json["token"]
    res = client.get("/orders")
    assert res.status_code == 403 and "/api/v1/me/password" in res.json["message"]
    assert res.json["errors"] == {"password": ["must_change_password"]}
    assert client.get("/me").status_code == 200
    res = client.post("/me/password", {"current_password": temporary, "new_password": NEW})
    assert res.status_code == 204
    assert client.get("/orders").status_code == 200
    db.session.expire_all()
    assert not db.session.get(User, world.resident1.id).must_change_password


def test_a_temporary_password_leads_to_the_change_page_after_sign_in(world, api, page):
    temporary = api(world.admin).post(f"/users/{world.member1.id}/password-reset").json["temporary_password"]
    client = page()
    res = client.post("/login?next=/me", data={"username": world.member1.username, "password": temporary})
    assert res.status_code == 302 and res.headers["Location"] == "/me/password"
    res = client.get("/me")
    assert res.status_code == 302 and res.headers["Location"] == "/me/password"
    assert "临时密码" in client.get("/me/password").get_data(as_text=True)
    res = client.post("/me/password", data={"current_password": temporary, "new_password": NEW,
                                            "confirm": NEW})
    assert res.status_code == 302
    assert client.get("/me").status_code == 200


def test_accounts_created_by_staff_or_admins_must_change_their_password(world, api):
    res = api(world.staff1).post("/users", {"username": "walkin", "password": NEW, "name": "居民",
                                            "role": "resident", "place_id": world.comm1.id})
    assert res.status_code == 201 and res.json["must_change_password"] is True
    res = api().post("/members/signup", {"username": "selfmade", "password": NEW, "name": "李明",
                                         "phone": "13911112222", "unit_id": world.unit1.id})
    assert res.status_code == 201 and res.json["must_change_password"] is False


# ---- disable and enable ---------------------------------------------------------------------

DISABLE = [
    ("admin", "member1", 200), ("admin", "staff1", 200), ("admin", "admin", 403),
    ("street_admin", "staff1", 200), ("street_admin", "resident1", 200), ("street_admin", "member1", 200),
    ("street_admin", "staff3", 404), ("street_admin", "unit_admin1", 404), ("street_admin", "admin", 404),
    ("staff1", "resident1", 403), ("member1", "member2", 403), ("unit_admin1", "member1", 403),
    ("resident1", "resident1", 403),
]


@pytest.mark.parametrize("actor,target,status", DISABLE)
def test_who_may_disable_an_account(world, api, actor, target, status):
    user = getattr(world, target)
    res = api(getattr(world, actor)).post(f"/users/{user.id}/disable")
    assert res.status_code == status, res.json
    db.session.expire_all()
    assert db.session.get(User, user.id).is_active is (status != 200)
    assert len(audit("user.disable")) == (1 if status == 200 else 0)


def test_a_disabled_account_cannot_sign_in_until_enabled(world, api, page):
    assert api(world.street_admin).post(f"/users/{world.staff1.id}/disable").json["is_active"] is False
    assert token_for(api, world.staff1.username, f.PASSWORD).status_code == 401
    assert page().post("/login", data={"username": world.staff1.username,
                                       "password": f.PASSWORD}).status_code == 401
    res = api(world.street_admin).post(f"/users/{world.staff1.id}/enable")
    assert res.status_code == 200 and res.json["is_active"] is True
    assert token_for(api, world.staff1.username, f.PASSWORD).status_code == 201
    assert [e.action for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))] == [
        "user.disable", "user.enable"]


def test_disabling_twice_records_once(world, api):
    for _ in range(2):
        assert api(world.admin).post(f"/users/{world.member1.id}/disable").status_code == 200
    assert len(audit("user.disable")) == 1


def test_enable_is_scoped_like_disable(world, api):
    world.staff3.is_active = False
    settle()
    assert api(world.street_admin).post(f"/users/{world.staff3.id}/enable").status_code == 404
    assert api(world.staff1).post(f"/users/{world.staff3.id}/enable").status_code == 403
    db.session.expire_all()
    assert db.session.get(User, world.staff3.id).is_active is False


# ---- the admin pages ------------------------------------------------------------------------

def test_admin_accounts_page_resets_disables_and_enables(world, page):
    client = page(world.admin)
    html = client.get("/admin/accounts").get_data(as_text=True)
    assert f"/accounts/{world.member1.id}/password-reset" in html
    assert f"/accounts/{world.member1.id}/disable" in html
    assert f"/accounts/{world.admin.id}/disable" not in html  # not on his own row
    res = client.post(f"/accounts/{world.member1.id}/password-reset",
                      headers={"Referer": "http://localhost/admin/accounts?q=member"})
    html = res.get_data(as_text=True)
    assert res.status_code == 200 and "临时密码" in html and 'href="/admin/accounts?q=member"' in html
    db.session.expire_all()
    temporary = html.split('data-testid="password">')[1].split("<")[0]
    assert db.session.get(User, world.member1.id).check_password(temporary)
    res = client.post(f"/accounts/{world.member1.id}/disable", headers={"Referer": "http://localhost/admin/accounts"})
    assert res.status_code == 302 and res.headers["Location"] == "/admin/accounts"
    html = client.get("/admin/accounts").get_data(as_text=True)
    assert "已停用" in html and f"/accounts/{world.member1.id}/enable" in html
    assert client.post(f"/accounts/{world.member1.id}/enable").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, world.member1.id).is_active


def test_account_actions_on_pages_are_scoped(world, page):
    assert page(world.staff1).post(f"/accounts/{world.resident2.id}/password-reset").status_code == 302  # 404
    assert page(world.staff1).post(f"/accounts/{world.resident1.id}/disable").status_code == 302  # 403
    assert page(world.member1).post(f"/accounts/{world.member2.id}/disable").status_code == 302  # 403
    db.session.expire_all()
    assert db.session.get(User, world.resident1.id).is_active
    assert db.session.get(User, world.resident2.id).check_password(f.PASSWORD)
    assert page(world.staff1).post(f"/accounts/{world.resident1.id}/password-reset").status_code == 200


def test_account_actions_need_the_csrf_token(app, world, page):
    from tests.auth.test_security import csrf_on

    client = page(world.admin)
    with csrf_on(app):
        assert client.post(f"/accounts/{world.member1.id}/disable").status_code == 400
        assert client.post(f"/accounts/{world.member1.id}/password-reset").status_code == 400
        assert client.post("/logout/all").status_code == 400
    db.session.expire_all()
    assert db.session.get(User, world.member1.id).is_active
    assert count(ApiToken) == 0


def test_the_api_documents_the_account_endpoints(client):
    spec = client.get("/api/openapi.json").json
    paths = spec["paths"]
    assert {"/api/v1/me/password", "/api/v1/users/{user_id}/password-reset",
            "/api/v1/users/{user_id}/disable", "/api/v1/users/{user_id}/enable"} <= set(paths)
    assert {"401", "403", "404"} <= set(paths["/api/v1/users/{user_id}/password-reset"]["post"]["responses"])
    assert any(p["name"] == "all" for p in paths["/api/v1/auth/token"]["delete"]["parameters"])


@pytest.mark.parametrize("production,must_change", [(False, False), (True, True)])
def test_demo_accounts_must_change_the_shared_password_only_in_production(app, world, production,
                                                                          must_change):
    from app.auth.services import create_demo_user
    from config import Config, ProductionConfig

    assert Config.DEMO_MUST_CHANGE_PASSWORD is False and ProductionConfig.DEMO_MUST_CHANGE_PASSWORD is True
    app.config["DEMO_MUST_CHANGE_PASSWORD"] = production
    try:
        user = create_demo_user(username="demo_x", password="demo1234", name="演示", role="resident",
                                place_id=world.comm1.id)
    finally:
        app.config["DEMO_MUST_CHANGE_PASSWORD"] = False
    assert user.check_password("demo1234") and user.must_change_password is must_change
