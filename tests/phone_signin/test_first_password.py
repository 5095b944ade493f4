"""After a first sign-in by phone, an account without a password (imported, or a resident who
signed up by phone) sets one without a current password; an account that has one must give it."""
import re

import pytest

from app.auth import sms
from app.auth.models import UNUSABLE_PASSWORD, User
from app.extensions import db
from tests.conftest import ApiClient, settle
from tests.phone_signin.test_sms import RecordingSender

NEW = "马路对面的银杏树又黄了"


@pytest.fixture
def sender(app, monkeypatch):
    RecordingSender.sent = []
    monkeypatch.setitem(app.config, "SMS_SENDER", "tests.phone_signin.test_sms:RecordingSender")
    return RecordingSender


@pytest.fixture
def passwordless(world):
    world.member1.password_hash = UNUSABLE_PASSWORD
    db.session.flush()
    settle()
    return world.member1


def _phone_token(api, user):
    code = sms.issue_code(user.phone, f"addr-{user.id}")[1]
    settle()
    res = api().post("/auth/token", {"phone": user.phone, "code": code})
    assert res.status_code == 201, res.json
    return res.json["token"]


def test_an_account_without_password_sets_its_first_after_a_phone_sign_in(passwordless, api, client, sender):
    assert not passwordless.has_password and not passwordless.check_password("")
    me = ApiClient(client, _phone_token(api, passwordless))
    res = me.post("/me/password", {"new_password": NEW})
    assert res.status_code == 204, res.json
    settle()
    assert db.session.get(User, passwordless.id).has_password
    signed_in = api().post("/auth/token", {"username": passwordless.username, "password": NEW})
    assert signed_in.status_code == 201


def test_an_account_with_a_password_must_give_the_current_one(world, api, client, sender):
    me = ApiClient(client, _phone_token(api, world.member1))
    res = me.post("/me/password", {"new_password": NEW})
    assert res.status_code == 422 and "current_password" in res.json["errors"]
    settle()
    assert not db.session.get(User, world.member1.id).check_password(NEW)


def test_the_page_asks_for_no_current_password_then(passwordless, page, sender):
    client = page()
    res = client.post("/login/phone/code", data={"phone": passwordless.phone})
    code = re.search(r"\d{6}", sender.sent[-1][2]).group(0)
    assert res.status_code == 200
    assert client.post("/login/phone", data={"phone": passwordless.phone, "code": code}).status_code == 302
    html = client.get("/me/password").get_data(as_text=True)
    assert 'data-testid="first-password"' in html and 'name="current_password"' not in html
    res = client.post("/me/password", data={"new_password": NEW, "confirm": NEW})
    assert res.status_code == 302, res.get_data(as_text=True)[:2000]
    settle()
    assert db.session.get(User, passwordless.id).check_password(NEW)
