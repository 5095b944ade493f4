"""Redirects never leave the site (app/redirects.py): `next` after sign-in, the registration
queue's `next`, and every Referer bounce (language switch, order actions, mark-read, refused
form posts). Hostile targets fall back to a page of the site; none gives a 500."""
from urllib.parse import quote, urlsplit

import pytest

from app.redirects import safe_path
from tests import factories as f

# Spelled as they arrive in the query string (already percent-encoded where a browser would).
HOSTILE_NEXT = [
    "/%09/evil.example/x",            # tab: browsers drop it, leaving //evil.example/x
    "/%0a/evil.example/x", "/%0d/evil.example/x",
    "/%0d%0aSet-Cookie:%20x=1",       # header splitting (was a 500)
    "%0d%0a//evil.example",
    "//evil.example", "///evil.example", "////evil.example",
    "/%5Cevil.example", "/%5C%5Cevil.example", "%5C%5Cevil.example", "%5Cevil.example",
    "https://evil.example", "http://evil.example/x", "HTTPS://evil.example",
    "http:/evil.example", "http:evil.example", "https:%2F%2Fevil.example",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "%20javascript:alert(1)",
    "data:text/html,%3Cscript%3Ealert(1)%3C/script%3E",
    "/%2F/evil.example", "%2F%2Fevil.example", "/%2F%2Fevil.example",
    "%20//evil.example", "%09//evil.example", "%00//evil.example", "/%00/evil.example",
    quote("／／evil.example"), quote("/／evil.example"), quote("\uff3c\uff3cevil.example"),
    quote("/\uff3cevil.example"), quote("∕∕evil.example"),
    "http://localhost@evil.example/", "//localhost@evil.example/", "http://evil.example%23@localhost/",
    "/" + "a" * 3000,                 # absurdly long
    "",
]
SAFE_NEXT = [("/me/transfer", "/me/transfer"), ("/orders?status=claimed", "/orders?status=claimed"),
             ("/%252F/x", "/%2F/x"), ("/me%3Fx%3D1", "/me?x=1")]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_sign_in_never_follows_a_next_off_the_site_and_never_fails(world, page, target):
    res = page().post(f"/login?next={target}", data={"username": world.member1.username,
                                                     "password": f.PASSWORD})
    assert res.status_code == 302
    assert res.headers["Location"] == "/"


def test_there_are_at_least_nineteen_hostile_variants():
    assert len(set(HOSTILE_NEXT)) >= 19


@pytest.mark.parametrize("target,expected", SAFE_NEXT)
def test_sign_in_follows_a_next_on_the_site(world, page, target, expected):
    res = page().post(f"/login?next={target}", data={"username": world.member1.username,
                                                     "password": f.PASSWORD})
    assert res.status_code == 302 and res.headers["Location"] == expected


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_the_login_page_itself_shows_for_any_next(world, page, target):
    res = page().get(f"/login?next={target}")
    assert res.status_code in (200, 422)  # NUL is refused before any view (app/input_checks.py)
    assert "Location" not in res.headers and "evil.example" not in res.get_data(as_text=True)


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_the_registration_queue_next_stays_on_the_queue(world, page, target):
    from urllib.parse import unquote

    res = page(world.staff1).post("/staff/registrations/999999/approve", data={"next": unquote(target)})
    assert res.status_code == 302
    assert not urlsplit(res.headers["Location"]).netloc


@pytest.mark.parametrize("raw", [
    "/\t/evil.example", "/\n/evil", "/\r\n/evil", "//evil", "/\\evil", "\\\\evil", " //evil",
    "http:/evil", "///evil", "／／evil", "/／evil", "/\uff3cevil", "javascript:alert(1)", "/\x00/x",
    "/\x7f/x", "http://[::1", "//[::1", None, 42, "",
])
def test_safe_path_refuses(app, raw):
    with app.test_request_context("/", base_url="http://localhost"):
        assert safe_path(raw) is None


@pytest.mark.parametrize("raw,expected", [
    ("/me", "/me"), ("/orders?status=claimed#top", "/orders?status=claimed#top"),
    ("http://localhost/me?x=1", "/me?x=1"), ("http://localhost", "/"), ("/活动", "/活动"),
])
def test_safe_path_keeps_paths_of_this_site(app, raw, expected):
    with app.test_request_context("/", base_url="http://localhost"):
        assert safe_path(raw) == expected


# ---- Referer bounces ------------------------------------------------------------------------

HOSTILE_REFERERS = ["https://evil.example/x", "http://evil.example/", "http://localhost.evil.example/",
                    "http://localhost//evil.example/", "http://localhost/\\evil.example",
                    "javascript:alert(1)", "//evil.example/", "http://evil.example@localhost/%09/x"]


def _assert_on_site(res, fallback: str):
    assert res.status_code == 302
    location = res.headers["Location"]
    assert location == fallback or (location.startswith("/") and not location.startswith("//"))
    assert not urlsplit(location).netloc


@pytest.mark.parametrize("referrer", HOSTILE_REFERERS)
def test_language_switch_goes_back_only_to_this_site(world, page, referrer):
    res = page().get("/lang/en", headers={"Referer": referrer})
    assert res.status_code == 302 and res.headers["Location"] == "/"


def test_language_switch_goes_back_to_the_page_it_came_from(world, page):
    res = page().get("/lang/en", headers={"Referer": "http://localhost/signup?x=1"})
    assert res.headers["Location"] == "/signup?x=1"


@pytest.mark.parametrize("referrer", HOSTILE_REFERERS)
def test_mark_read_goes_back_only_to_this_site(world, page, referrer):
    res = page(world.member1).post("/notifications/999999/read", headers={"Referer": referrer})
    assert res.status_code in (302, 404)
    if res.status_code == 302:
        _assert_on_site(res, "/notifications")


@pytest.mark.parametrize("referrer", HOSTILE_REFERERS)
def test_order_actions_go_back_only_to_this_site(world, page, referrer):
    # An invalid form (no reason) bounces back to the Referer with a message.
    res = page(world.staff1).post("/orders/999999/reject", data={}, headers={"Referer": referrer})
    _assert_on_site(res, "/orders/999999")
    assert "evil" not in res.headers["Location"]


@pytest.mark.parametrize("referrer", HOSTILE_REFERERS)
def test_refused_form_posts_go_back_only_to_this_site(world, page, referrer):
    res = page(world.staff3).post("/staff/registrations/999999/approve", headers={"Referer": referrer})
    assert res.status_code == 302 and res.headers["Location"] == "/"


def test_the_error_page_links_back_only_to_this_site(world, page):
    html = page(world.member1).get("/no/such/page", headers={"Referer": "https://evil.example/"}).get_data(
        as_text=True)
    assert "evil.example" not in html
    html = page(world.member1).get("/no/such/page", headers={"Referer": "http://localhost/me"}).get_data(
        as_text=True)
    assert 'href="/me"' in html
