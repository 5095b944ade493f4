"""Production safety: secret key, cookies, CSRF, sign-in throttling on the page, no stack
trace to clients, phone masking, and an audit record for every staff and admin action."""
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from app import create_app
from app.audit.models import AuditEntry
from app.auth.models import User
from app.auth.permissions import mask_phone, visible_phone
from app.extensions import db
from app.places.models import Place, Unit
from app.registrations.models import Registration, UnitRegistration
from config import DEFAULT_SECRET_KEY, ProductionConfig
from tests import factories as f
from tests.conftest import count, settle

# ---- configuration -------------------------------------------------------------------------

def test_production_refuses_the_default_secret_key(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", DEFAULT_SECRET_KEY)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


@pytest.mark.parametrize("key", ["", "short-key"])
def test_production_refuses_a_short_secret_key(monkeypatch, key):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", key)
    with pytest.raises(RuntimeError):
        ProductionConfig.check()


def test_production_accepts_a_long_random_key_and_secures_cookies(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "9f2c" * 16)
    ProductionConfig.check()
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.SESSION_COOKIE_HTTPONLY and ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax"


def test_session_cookie_is_httponly_and_samesite(world, page):
    res = page().post("/login", data={"username": world.staff1.username, "password": f.PASSWORD})
    assert res.status_code == 302
    cookie = next(v for v in res.headers.getlist("Set-Cookie") if v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


# ---- CSRF ----------------------------------------------------------------------------------

@contextmanager
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_forms_without_the_csrf_token_are_refused(app, world, page):
    reg = Registration(member_id=world.newbie.id, community_id=world.comm1.id, address="仓边路1号",
                       skills=[], availability="", status="pending")
    db.session.add(reg)
    settle()
    with csrf_on(app):
        anonymous, staff = page(), page(world.staff1)
        res = anonymous.post("/login", data={"username": world.staff1.username, "password": f.PASSWORD})
        assert res.status_code == 400 and "session" not in res.headers.get("Set-Cookie", "")
        assert anonymous.post("/signup", data={"username": "nocsrf1", "password": "long-enough",
                                               "name": "无", "phone": "13900000000",
                                               "unit_id": world.unit1.id}).status_code == 400
        assert staff.post(f"/staff/registrations/{reg.id}/approve").status_code == 400
        assert staff.post("/admin/places", data={"p-kind": "district", "p-name": "x"}).status_code == 400
        # With the token from the form, the same post goes through.
        html = staff.get("/staff/registrations").get_data(as_text=True)
        token = html.split('name="csrf_token" value="')[1].split('"')[0]
        assert staff.post(f"/staff/registrations/{reg.id}/approve",
                          data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert count(User, User.username == "nocsrf1") == 0
    assert db.session.get(Registration, reg.id).status == "approved"


def test_the_api_is_not_subject_to_csrf_it_uses_bearer_tokens(app, world, api):
    with csrf_on(app):
        res = api(world.admin).post("/places", {"kind": "district", "name": "天河区"})
    assert res.status_code == 201


# ---- sign-in throttling on the page --------------------------------------------------------

def test_login_page_throttles_repeated_failures(world, page):
    client = page()
    for _ in range(5):
        res = client.post("/login", data={"username": world.staff1.username, "password": "wrong"})
        assert res.status_code == 401 and "用户名或密码错误" in res.get_data(as_text=True)
    res = client.post("/login", data={"username": world.staff1.username, "password": f.PASSWORD})
    assert res.status_code == 429
    assert "Traceback" not in res.get_data(as_text=True)
    assert client.post("/login", data={"username": world.staff2.username,
                                       "password": f.PASSWORD}).status_code == 302


# ---- no stack trace reaches a client -------------------------------------------------------

def _boom(*args, **kwargs):
    raise RuntimeError("secret internals: /srv/app/db.py line 42")


def test_api_500_is_a_plain_json_error(world, api, monkeypatch):
    monkeypatch.setattr("app.places.services.get_place", _boom)
    res = api(world.staff1).get(f"/places/{world.comm1.id}")
    assert res.status_code == 500
    assert res.json == {"code": 500, "status": "Internal Server Error", "message": "服务器内部错误",
                        "request_id": res.headers["X-Request-ID"]}
    assert "secret internals" not in res.get_data(as_text=True)


def test_page_500_is_a_plain_page(world, page, monkeypatch):
    monkeypatch.setattr("app.registrations.services.history", _boom)
    res = page(world.member1).get("/me")
    html = res.get_data(as_text=True)
    assert res.status_code == 500 and "服务器内部错误" in html
    assert "secret internals" not in html and "Traceback" not in html


def test_unknown_api_path_and_method_answer_the_error_body(world, api):
    res = api(world.staff1).get("/no/such/thing")
    assert res.status_code == 404 and res.json["code"] == 404
    res = api(world.staff1).delete("/me")
    assert res.status_code == 405 and res.json["code"] == 405


# ---- phone masking -------------------------------------------------------------------------

@pytest.mark.parametrize("viewer,owner,visible", [
    ("member1", "member1", True),      # his own
    ("admin", "member1", True),
    ("staff1", "member1", True),       # staff of his community
    ("street_admin", "member1", False),  # above: does not need it
    ("staff3", "member1", False),      # another community
    ("unit_admin1", "member1", False),
    ("member2", "member1", False),
    ("resident1", "member1", False),
    ("staff1", "resident1", True),     # a resident of the staff's community
    ("staff3", "resident1", False),
    ("staff1", "staff2", False),
])
def test_phone_is_masked_for_those_who_need_not_see_it(world, viewer, owner, visible):
    user = getattr(world, owner)
    shown = visible_phone(user, getattr(world, viewer))
    assert shown == (user.phone if visible else mask_phone(user.phone))
    assert visible or ("****" in shown and shown != user.phone)


def test_staff_see_pending_members_phone_in_their_queue_street_admins_masked(world, page):
    reg = Registration(member_id=world.newbie.id, community_id=world.comm1.id, address="仓边路1号",
                       skills=[], availability="", status="pending")
    db.session.add(reg)
    settle()
    phone = world.newbie.phone
    assert phone in page(world.staff1).get("/staff/registrations").get_data(as_text=True)
    html = page(world.street_admin).get("/staff/registrations").get_data(as_text=True)
    assert world.newbie.name in html and phone not in html and mask_phone(phone) in html


def test_mask_phone_shapes():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("12345") == "*****" and mask_phone(None) is None and mask_phone("") == ""


# ---- audit: every staff and admin action ---------------------------------------------------

def _pending(world, member):
    reg = Registration(member_id=member.id, community_id=world.comm1.id, address="仓边路1号",
                       skills=[], availability="", status="pending")
    db.session.add(reg)
    db.session.flush()
    return reg


ACTIONS = {
    "place.create": lambda w: ("admin", "/places", {"kind": "street", "name": "人民街道",
                                                    "parent_id": w.district.id}, Place),
    "unit.create": lambda w: ("admin", "/units", {"name": "区档案馆", "kind": "institution"}, Unit),
    "user.create": lambda w: ("staff1", "/users", {"username": "resident_new", "password": "long-enough",
                                                   "name": "居民", "role": "resident",
                                                   "place_id": w.comm1.id}, User),
    "unit.register": lambda w: ("street_admin", f"/units/{w.unit2.id}/registrations",
                                {"community_id": w.comm2.id, "resources": ["义诊"]}, UnitRegistration),
    "registration.approve": lambda w: ("staff1", f"/registrations/{_pending(w, w.newbie).id}/approve",
                                       {}, Registration),
    "registration.reject": lambda w: ("staff1", f"/registrations/{_pending(w, w.newbie).id}/reject",
                                      {"reason": "地址不在本社区"}, Registration),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_staff_and_admin_action_leaves_an_audit_record(world, api, action):
    who, path, body, model = ACTIONS[action](world)
    actor = getattr(world, who)
    settle()
    res = api(actor).post(path, body)
    assert res.status_code in (200, 201), res.json
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == action))
    assert entry is not None, action
    assert (entry.actor_id, entry.target_type) == (actor.id, model.__tablename__)
    assert entry.target_id == res.json["id"]
    assert entry.created_at is not None and entry.detail


def test_a_refused_action_leaves_no_audit_record(world, api):
    reg = _pending(world, world.newbie)
    settle()
    assert api(world.staff3).post(f"/registrations/{reg.id}/approve").status_code == 404
    assert count(AuditEntry) == 0


@pytest.mark.parametrize("referrer,expected", [("https://evil.example/x", "/"),
                                               ("http://localhost/staff/registrations?status=pending",
                                                "/staff/registrations?status=pending")])
def test_a_refused_form_post_returns_only_to_a_page_of_this_site(world, page, referrer, expected):
    reg = _pending(world, world.newbie)
    settle()
    res = page(world.staff3).post(f"/staff/registrations/{reg.id}/approve", headers={"Referer": referrer})
    assert res.status_code == 302 and res.headers["Location"] == expected
