"""Browser tests: the real app served over HTTP and driven by headless chromium (Playwright).

Put browser tests in this folder (`tests/browser/test_<domain>.py`); every test here is marked
`browser` and `commits` automatically (the PostgreSQL run of `make test` skips `browser`).

Fixtures
- `live_server`: the session's app served by werkzeug in a thread on a free port, against the
  session's test database, **with CSRF on** (forms are checked as in production). `live_server.url`
  is the base URL; `live_server.url_for("/path")` an absolute URL.
- `page`: a fresh Playwright page (new browser context: no cookies) in a phone-sized viewport
  (390x844, zh-CN) whose `base_url` is the live server, so `page.goto("/login")` works.
  `new_page()` (fixture `new_page`) opens another independent one, e.g. a second user.
- `committed`: a context manager for the test's own database work (arrange with the factories,
  or read to assert). The server answers from other threads with their own connections, so
  what the test arranges must be committed, and on SQLite an open transaction in the test holds
  the write lock: always wrap database work in `with committed():`. Objects stay readable after
  the block (their loaded attributes; not lazy relationships).
- `world`: `tests.factories.build_world()`, committed that way (every account's password is
  `tests.factories.PASSWORD`).
- `sign_in(page, username, password=PASSWORD)`: signs in through the login page.

    def test_something(world, page, sign_in, committed):
        sign_in(page, world.staff1.username)
        page.goto("/staff/registrations")
        ...
        with committed():
            assert db.session.get(Registration, reg_id).status == "approved"

Tables are emptied after each test (the `commits` marker).
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
VIEWPORT = {"width": 390, "height": 844}  # a phone
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.commits)


class LiveServer:
    def __init__(self, app):
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="live-server",
                                        daemon=True)

    def url_for(self, path: str) -> str:
        return self.url + path

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@pytest.fixture
def live_server(app, request):
    if not request.node.get_closest_marker("commits"):
        pytest.fail("live_server needs committed data: put the test in tests/browser/ or mark it `commits`")
    saved = app.config.get("WTF_CSRF_ENABLED")
    app.config["WTF_CSRF_ENABLED"] = True
    db.session.remove()
    server = LiveServer(app).start()
    try:
        yield server
    finally:
        server.stop()
        app.config["WTF_CSRF_ENABLED"] = saved


@contextmanager
def _committed():
    session = db.session()
    session.expire_on_commit = False  # objects stay readable once the session is closed
    try:
        yield session
        session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        db.session.remove()


@pytest.fixture
def committed():
    return _committed


@pytest.fixture
def world(app):
    from tests.factories import build_world

    with _committed():
        return build_world()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make():
        context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def _sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"sign-in as {username} failed"


@pytest.fixture
def sign_in(live_server):
    """sign_in(page, username, password=PASSWORD): through the login page; fails if refused."""
    return _sign_in
