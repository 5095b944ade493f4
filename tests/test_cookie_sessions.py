"""Flask's signed-cookie session (CSRF token, flashes) with its serializer made once per secret
key (app.CookieSessions): a cookie signed with the key still reads, a new key is used at once,
a forged or old-key cookie does not read."""
from __future__ import annotations

from flask import session


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
    @app.get("/_session_probe/<value>")
    def _probe(value):
        if value != "read":
            session["probe"] = value
        return {"probe": session.get("probe")}

    client = app.test_client()
    assert client.get("/_session_probe/abc").json == {"probe": "abc"}
    assert client.get("/_session_probe/read").json == {"probe": "abc"}
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    forged = app.test_client()
    forged.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie.value[:-2] + "xx")
    assert forged.get("/_session_probe/read").json == {"probe": None}


def _reads(serializer, value) -> bool:
    try:
        serializer.loads(value)
    except Exception:  # itsdangerous.BadSignature
        return False
    return True
