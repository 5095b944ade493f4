"""Tokens, /me, account creation and member sign-up through the JSON API."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.auth.models import ApiToken, Role, User
from app.auth.services import issue_token
from app.clock import utcnow
from app.extensions import db
from tests import factories as f
from tests.conftest import count, settle
from tests.sql import statements

ROLE_USERS = ["member1", "resident1", "staff1", "unit_admin1", "street_admin", "admin"]


def token_for(api, username, password=f.PASSWORD):
    return api().post("/auth/token", {"username": username, "password": password})


# ---- tokens --------------------------------------------------------------------------------

def test_token_for_good_credentials_is_stored_hashed(world, api):
    res = token_for(api, world.staff1.username)
    assert res.status_code == 201
    body = res.json
    assert body["user"]["id"] == world.staff1.id and body["user"]["roles"] == ["staff"]
    assert body["user"]["phone"] == world.staff1.phone  # his own, unmasked
    assert body["expires_at"] and len(body["token"]) >= 40
    assert db.session.scalar(sa.select(ApiToken.id).where(ApiToken.token_hash == body["token"])) is None
    me = api(None).get("/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.json["id"] == world.staff1.id


@pytest.mark.parametrize("username,password", [("staff1_w", "wrong-password"), ("nobody", f.PASSWORD)])
def test_wrong_credentials_are_401_with_the_error_body(world, api, username, password):
    res = token_for(api, username, password)
    assert res.status_code == 401
    assert res.json["code"] == 401 and res.json["status"] == "Unauthorized" and res.json["message"]
    assert count(ApiToken) == 0


def test_inactive_account_cannot_sign_in_and_its_tokens_stop_working(world, api):
    client = api(world.member1)
    world.member1.is_active = False
    settle()
    assert token_for(api, world.member1.username).status_code == 401
    assert client.get("/me").status_code == 401


@pytest.mark.parametrize("body,field", [({"password": "x"}, "username"), ({"username": "x"}, "password"),
                                        ({"username": "", "password": "x"}, "username")])
def test_token_bad_input_names_the_field(world, api, body, field):
    res = api().post("/auth/token", body)
    assert res.status_code == 422 and field in res.json["errors"]


def test_expired_token_is_401(world, api):
    raw, token = issue_token(world.member1, now=utcnow() - timedelta(days=365))
    settle()
    assert token.expires_at < utcnow()
    res = api().get("/me", headers={"Authorization": f"Bearer {raw}"})
    assert res.status_code == 401 and res.json["code"] == 401


def test_revoked_token_is_401_and_others_keep_working(world, api):
    first, second = api(world.member1), api(world.member1)
    assert first.delete("/auth/token").status_code == 204
    assert first.get("/me").status_code == 401
    assert first.delete("/auth/token").status_code == 401
    assert second.get("/me").status_code == 200
    assert count(ApiToken, ApiToken.revoked_at.is_not(None)) == 1


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer ", "token"])
def test_bad_authorization_header_is_401(world, api, header):
    assert api().get("/me", headers={"Authorization": header}).status_code == 401


def test_the_page_session_cookie_does_not_authenticate_the_api(world, page):
    client = page(world.admin)
    assert client.get("/admin").status_code == 200
    assert client.get("/api/v1/me").status_code == 401


def test_repeated_failures_are_throttled_with_429(world, api):
    for _ in range(5):
        assert token_for(api, world.staff1.username, "wrong-password").status_code == 401
    res = token_for(api, world.staff1.username, "wrong-password")
    assert res.status_code == 429 and res.json["code"] == 429 and res.headers["Retry-After"]
    assert token_for(api, world.staff1.username).status_code == 429  # even the right password, for now
    assert token_for(api, world.staff2.username).status_code == 201  # another account is not locked


def test_successful_sign_ins_are_not_counted(world, api):
    for _ in range(8):
        assert token_for(api, world.staff1.username).status_code == 201


# ---- /me -----------------------------------------------------------------------------------

@pytest.mark.parametrize("who,scope", [
    ("member1", {"community_id": "comm1", "unit_id": "unit1", "place_id": None}),
    ("newbie", {"community_id": None, "unit_id": "unit1", "place_id": None}),
    ("staff1", {"community_id": "comm1", "place_id": "comm1", "place_kind": "community"}),
    ("street_admin", {"community_id": None, "place_id": "street1", "place_kind": "street"}),
    ("unit_admin1", {"unit_id": "unit1", "unit_name": "区税务局", "place_id": None}),
    ("resident1", {"place_id": "comm1", "community_id": "comm1"}),
    ("admin", {"place_id": None, "unit_id": None, "community_id": None}),
])
def test_me_gives_roles_and_scope(world, api, who, scope):
    user = getattr(world, who)
    res = api(user).get("/me")
    assert res.status_code == 200
    body = res.json
    assert (body["id"], body["username"], body["roles"]) == (user.id, user.username, [user.role])
    assert body["phone"] == user.phone  # his own phone, unmasked
    for key, value in scope.items():
        expected = getattr(world, value).id if isinstance(value, str) and hasattr(world, value) else value
        assert body["scope"][key] == expected, key


def test_me_needs_a_token(api):
    res = api().get("/me")
    assert res.status_code == 401 and res.json["status"] == "Unauthorized"


# ---- POST /users ---------------------------------------------------------------------------

def user_body(**over):
    return {"username": "newuser", "password": "long-enough", "name": "新用户", "phone": "13700001111",
            "role": "staff", **over}


@pytest.mark.parametrize("role,scope", [("staff", "comm1"), ("staff", "grid1"), ("resident", "comm2"),
                                        ("street_admin", "street1"), ("street_admin", "district"),
                                        ("unit_admin", "unit1"), ("admin", None)])
def test_admin_creates_every_kind_of_account_with_an_audit_record(world, api, role, scope):
    key = "unit_id" if scope == "unit1" else "place_id"
    body = user_body(role=role, **({key: getattr(world, scope).id} if scope else {}))
    res = api(world.admin).post("/users", body)
    assert res.status_code == 201, res.json
    assert res.json["role"] == role and res.json["phone"] == "13700001111"
    user = db.session.get(User, res.json["id"])
    assert user.check_password("long-enough") and user.password_hash != "long-enough"
    assert count(AuditEntry, AuditEntry.action == "user.create", AuditEntry.target_id == user.id,
                 AuditEntry.actor_id == world.admin.id) == 1


def test_staff_create_residents_of_their_own_community_only(world, api):
    res = api(world.staff1).post("/users", user_body(role="resident", place_id=world.grid2.id))
    assert res.status_code == 201 and res.json["place_id"] == world.grid2.id
    before = count(User)
    assert api(world.staff1).post("/users", user_body(username="res2", role="resident",
                                                      place_id=world.comm3.id)).status_code == 403
    assert api(world.staff1).post("/users", user_body(username="staff_2", role="staff",
                                                      place_id=world.comm1.id)).status_code == 403
    assert api(world.street_admin).post("/users", user_body(username="res3", role="resident",
                                                            place_id=world.comm2.id)).status_code == 201
    assert api(world.street_admin).post("/users", user_body(username="res4", role="resident",
                                                            place_id=world.comm3.id)).status_code == 403
    assert count(User) == before + 1


@pytest.mark.parametrize("who", ["member1", "resident1", "unit_admin1"])
def test_other_roles_cannot_create_accounts(world, api, who):
    before = count(User)
    res = api(getattr(world, who)).post("/users", user_body(role="resident", place_id=world.comm1.id))
    assert res.status_code == 403 and res.json["code"] == 403
    assert count(User) == before


def test_anonymous_cannot_create_accounts(world, api):
    assert api().post("/users", user_body(place_id=world.comm1.id)).status_code == 401


@pytest.mark.parametrize("over,field", [
    ({"username": "a"}, "username"), ({"username": "有空格 name"}, "username"),
    ({"password": "short"}, "password"), ({"name": ""}, "name"), ({"role": "member"}, "role"),
    ({"role": "wizard"}, "role"), ({"phone": "12345"}, "phone"), ({"phone": "1380000000x"}, "phone"),
    ({"email": "not-an-email"}, "email"), ({}, "place_id"),  # staff without a place
    ({"place_id": "street1"}, "place_id"), ({"place_id": 999999}, "place_id"),
    ({"place_id": 2**40}, "place_id"), ({"role": "unit_admin"}, "unit_id"),
    ({"role": "unit_admin", "unit_id": 999999}, "unit_id"), ({"extra": 1}, "extra"),
])
def test_bad_account_input_names_the_field_and_writes_nothing(world, api, over, field):
    if over.get("place_id") == "street1":
        over = {**over, "place_id": world.street1.id}
    before, audits = count(User), count(AuditEntry)
    res = api(world.admin).post("/users", user_body(**over))
    assert res.status_code in (400, 422), res.json
    assert field in res.json["errors"], res.json
    assert (count(User), count(AuditEntry)) == (before, audits)


def test_duplicate_username_is_409(world, api):
    res = api(world.admin).post("/users", user_body(username=world.staff2.username, place_id=world.comm1.id))
    assert res.status_code == 409 and "username" in res.json["errors"]


# ---- POST /members/signup ------------------------------------------------------------------

def signup_body(world, **over):
    return {"username": "member_new", "password": "s3cret-pass", "name": "李明", "phone": "13911112222",
            "unit_id": world.unit2.id, **over}


def test_signup_creates_a_member_who_can_then_sign_in(world, api):
    res = api().post("/members/signup", signup_body(world))
    assert res.status_code == 201, res.json
    assert res.json["role"] == "member" and res.json["unit_id"] == world.unit2.id
    assert res.json["phone"] == "139****2222"  # the public answer masks it
    assert token_for(api, "member_new", "s3cret-pass").status_code == 201
    member = db.session.get(User, res.json["id"])
    assert member.place_id is None and member.password_hash != "s3cret-pass"


@pytest.mark.parametrize("over,field", [
    ({"phone": "1391111222"}, "phone"), ({"phone": "23911112222"}, "phone"), ({"unit_id": 999999}, "unit_id"),
    ({"unit_id": None}, "unit_id"), ({"password": "1234567"}, "password"), ({"name": ""}, "name"),
    ({"username": "x y"}, "username"), ({"role": "admin"}, "role"),
])
def test_signup_bad_input_names_the_field_and_writes_nothing(world, api, over, field):
    before = count(User)
    res = api().post("/members/signup", signup_body(world, **over))
    assert res.status_code in (400, 422) and field in res.json["errors"], res.json
    assert count(User) == before


def test_signup_with_a_taken_username_is_409(world, api):
    res = api().post("/members/signup", signup_body(world, username=world.member1.username))
    assert res.status_code == 409 and res.json["code"] == 409


def test_signup_is_throttled_per_address(world, api):
    for n in range(20):
        assert api().post("/members/signup", signup_body(world, username=f"member_{n}",
                                                         phone=f"139{n:08d}")).status_code == 201
    res = api().post("/members/signup", signup_body(world, username="member_20"))
    assert res.status_code == 429
    assert count(User, User.role == Role.MEMBER, User.username == "member_20") == 0


@pytest.mark.parametrize("who", ["member1", "staff1", "resident1"])
def test_me_costs_the_token_statement_and_the_scope_whatever_the_data(app, world, api, who):
    """The bearer token is checked in one statement (its user, place and unit joined); a
    member's scope adds one; on PostgreSQL, with no kept answer, the kept answers' check
    (app/auth/read_cache.py) one more. More registrations, tokens and accounts add none."""
    client = api(getattr(world, who))
    small = statements(client, "/me")
    check = 0 if app.extensions["read_cache"] is None else 1
    assert small - 1 - check == (2 if who == "member1" else 1)  # less the test session's SAVEPOINT
    for _ in range(3):
        f.member_in(world.comm1)
        issue_token(getattr(world, who))
    settle()
    assert statements(client, "/me") == small
