"""Sessions end on the server (app/auth/sessions.py): a session cookie captured before sign-out,
a password change or a disabled account is refused when replayed from another client and
address; API tokens likewise; sign-out everywhere; idle and absolute expiry (time injected
through the stored session and the cookie, never slept)."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from app.auth.models import ApiToken, WebSession
from app.auth.sessions import LAST_SEEN, open_session
from app.clock import utcnow
from app.extensions import db
from tests import factories as f
from tests.conftest import ApiClient, count, settle

OTHER_ADDRESS = {"REMOTE_ADDR": "203.0.113.77"}


def signed_in(app, user) -> FlaskClient:
    """A browser that signed in through the login page."""
    client = FlaskClient(app, app.response_class, use_cookies=True)
    res = client.post("/login", data={"username": user.username, "password": f.PASSWORD})
    assert res.status_code == 302, res.get_data(as_text=True)
    return client


def replay(app, client: FlaskClient) -> FlaskClient:
    """A second, independent client (another address) carrying a copy of `client`'s cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = FlaskClient(app, app.response_class, use_cookies=True)
    thief.environ_base.update(OTHER_ADDRESS)
    thief.set_cookie("session", cookie.value, domain=cookie.domain or "localhost")
    return thief


def refused(res) -> bool:
    return res.status_code == 302 and res.headers["Location"].startswith("/login")


def test_a_cookie_copied_before_sign_out_is_refused_afterwards(app, world):
    browser = signed_in(app, world.member1)
    thief = replay(app, browser)
    assert thief.get("/me").status_code == 200  # the copy works while the session lives
    assert browser.post("/logout").status_code == 302
    assert refused(thief.get("/me"))
    assert refused(browser.get("/me"))
    row = db.session.scalar(sa.select(WebSession).where(WebSession.user_id == world.member1.id))
    assert row.revoked_at is not None


def test_signing_out_ends_only_this_browser(app, world):
    phone, desktop = signed_in(app, world.member1), signed_in(app, world.member1)
    phone.post("/logout")
    assert refused(phone.get("/me"))
    assert desktop.get("/me").status_code == 200


def test_a_cookie_copied_before_a_password_change_is_refused_the_changer_stays_in(app, world, api):
    browser = signed_in(app, world.member1)
    other = signed_in(app, world.member1)
    thief = replay(app, other)
    token_api = api(world.member1)
    new = "Quiet-River-7781"
    res = browser.post("/me/password", data={"current_password": f.PASSWORD, "new_password": new,
                                             "confirm": new})
    assert res.status_code == 302, res.get_data(as_text=True)
    assert refused(thief.get("/me")) and refused(other.get("/me"))
    assert token_api.get("/me").status_code == 401
    assert browser.get("/me").status_code == 200  # the one who changed it stays signed in


def test_a_cookie_of_a_disabled_account_is_refused_at_once(app, world, api):
    browser = signed_in(app, world.member1)
    thief = replay(app, browser)
    member_api = api(world.member1)
    assert api(world.admin).post(f"/users/{world.member1.id}/disable").status_code == 200
    assert refused(thief.get("/me")) and refused(browser.get("/me"))
    assert member_api.get("/me").status_code == 401
    # Re-enabling does not bring the old cookie or token back.
    assert api(world.admin).post(f"/users/{world.member1.id}/enable").status_code == 200
    assert refused(thief.get("/me"))
    assert member_api.get("/me").status_code == 401


def test_a_cookie_from_before_signing_in_again_does_not_carry_over(app, world):
    browser = signed_in(app, world.member1)
    old = replay(app, browser)
    browser.post("/logout")
    browser.post("/login", data={"username": world.member1.username, "password": f.PASSWORD})
    assert browser.get("/me").status_code == 200
    assert refused(old.get("/me"))


def test_sign_out_everywhere_on_the_page_ends_every_session_and_token(app, world, api):
    phone, desktop = signed_in(app, world.member1), signed_in(app, world.member1)
    token_api = api(world.member1)
    other_user = signed_in(app, world.member2)
    res = phone.post("/logout/all")
    assert res.status_code == 302 and res.headers["Location"] == "/login"
    assert refused(phone.get("/me")) and refused(desktop.get("/me"))
    assert token_api.get("/me").status_code == 401
    assert other_user.get("/me").status_code == 200
    assert count(WebSession, WebSession.user_id == world.member1.id, WebSession.revoked_at.is_(None)) == 0


def test_sign_out_everywhere_through_the_api(app, world, api):
    browser = signed_in(app, world.member1)
    first, second = api(world.member1), api(world.member1)
    assert first.delete("/auth/token?all=true").status_code == 204
    assert first.get("/me").status_code == 401 and second.get("/me").status_code == 401
    assert refused(browser.get("/me"))
    assert count(ApiToken, ApiToken.user_id == world.member1.id, ApiToken.revoked_at.is_(None)) == 0


def test_revoking_one_token_keeps_the_others(world, api):
    first, second = api(world.member1), api(world.member1)
    assert first.delete("/auth/token").status_code == 204
    assert first.get("/me").status_code == 401 and second.get("/me").status_code == 200


def test_a_forged_or_missing_session_id_is_refused(app, world, page):
    client = page(world.member1)
    with client.session_transaction() as session:
        session["_sid"] = "made-up"
    assert refused(client.get("/me"))
    client = page(world.member1)
    with client.session_transaction() as session:
        del session["_sid"]
    assert refused(client.get("/me"))


def test_a_session_of_one_user_cannot_be_pointed_at_another(app, world, page):
    client = page(world.member1)
    with client.session_transaction() as session:
        session["_user_id"] = str(world.admin.id)
    assert refused(client.get("/admin"))


# ---- idle and absolute expiry ----------------------------------------------------------------

def _client_with(app, user, *, started, seen):
    client = FlaskClient(app, app.response_class, use_cookies=True)
    values = open_session(user, now=started)
    values[LAST_SEEN] = int(seen.timestamp())
    settle()
    with client.session_transaction() as session:
        session.update(values)
        session["_user_id"] = str(user.id)
    return client


@pytest.mark.parametrize("idle_minutes,allowed", [(59, True), (61, False)])
def test_idle_timeout(app, world, idle_minutes, allowed):
    assert app.config["SESSION_IDLE_MINUTES"] == 60
    now = utcnow()
    client = _client_with(app, world.member1, started=now - timedelta(hours=2),
                          seen=now - timedelta(minutes=idle_minutes))
    res = client.get("/me")
    assert (res.status_code == 200) is allowed
    if not allowed:
        assert refused(res)
        assert refused(client.get("/me"))  # the cookie was dropped, not just this request


@pytest.mark.parametrize("age_hours,allowed", [(11.9, True), (12.1, False)])
def test_absolute_lifetime_even_when_active(app, world, age_hours, allowed):
    assert app.config["SESSION_MAX_HOURS"] == 12
    now = utcnow()
    client = _client_with(app, world.member1, started=now - timedelta(hours=age_hours),
                          seen=now - timedelta(seconds=5))
    assert (client.get("/me").status_code == 200) is allowed


def test_activity_moves_the_idle_clock(app, world):
    now = utcnow()
    client = _client_with(app, world.member1, started=now - timedelta(hours=1),
                          seen=now - timedelta(minutes=50))
    assert client.get("/me").status_code == 200
    with client.session_transaction() as session:
        assert session[LAST_SEEN] >= int(now.timestamp())


def test_settings_change_the_limits(app, world):
    now = utcnow()
    client = _client_with(app, world.member1, started=now - timedelta(hours=1),
                          seen=now - timedelta(minutes=10))
    app.config["SESSION_IDLE_MINUTES"] = 5
    try:
        assert refused(client.get("/me"))
    finally:
        app.config["SESSION_IDLE_MINUTES"] = 60


def test_signing_in_clears_the_users_ended_sessions(app, world):
    now = utcnow()
    open_session(world.member1, now=now - timedelta(days=3))
    settle()
    signed_in(app, world.member1)
    assert count(WebSession, WebSession.user_id == world.member1.id) == 1


def test_loading_the_user_of_a_page_costs_one_statement(app, world, page):
    """The session check is the user load: one SELECT of the session joined to its user."""
    client = page(world.member1)
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        sent.append(statement)

    db.session.expire_all()
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get("/me/password").status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    with_session = [s for s in sent if "web_session" in s]
    assert len(with_session) == 1 and re.search(r'JOIN "?user"? AS user_1', with_session[0])
    assert not [s for s in sent if re.search(r'FROM "?user"?\s', s)]


def test_the_api_ignores_the_page_cookie(app, world):
    browser = signed_in(app, world.member1)
    assert ApiClient(browser).get("/me").status_code == 401


def test_a_request_still_carrying_the_sign_in_page_s_cookie_does_not_sign_the_user_out(
        app, world, monkeypatch):
    """The browser asks for /favicon.ico with the sign-in page's cookie while the sign-in is
    answered: that answer must not send a cookie back, or it replaces the new session's."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # the page's cookie holds a token
    browser = FlaskClient(app, app.response_class, use_cookies=True)
    form = browser.get("/login")
    page_cookie = browser.get_cookie("session")
    assert page_cookie is not None and form.status_code == 200
    late = FlaskClient(app, app.response_class, use_cookies=True)
    late.set_cookie("session", page_cookie.value, domain=page_cookie.domain or "localhost")
    for path in ("/favicon.ico", "/", "/login"):
        res = late.get(path)
        assert "Set-Cookie" not in res.headers, path
