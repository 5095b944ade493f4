"""Sending a sign-in code (the service, without HTTP): issued, committed, sent once."""
import pytest
import sqlalchemy as sa

from app.auth import sms
from app.auth.models import SmsCode
from app.errors import Invalid
from app.extensions import db
from app.phone_signin import services
from tests.conftest import count


class Failing:
    def send(self, address, subject, body):
        raise OSError("the gateway is down")


class Recording:
    sent: list = []

    def send(self, address, subject, body):
        Recording.sent.append((address, body))


@pytest.fixture
def recording(app, monkeypatch):
    Recording.sent = []
    monkeypatch.setitem(app.config, "SMS_SENDER", "tests.phone_signin.test_services:Recording")
    monkeypatch.setitem(app.config, "SMS_CODE_SHOWN", True)


def test_the_code_is_stored_sent_once_and_signs_in(world, recording):
    code = services.send_code(world.member1.phone, "127.0.0.1")
    assert Recording.sent == [(world.member1.phone, Recording.sent[0][1])] and code in Recording.sent[0][1]
    assert count(SmsCode, SmsCode.phone == world.member1.phone) == 1
    assert sms.use_code(world.member1.phone, code) == world.member1.phone


def test_a_bad_phone_is_refused_naming_the_field_and_nothing_is_sent(world, recording):
    with pytest.raises(Invalid) as err:
        services.send_code("", "127.0.0.1")
    assert err.value.field == "phone" and Recording.sent == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SmsCode)) == 0


def test_a_failing_sender_is_a_503_and_the_code_stays_unused(world, app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_SENDER", "tests.phone_signin.test_services:Failing")
    monkeypatch.setitem(app.config, "SMS_CODE_SHOWN", True)
    with pytest.raises(services.SmsUnavailable) as err:
        services.send_code(world.member1.phone, "127.0.0.1")
    assert err.value.status_code == 503
    assert count(SmsCode, SmsCode.phone == world.member1.phone, SmsCode.used_at.is_(None)) == 1
