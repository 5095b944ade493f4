"""Sign-in by phone with a one-time SMS code."""
import logging
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth import sms
from app.auth.models import SmsCode
from app.clock import utcnow
from app.extensions import db
from tests.conftest import count, settle


class RecordingSender:
    """An SMS sender plugged in through SMS_SENDER, as a gateway would be; remembers sends."""

    sent: list = []

    def send(self, address, subject, body):
        RecordingSender.sent.append((address, subject, body))


@pytest.fixture
def sender(app, monkeypatch):
    RecordingSender.sent = []
    monkeypatch.setitem(app.config, "SMS_SENDER", "tests.phone_signin.test_sms:RecordingSender")
    return RecordingSender


def _code(api_client, phone):
    res = api_client.post("/auth/sms-code", {"phone": phone})
    assert res.status_code == 202, res.json
    return res.json["code"]


def test_code_signs_in_once_and_the_sender_is_called_once(world, api, sender):
    client = api()
    code = _code(client, "+86 " + world.member1.phone)
    assert len(sender.sent) == 1 and sender.sent[0][0] == world.member1.phone and code in sender.sent[0][2]
    assert count(SmsCode) == 1 and db.session.scalar(sa.select(SmsCode.code_hash)) != code
    res = client.post("/auth/token", {"phone": world.member1.phone, "code": code})
    assert res.status_code == 201 and res.json["user"]["id"] == world.member1.id
    reused = client.post("/auth/token", {"phone": world.member1.phone, "code": code})
    assert reused.status_code == 401
    assert len(sender.sent) == 1


def test_every_role_signs_in_by_phone(world, api, sender):
    for user in (world.staff1, world.admin, world.resident1, world.unit_admin1):
        code = sms.issue_code(user.phone, f"addr-{user.id}")[1]
        settle()
        res = api().post("/auth/token", {"phone": user.phone, "code": code})
        assert res.status_code == 201 and res.json["user"]["id"] == user.id


def test_expired_code_is_refused(world, api):
    _phone, code = sms.issue_code(world.member1.phone, "1.2.3.4", now=utcnow() - timedelta(minutes=6))
    settle()
    assert api().post("/auth/token", {"phone": world.member1.phone, "code": code}).status_code == 401


def test_five_wrong_tries_lock_the_code(world):
    phone, code = sms.issue_code(world.member1.phone, "1.2.3.4")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert sms.use_code(phone, wrong) is None
    assert sms.use_code(phone, code) is None  # locked: even the right code
    assert db.session.scalar(sa.select(SmsCode.attempts)) == 5


def test_wrong_codes_on_the_api_count_and_are_refused(world, api, sender):
    client = api()
    code = _code(client, world.member1.phone)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert client.post("/auth/token", {"phone": world.member1.phone, "code": wrong}).status_code == 401
    assert client.post("/auth/token", {"phone": world.member1.phone, "code": code}).status_code in (401, 429)
    assert db.session.scalar(sa.select(SmsCode.attempts)) == 5


def test_throttles_per_phone_and_per_address(world, api, sender):
    client = api()
    _code(client, world.member1.phone)
    again = client.post("/auth/sms-code", {"phone": world.member1.phone})
    assert again.status_code == 429 and len(sender.sent) == 1
    now = utcnow()
    for minutes in (0, 2, 4, 6):  # five an hour per phone, whatever the address
        sms.issue_code("13911110000", "10.0.0.1", now=now + timedelta(minutes=minutes))
    sms.issue_code("13911110000", "10.0.0.2", now=now + timedelta(minutes=8))
    with pytest.raises(sms.TooManyCodes):
        sms.issue_code("13911110000", "10.0.0.3", now=now + timedelta(minutes=10))
    for n in range(10):  # ten an hour per address
        sms.issue_code(f"1370000{n:04d}", "10.9.9.9", now=now)
    with pytest.raises(sms.TooManyCodes):
        sms.issue_code("13799990000", "10.9.9.9", now=now)


def test_no_enumeration(world, api, sender):
    client = api()
    known = client.post("/auth/sms-code", {"phone": world.member1.phone})
    unknown = client.post("/auth/sms-code", {"phone": "13999999999"})
    assert known.status_code == unknown.status_code == 202
    assert set(known.json) == set(unknown.json) and known.json["expires_in"] == unknown.json["expires_in"]
    res = client.post("/auth/token", {"phone": "13999999999", "code": unknown.json["code"]})
    assert res.status_code == 401


def test_bad_input(world, api, sender):
    client = api()
    assert client.post("/auth/sms-code", {"phone": "12"}).status_code == 422
    assert client.post("/auth/sms-code", {}).status_code == 422
    assert client.post("/auth/token", {"phone": world.member1.phone}).status_code == 422
    assert client.post("/auth/token", {"phone": world.member1.phone, "code": "abc"}).status_code == 401
    assert sender.sent == [] and count(SmsCode) == 0


def test_in_production_the_code_is_neither_logged_nor_answered(world, api, app, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "SMS_CODE_SHOWN", False)
    monkeypatch.setitem(app.config, "SMS_SENDER", "logging")
    for name in ("app.phone_signin.services", "app.notifications.senders"):
        logging.getLogger(name).disabled = False
    with caplog.at_level(logging.DEBUG):
        res = api().post("/auth/sms-code", {"phone": world.member1.phone})
    assert res.status_code == 202 and "code" not in res.json
    assert "sms to" in caplog.text and not re.search(r"(?<!\d)\d{6}(?!\d)", caplog.text)


def test_outside_production_the_logging_sender_shows_the_code(world, api, monkeypatch, app, caplog):
    monkeypatch.setitem(app.config, "SMS_SENDER", "logging")
    logging.getLogger("app.notifications.senders").disabled = False
    with caplog.at_level(logging.INFO):
        code = _code(api(), world.member1.phone)
    assert code in caplog.text and world.member1.phone not in caplog.text  # the phone masked


def test_the_phone_login_page(world, page, sender):
    client = page()
    assert "手机验证码登录" in client.get("/login/phone").get_data(as_text=True)
    res = client.post("/login/phone/code", data={"phone": world.staff1.phone})
    html = res.get_data(as_text=True)
    code = re.search(r"验证码为 (\d{6})", html).group(1)
    assert res.status_code == 200 and len(sender.sent) == 1
    res = client.post("/login/phone", data={"phone": world.staff1.phone, "code": "000000" if code != "000000"
                                            else "111111"})
    assert res.status_code == 401 and "验证码错误或已失效" in res.get_data(as_text=True)
    res = client.post("/login/phone?next=/admin/imports", data={"phone": world.staff1.phone, "code": code})
    assert res.status_code == 302 and res.headers["Location"].endswith("/admin/imports")
    assert client.get("/admin/imports").status_code == 200
