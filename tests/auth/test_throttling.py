"""Sign-in and sign-up throttling (app/auth/throttling.py): one address rotating usernames is
stopped, the page and the API keep one count, unknown usernames cost the same hash work as
known ones, and the /signup page is throttled like the API (sharing its count)."""
from __future__ import annotations

import statistics
import time

import pytest

from app.auth.models import User
from app.extensions import limiter
from tests import factories as f
from tests.conftest import count, settle

ADDRESS = {"REMOTE_ADDR": "198.51.100.7"}
OTHER_ADDRESS = {"REMOTE_ADDR": "198.51.100.8"}


def sign_in(client, via: str, username: str, password: str, environ=ADDRESS) -> int:
    """Status of one sign-in through the page (`/login`) or the API (`/api/v1/auth/token`)."""
    if via == "page":
        return client.post("/login", data={"username": username, "password": password},
                           environ_base=environ).status_code
    return client.post("/api/v1/auth/token", json={"username": username, "password": password},
                       environ_base=environ).status_code


SUCCESS = {"page": 302, "api": 201}


@pytest.mark.parametrize("via", ["page", "api"])
def test_forty_usernames_from_one_address_reach_429(app, world, client, via):
    limit = int(app.config["LOGIN_ADDRESS_FAILURE_LIMIT"].split()[0])
    names = [world.staff1.username, world.member1.username] + [f"nobody{n}" for n in range(38)]
    statuses = [sign_in(client, via, name, "wrong-password") for name in names]
    assert statuses == [401] * limit + [429] * (40 - limit)
    # From there nothing signs in, not even the right password of an untried account ...
    assert sign_in(client, via, world.staff2.username, f.PASSWORD) == 429
    # ... while other addresses are not affected.
    assert sign_in(client, via, world.staff2.username, f.PASSWORD, OTHER_ADDRESS) == SUCCESS[via]


@pytest.mark.parametrize("first,then", [("page", "api"), ("api", "page")])
def test_page_and_api_keep_one_count_per_account(app, world, client, first, then):
    limit = int(app.config["LOGIN_FAILURE_LIMIT"].split()[0])
    for n in range(limit):
        via = first if n % 2 == 0 else then
        assert sign_in(client, via, world.staff1.username, "wrong-password") == 401
    assert sign_in(client, first, world.staff1.username, f.PASSWORD) == 429
    assert sign_in(client, then, world.staff1.username, f.PASSWORD) == 429
    # The account count is per username (case-folded): another account signs in.
    assert sign_in(client, then, world.staff1.username.upper(), f.PASSWORD) == 429
    assert sign_in(client, then, world.staff2.username, f.PASSWORD) == SUCCESS[then]


def test_page_and_api_keep_one_count_per_address(app, world, client):
    limit = int(app.config["LOGIN_ADDRESS_FAILURE_LIMIT"].split()[0])
    for n in range(limit):
        assert sign_in(client, "page" if n < limit // 2 else "api", f"nobody{n}", "wrong") == 401
    assert sign_in(client, "page", world.staff1.username, f.PASSWORD) == 429
    assert sign_in(client, "api", world.staff1.username, f.PASSWORD) == 429


def test_successes_and_bad_input_are_not_counted(app, world, client):
    limit = int(app.config["LOGIN_ADDRESS_FAILURE_LIMIT"].split()[0])
    for _ in range(limit + 5):
        assert sign_in(client, "api", world.staff1.username, f.PASSWORD) == 201
        assert sign_in(client, "page", world.staff1.username, "") == 200  # the form's own error
    assert sign_in(client, "page", world.staff1.username, f.PASSWORD) == 302


def test_unknown_and_known_usernames_take_the_same_time(app, world, client):
    """The production hash (scrypt): a wrong password for an existing account and any password
    for an unknown username do the same work (median of several tries, within 20 %). Measured
    as the CPU time the request takes (this thread's), since the wall clock of a machine shared
    with other work mostly measures the others; without the dummy hash an unknown username
    costs a few ms against scrypt's tens."""
    saved = app.config["PASSWORD_HASH_METHOD"]
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    try:
        world.staff1.set_password("the-real-password", "scrypt")
        settle()
        sign_in(client, "api", "warm-up", "x", {"REMOTE_ADDR": "203.0.113.250"})  # the dummy hash
        known, unknown = [], []
        for n in range(9):  # interleaved, from new addresses, so the throttle stays out of it
            tries = [(world.staff1.username, known), (f"nobody{n}", unknown)]
            for name, samples in tries if n % 2 else reversed(tries):
                started = time.thread_time()
                status = sign_in(client, "api", name, "wrong-password",
                                 {"REMOTE_ADDR": f"203.0.113.{len(known) + len(unknown)}"})
                samples.append(time.thread_time() - started)
                assert status == 401
    finally:
        app.config["PASSWORD_HASH_METHOD"] = saved
    known_median, unknown_median = statistics.median(known), statistics.median(unknown)
    assert known_median > 0.01  # scrypt's real work is measured, not the request's overhead
    assert abs(unknown_median - known_median) <= 0.2 * known_median, (known_median, unknown_median)


# ---- sign-up -------------------------------------------------------------------------------

def signup_form(world, n: int) -> dict:
    return {"username": f"signup_{n}", "password": "long-enough-1", "name": "新党员",
            "phone": f"139{n:08d}", "unit_id": world.unit1.id}


def test_the_signup_page_is_throttled_per_address(app, world, client):
    limit = int(app.config["SIGNUP_LIMIT"].split()[0])
    for n in range(limit):
        assert client.post("/signup", data=signup_form(world, n), environ_base=ADDRESS).status_code == 302
        client.post("/logout", environ_base=ADDRESS)
    res = client.post("/signup", data=signup_form(world, limit), environ_base=ADDRESS)
    assert res.status_code == 429 and "操作太频繁" in res.get_data(as_text=True)
    assert count(User, User.username == f"signup_{limit}") == 0
    assert client.get("/signup", environ_base=ADDRESS).status_code == 200  # the page still opens
    assert client.post("/signup", data=signup_form(world, limit),
                       environ_base=OTHER_ADDRESS).status_code == 302


def test_signup_page_and_api_share_one_count(app, world, client):
    limit = int(app.config["SIGNUP_LIMIT"].split()[0])
    for n in range(limit):
        if n % 2:
            res = client.post("/signup", data={"username": "x"}, environ_base=ADDRESS)  # refused: 422
        else:
            res = client.post("/api/v1/members/signup", json={"username": "x"}, environ_base=ADDRESS)
        assert res.status_code == 422
    assert client.post("/signup", data=signup_form(world, 1), environ_base=ADDRESS).status_code == 429
    res = client.post("/api/v1/members/signup", json=signup_form(world, 2), environ_base=ADDRESS)
    assert res.status_code == 429 and res.json["code"] == 429
    assert count(User, User.username.in_(["signup_1", "signup_2"])) == 0


def test_limits_are_checked_by_their_decorators_only(app):
    """create_app drops Flask-Limiter's before-request hook (it costs every request a search):
    valid while no default, application-wide or blueprint limit exists. Declaring one makes
    this fail: then keep the hook (drop_idle_limiter_check does so by itself)."""
    manager = limiter.limit_manager
    assert not manager.default_limits and not manager.application_limits
    assert not manager._blueprint_limits
    assert limiter._check_request_limit not in app.before_request_funcs[None]
