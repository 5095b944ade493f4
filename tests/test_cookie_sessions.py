"""Flask's signed-cookie session (CSRF token, flashes) with its serializer made once per secret
key (app.CookieSessions): a cookie signed with the key still reads, a new key is used at once,
a forged or old-key cookie does not read."""
from __future__ import annotations

from flask import request


def test_the_serializer_is_made_once_and_follows_the_secret_key(app):
    interface = app.session_interface
    first = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is first
    old_key = app.secret_key
    signed = first.dumps({"n": 1})
    app.secret_key = old_key + "-rotated"
    try:
        rotated = interface.get_signing_serializer(app)
        assert rotated is not first
        assert rotated.loads(rotated.dumps({"n": 2})) == {"n": 2}
        assert not _reads(rotated, signed)  # the old key's cookie is no longer accepted
    finally:
        app.secret_key = old_key
    assert interface.get_signing_serializer(app).loads(signed) == {"n": 1}


def test_the_session_cookie_round_trips_and_refuses_a_forged_one(app):
    """Through the interface as Flask drives it (open, change, save; open again from the
    cookie): the app is shared by the suite, so no probe route can be added to it."""
    interface, name = app.session_interface, app.config["SESSION_COOKIE_NAME"]
    with app.test_request_context("/"):
        opened = interface.open_session(app, request)
        opened["probe"] = "abc"
        response = app.response_class()
        interface.save_session(app, opened, response)
    cookie = next(value.split(";", 1)[0].split("=", 1)[1]
                  for key, value in response.headers.items()
                  if key == "Set-Cookie" and value.startswith(f"{name}="))
    with app.test_request_context("/", headers={"Cookie": f"{name}={cookie}"}):
        assert interface.open_session(app, request).get("probe") == "abc"
    with app.test_request_context("/", headers={"Cookie": f"{name}={cookie[:-2]}xx"}):
        assert interface.open_session(app, request).get("probe") is None


def _reads(serializer, value) -> bool:
    try:
        serializer.loads(value)
    except Exception:  # itsdangerous.BadSignature
        return False
    return True
