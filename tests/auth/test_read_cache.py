"""Kept answers of hot reads (app/auth/read_cache.py): served again only to the same reader,
for the same request, in the same minute, while the database has not changed; the credential
is checked every time."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.auth.models import ApiToken, User, WebSession
from app.auth.read_cache import ReadCache
from app.extensions import db
from app.observability import READ_CACHE, REQUESTS
from tests.conftest import BACKEND, settle
from tests.sql import counting_statements

postgres_only = pytest.mark.skipif(BACKEND != "postgres", reason="a data version on PostgreSQL only")


def get(client, path, **kw):
    with counting_statements() as seen:
        res = client.get(path, **kw)
    return res, len(seen)


def again(client, path, **kw):
    """The answer to `path` asked right after a first one, and its statements. Asked up to three
    times: anything else writing on the server in between (autovacuum's ANALYZE, a checkpoint)
    rightly makes it miss."""
    for _ in range(3):
        get(client, path, **kw)
        res, n = get(client, path, **kw)
        if n == 1:
            break
    return res, n


def hits() -> float:
    return READ_CACHE.labels("hit")._value.get()


@pytest.fixture
def cache(app):
    kept = app.extensions.get("read_cache")
    if kept is not None:
        kept.clear()
    return kept


@postgres_only
def test_an_unchanged_answer_is_served_again_with_one_statement(world, api, cache):
    client = api(world.member1)
    first, cold = get(client, "/me")
    before = hits()
    second, warm = again(client, "/me")
    assert first.status_code == second.status_code == 200
    assert second.get_json() == first.get_json()
    assert warm == 1 < cold  # the token check and the data version, nothing else
    assert hits() > before
    assert second.headers["X-Request-ID"] != first.headers["X-Request-ID"]
    assert second.headers["X-Content-Type-Options"] == "nosniff"  # the hooks ran again
    assert second.headers["Content-Length"] == str(len(second.get_data()))


@postgres_only
@pytest.mark.commits
def test_a_write_by_anyone_is_seen_at_once(world, api, cache):
    client = api(world.member1)
    assert get(client, "/me")[0].get_json()["name"] == world.member1.name
    with db.engine.connect() as other:  # another connection, as another worker would write
        other.execute(sa.update(User).where(User.id == world.member1.id).values(name="改了名"))
        other.commit()
    db.session.expire_all()  # the test's session is the requests' (one app context): not stale
    res, n = get(client, "/me")
    assert n > 1
    assert res.get_json()["name"] == "改了名"


@postgres_only
def test_a_revoked_token_is_refused_although_its_answer_was_kept(world, api, cache):
    client = api(world.member1)
    assert get(client, "/me")[0].status_code == 200
    db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == world.member1.id)
                       .values(revoked_at=clock.utcnow()))
    settle()
    assert get(client, "/me")[0].status_code == 401


@postgres_only
def test_an_expired_token_is_refused_although_its_answer_was_kept(world, api, cache, monkeypatch):
    client = api(world.member1)
    assert get(client, "/me")[0].status_code == 200
    later = clock.utcnow() + timedelta(days=30)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    monkeypatch.setattr("app.auth.api.utcnow", lambda: later, raising=False)
    monkeypatch.setattr("app.auth.services.utcnow", lambda: later)
    assert get(client, "/me")[0].status_code == 401


@postgres_only
def test_each_reader_has_his_own_answers(world, api, cache):
    one, other = api(world.member1), api(world.member2)
    assert get(one, "/me")[0].get_json()["id"] == world.member1.id
    res, n = get(other, "/me")
    assert res.get_json()["id"] == world.member2.id and n > 1
    assert get(api(), "/me")[0].status_code == 401  # nobody: never a kept answer


@postgres_only
def test_the_query_string_and_the_language_are_part_of_the_question(world, api, cache):
    client = api(world.staff1)
    zh = get(client, "/api/v1/orders?status=bogus")[0]
    assert zh.status_code == 422
    en, _ = get(client, "/api/v1/orders?status=bogus", headers={"Accept-Language": "en"})
    assert en.get_json() != zh.get_json()  # errors are not kept; the language follows the header
    get(client, "/api/v1/orders?status=open")
    res, n = get(client, "/api/v1/orders?status=closed")
    assert res.status_code == 200 and n > 1


@postgres_only
def test_the_reader_s_language_is_part_of_the_question(world, page, cache):
    browser = page(world.member1)
    for _ in range(3):  # the first answer gives the cookie its CSRF token; then one is kept
        chinese = browser.get("/me").get_data(as_text=True)
    assert '<html lang="zh-CN">' in chinese
    browser.set_cookie("lang", "en")
    english, n = get(browser, "/me")
    assert '<html lang="en">' in english.get_data(as_text=True) and n > 1


@postgres_only
def test_the_next_minute_asks_again(world, api, cache, monkeypatch):
    client = api(world.member1)
    assert again(client, "/me")[1] == 1
    later = clock.utcnow() + timedelta(seconds=61)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    assert get(client, "/me")[1] > 1


@postgres_only
def test_a_page_is_kept_per_session_and_ends_with_it(world, page, cache):
    browser = page(world.member1)
    first = browser.get("/me")  # its CSRF token is put in the cookie: this answer is not kept
    assert "Set-Cookie" in first.headers
    second, cold = get(browser, "/me")
    third, warm = again(browser, "/me")
    assert first.status_code == second.status_code == third.status_code == 200
    assert third.get_data() == second.get_data() and warm == 1 < cold
    assert "Set-Cookie" not in third.headers
    other_browser = page(world.member1)  # same member, another session: its own CSRF token
    assert get(other_browser, "/me")[1] > 1
    db.session.execute(sa.update(WebSession).where(WebSession.user_id == world.member1.id)
                       .values(revoked_at=clock.utcnow()))
    settle()
    ended = browser.get("/me")
    assert ended.status_code == 302 and "/login" in ended.headers["Location"]


@postgres_only
def test_a_user_who_must_change_his_password_is_still_sent_to_do_it(world, api, page, cache):
    browser, client = page(world.member1), api(world.member1)
    get(browser, "/me")
    get(client, f"/api/v1/members/{world.member1.id}/points")
    db.session.execute(sa.update(User).where(User.id == world.member1.id)
                       .values(must_change_password=True))
    settle()
    assert browser.get("/me").status_code == 302
    assert client.get(f"/api/v1/members/{world.member1.id}/points").status_code == 403


@postgres_only
def test_pending_messages_are_shown_by_the_page_itself(world, page, cache):
    browser = page(world.member1)
    get(browser, "/me")
    with browser.session_transaction() as session:
        session["_flashes"] = [("success", "已保存")]
    res, n = get(browser, "/me")
    assert "已保存" in res.get_data(as_text=True) and n > 1


@pytest.mark.skipif(BACKEND == "postgres", reason="the SQLite pass")
def test_sqlite_keeps_nothing(world, api, app):
    client = api(world.member1)
    get(client, "/me")
    assert get(client, "/me")[1] > 1
    assert app.extensions["read_cache"] is None


def test_the_cache_forgets_the_least_recently_used_and_what_another_version_made_old():
    from app.auth.read_cache import Kept, _size

    one = Kept("0/10 5:5:", 200, (("Content-Type", "text/html"),), b"a")
    cache = ReadCache(2, 3 * _size(("a",), one))
    assert cache.get(("a",), one.version) is None  # the first version seen
    for key in "abc":
        cache.put((key,), Kept(one.version, 200, one.headers, key.encode()))
        cache.get(("a",), one.version)
    assert set(cache.entries) == {("a",), ("c",)}
    cache.put(("d",), Kept(one.version, 200, one.headers, b"x" * 2 * _size(("a",), one)))
    assert set(cache.entries) == {("d",)}  # one over the count, then "a" over the bytes
    later = "0/10 5:6:"  # the same WAL position, another snapshot: a commit became visible
    assert cache.get(("d",), later) is None and not cache.entries and cache.bytes == 0
    cache.put(("e",), Kept(one.version, 200, (), b"e"))  # read before that: not kept
    assert not cache.entries
    cache.put(("e",), Kept(later, 200, (), b"e"))
    assert cache.get(("e",), later).body == b"e"
    assert cache.get(("e",), "0/9 5:5:") is None and not cache.entries  # failover: back to zero


@postgres_only
def test_the_data_version_names_the_snapshot(app):
    from app.auth.read_cache import _VERSION_ONLY
    from app.database import driver_row

    lsn, snapshot = driver_row(db.engine, _VERSION_ONLY).version.split(" ")
    assert "/" in lsn and snapshot.count(":") == 2


def answered(endpoint: str) -> float:
    return REQUESTS.labels(endpoint, "GET", 200)._value.get()


def misses() -> float:
    return READ_CACHE.labels("miss")._value.get()


@postgres_only
def test_an_api_answer_served_again_is_counted_and_traced_as_the_app_would(world, api, cache):
    """An API answer served again goes out of the WSGI layer in front of Flask (KeptAnswers):
    the request metrics still count it, and the caller's request id is still its id."""
    client = api(world.member1)
    first, _ = get(client, "/me")
    served = answered("auth_api.me")
    second, n = again(client, "/me", headers={"X-Request-ID": "support-1234"})
    assert n == 1 and second.get_json() == first.get_json()
    assert second.headers["X-Request-ID"] == "support-1234"
    assert answered("auth_api.me") >= served + 2  # both requests of `again`, hit or not
    third, _ = get(client, "/me", headers={"X-Request-ID": "bad id<script>"})
    assert third.headers["X-Request-ID"] not in ("bad id<script>", second.headers["X-Request-ID"])
    assert [k for k, _ in third.headers].count("Content-Length") == 1


@postgres_only
def test_a_view_that_is_not_marked_sends_no_check(world, api, cache):
    client = api(world.member1)
    before = hits(), misses()
    assert client.get("/api/v1/announcements").status_code == 200
    assert client.get("/api/v1/nothing-here").status_code == 404
    assert (hits(), misses()) == before


@postgres_only
def test_a_read_sent_with_a_body_goes_the_usual_way(world, api, cache):
    client = api(world.member1)
    again(client, "/me")
    before = hits()
    res, n = get(client, "/me", data=b"x" * 10, content_type="application/octet-stream")
    assert res.status_code == 200 and n > 1 and hits() == before


@postgres_only
@pytest.mark.commits
def test_a_database_error_in_the_check_leaves_the_answer_to_the_app(world, api, cache, monkeypatch):
    """The server refuses the check (here: a table that is not there): the app answers, as it
    would have without kept answers, and the pooled connection is not lost."""
    client = api(world.member1)
    member = world.member1.id
    again(client, "/me")
    refused = sa.select(sa.literal_column("1").label("id")).select_from(sa.table("no_such_table"))
    monkeypatch.setattr("app.auth.read_cache._TOKEN_CHECK", refused)
    res, n = get(client, "/me")
    assert res.status_code == 200 and res.get_json()["id"] == member and n > 1
    db.session.remove()
    assert db.engine.pool.checkedout() == 0


@postgres_only
def test_behind_a_proxy_the_client_s_scheme_is_part_of_the_question(database_url):
    """ProxyFix is the outermost layer: the kept answers see the scheme the client used, so an
    HTTPS answer (with its HSTS header) is never served to plain HTTP, which is redirected."""
    from app import create_app
    from config import TestConfig

    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    behind = create_app({**settings, "SQLALCHEMY_DATABASE_URI": database_url, "FORCE_HTTPS": True,
                         "TRUSTED_PROXIES": 1})
    client = behind.test_client()
    forwarded = {"X-Forwarded-Proto": "https"}
    before = hits()
    for _ in range(4):
        secure = client.get("/api/v1/units", headers=forwarded)
        assert secure.status_code == 200 and "Strict-Transport-Security" in secure.headers
    assert hits() > before
    plain = client.get("/api/v1/units")
    assert plain.status_code == 302 and plain.headers["Location"].startswith("https://")
    with behind.app_context():
        db.engine.dispose()


@postgres_only
def test_an_answer_a_rate_limit_counted_is_not_kept(app):
    """Served again, it would skip the limit (and repeat its stale X-RateLimit headers)."""
    from flask import Response

    from app.auth.read_cache import _NOTE, _cache, keep

    cache = _cache(app)
    cache.clear()

    def kept_after(headers: dict) -> int:
        with app.test_request_context("/api/v1/units"):
            from flask import request

            cache.get(("probe",), "v1")  # the version this answer was read under
            request.environ[_NOTE] = (("probe", len(headers)), "v1")
            keep(Response(b"[]", headers=headers))
        return len(cache.entries)

    assert kept_after({}) == 1  # the premise: such an answer is kept
    assert kept_after({"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "4"}) == 1
