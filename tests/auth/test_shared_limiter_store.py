"""Several workers or hosts share one count when RATELIMIT_STORAGE_URI points at Redis: a real
Redis server and two gunicorn processes on one database; sign-in failures counted in one
process are refused in the other, on the page and the API."""
from __future__ import annotations

import re

import pytest
import redis
import requests

from app.extensions import db
from tests import factories as f
from tests.app_server import AppServer
from tests.redis_server import RedisServer


class Browser:
    """A client of one server: the page (with its CSRF token) and the API."""

    def __init__(self, server: AppServer):
        self.base = server.url
        self.session = requests.Session()

    def sign_in(self, via: str, username: str, password: str) -> int:
        if via == "api":
            return requests.post(f"{self.base}/api/v1/auth/token", timeout=10,
                                 json={"username": username, "password": password}).status_code
        form = self.session.get(f"{self.base}/login", timeout=10).text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        return self.session.post(f"{self.base}/login", allow_redirects=False, timeout=10, data={
            "csrf_token": token, "username": username, "password": password}).status_code


@pytest.mark.commits
def test_two_app_processes_share_one_count_through_redis(world, database_url):
    staff1, staff2 = world.staff1.username, world.staff2.username
    db.session.remove()  # no open transaction (SQLite: no write lock) while the servers run
    store = RedisServer().start()
    env = {"DATABASE_URL": database_url, "RATELIMIT_STORAGE_URI": store.url,
           "LOGIN_FAILURE_LIMIT": "5 per 5 minutes", "LOGIN_ADDRESS_FAILURE_LIMIT": "8 per 5 minutes"}
    servers = [AppServer(env).launch() for _ in range(2)]
    try:
        first, second = (Browser(server.wait_ready()) for server in servers)
        # Five failures for one account, all counted by the first process (page and API) ...
        for via in ("page", "api", "page", "api", "page"):
            assert first.sign_in(via, staff1, "wrong-password") == 401
        # ... and the second process refuses that account, even with the right password.
        assert second.sign_in("api", staff1, f.PASSWORD) == 429
        assert second.sign_in("page", staff1, f.PASSWORD) == 429
        assert second.sign_in("api", staff2, f.PASSWORD) == 201  # another account

        # The address count (8): three more failures, counted by the second process, ...
        for n, via in enumerate(("api", "page", "api")):
            assert second.sign_in(via, f"nobody{n}", "wrong-password") == 401
        # ... and the first refuses every sign-in from this address.
        assert first.sign_in("api", staff2, f.PASSWORD) == 429
        assert first.sign_in("page", staff2, f.PASSWORD) == 429

        keys = redis.Redis.from_url(store.url).keys("LIMITS:LIMITER/*")  # the counts are there
        assert any(key.endswith(b"|" + staff1.encode() + b"/sign-in:account/5/5/minute") for key in keys)
        assert any(key.endswith(b"/sign-in:address/8/5/minute") for key in keys)
    finally:
        for server in servers:
            server.stop()
        store.stop()
