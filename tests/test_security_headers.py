"""Security headers (issue 11, item 8): every page, API answer, static file and error carries
the Content-Security-Policy and friends; nothing may frame the site; production sends plain
HTTP to HTTPS while `make run` and the tests stay on HTTP. The browser side (no CSP violation
on any page, a framed page refused) is in tests/browser/test_every_page.py."""
from __future__ import annotations

import pytest

from app import create_app
from config import Config, DevelopmentConfig, ProductionConfig, TestConfig

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; "
       "frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def missing_headers(res) -> dict:
    return {name: res.headers.get(name) for name, value in HEADERS.items() if res.headers.get(name) != value}


def _get_paths(app, api: bool) -> list[str]:
    """Every GET route, its arguments filled in (an int 1, else "en"): a page may answer 404
    or 403 for them, and that answer must carry the headers too."""
    paths = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or rule.rule.startswith("/api") != api:
            continue
        args = {name: 1 if type(rule._converters[name]).__name__ == "IdConverter" else "en"
                for name in rule.arguments}
        with app.test_request_context():
            from flask import url_for

            paths.add(url_for(rule.endpoint, **args))
    return sorted(paths)


def test_every_page_carries_the_headers(app, world, page):
    paths = _get_paths(app, api=False)
    assert len(paths) > 45, paths
    bad = {}
    for who in (None, world.admin, world.staff1, world.member1):
        client = page(who)
        for path in paths:
            res = client.get(path)
            assert res.status_code < 500, (path, res.status_code)
            if missing_headers(res):
                bad[f"{path} ({who and who.role})"] = missing_headers(res)
    assert not bad, bad


def test_every_api_answer_carries_the_headers(app, world, api):
    paths = _get_paths(app, api=True)
    assert len(paths) > 30, paths
    bad = {}
    for client in (api(), api(world.admin)):
        for path in paths:
            res = client.get(path)
            if missing_headers(res):
                bad[path] = missing_headers(res)
    refused = api(world.resident1).post("/orders", json={"title": "x", "category": "不存在的类别"})
    assert refused.status_code == 422 and not missing_headers(refused)
    assert not bad, bad


@pytest.mark.parametrize("path", ["/static/site.css", "/static/site.js", "/no-such-page", "/login"])
def test_static_files_errors_and_sign_in_carry_the_headers(client, path):
    res = client.get(path)
    assert not missing_headers(res), (path, res.status_code, missing_headers(res))


def test_a_refused_form_post_carries_the_headers(client):
    res = client.post("/login", data={"username": "nobody", "password": "wrong"})
    assert res.status_code in (200, 400, 401, 429) and not missing_headers(res)


def test_no_page_may_be_framed(client):
    res = client.get("/login")
    assert res.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in res.headers["Content-Security-Policy"]


def test_the_script_is_a_static_file_served_as_javascript(client):
    res = client.get("/static/site.js")
    assert res.status_code == 200 and "javascript" in res.mimetype
    assert "data-confirm" in res.get_data(as_text=True)
    assert "<script src=\"/static/site.js\" defer></script>" in client.get("/login").get_data(as_text=True)


def test_plain_http_stays_plain_for_make_run_and_the_tests(client):
    assert DevelopmentConfig.FORCE_HTTPS is False and TestConfig.FORCE_HTTPS is False
    res = client.get("/login")
    assert res.status_code == 200 and "Strict-Transport-Security" not in res.headers
    assert "Secure" not in (res.headers.get("Set-Cookie") or "")


def test_production_sends_http_to_https_and_keeps_the_cookie_flags(database_url):
    assert ProductionConfig.FORCE_HTTPS is True and Config.FORCE_HTTPS is False
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    prod = create_app({**settings, "SQLALCHEMY_DATABASE_URI": database_url, "FORCE_HTTPS": True,
                       "SESSION_COOKIE_SECURE": True})
    client = prod.test_client()
    res = client.get("/login?next=/me")
    assert res.status_code == 302 and res.headers["Location"] == "https://localhost/login?next=/me"
    assert not missing_headers(res)
    secure = client.get("/login", base_url="https://localhost")
    assert secure.status_code == 200 and not missing_headers(secure)
    assert secure.headers["Strict-Transport-Security"] == "max-age=31556926"
    assert prod.config["SESSION_COOKIE_SECURE"] is True and prod.config["SESSION_COOKIE_HTTPONLY"] is True
    assert prod.config["SESSION_COOKIE_SAMESITE"] == "Lax"
