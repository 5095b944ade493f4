"""Request bodies are bounded (app/request_body.py): over MAX_CONTENT_LENGTH a 413 before the
body is read, declared or chunked, on the API (the contract's JSON) and on pages (Chinese); JSON
nested deeper than MAX_JSON_DEPTH a 400 naming the body, never a RecursionError. And on a real
server (gunicorn): a 20 MB body is refused within a second and the worker does not grow."""
from __future__ import annotations

import io
import json
import socket
import threading
import time

import pytest

from app.input_checks import _first_bad
from app.request_body import deeper_than
from tests.app_server import AppServer

MB = 1024 * 1024


class CountingStream(io.RawIOBase):
    """`size` bytes of body, made as they are read (seekable, as the test client wants, to
    measure it); counts the bytes the app read."""

    def __init__(self, size: int):
        self.size, self.pos, self.read_bytes = size, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.pos = {0: 0, 1: self.pos, 2: self.size}[whence] + offset
        return self.pos

    def tell(self) -> int:
        return self.pos

    def readinto(self, buffer) -> int:
        n = max(0, min(len(buffer), self.size - self.pos))
        buffer[:n] = b"a" * n
        self.pos += n
        self.read_bytes += n
        return n


@pytest.fixture
def limit(app):
    return app.config["MAX_CONTENT_LENGTH"]


def test_the_limit_is_a_setting_of_a_few_megabytes(limit):
    assert 1 * MB <= limit <= 10 * MB


def test_a_declared_body_over_the_limit_is_413_on_the_api_unread(client, limit):
    stream = CountingStream(20 * MB)
    res = client.post("/api/v1/auth/token", input_stream=stream, content_type="application/json")
    assert res.status_code == 413
    assert res.json["code"] == 413 and f"{limit // MB} MB" in res.json["message"]
    assert stream.read_bytes == 0


def test_a_declared_body_over_the_limit_is_a_chinese_page_elsewhere(client, limit):
    stream = CountingStream(20 * MB)
    res = client.post("/login", input_stream=stream, content_type="application/x-www-form-urlencoded")
    html = res.get_data(as_text=True)
    assert res.status_code == 413 and res.mimetype == "text/html"
    assert "内容太大" in html and f"提交的内容超过上限（{limit // MB} MB）" in html
    assert stream.read_bytes == 0
    res = client.post("/login?lang=en", input_stream=CountingStream(20 * MB),
                      content_type="application/x-www-form-urlencoded")
    assert res.status_code == 413 and f"over the limit ({limit // MB} MB)" in res.get_data(as_text=True)


@pytest.mark.parametrize("path,content_type", [("/api/v1/auth/token", "application/json"),
                                               ("/api/v1/members/signup", "application/json"),
                                               ("/login", "application/x-www-form-urlencoded"),
                                               ("/signup", "multipart/form-data; boundary=x")])
def test_a_chunked_body_without_length_is_cut_off_at_the_limit(client, limit, path, content_type):
    stream = CountingStream(20 * MB)
    res = client.post(path, input_stream=stream, content_type=content_type,
                      headers={"Transfer-Encoding": "chunked"},
                      environ_overrides={"wsgi.input_terminated": True})
    assert res.status_code == 413
    assert stream.read_bytes <= limit + 1 * MB  # read to the limit at most, never the 20 MB


def test_a_body_within_the_limit_is_read_as_usual(world, api, limit):
    res = api().post("/auth/token", {"username": world.staff1.username, "password": "p" * (limit // 2)})
    assert res.status_code == 422 and "password" in res.json["errors"]  # the schema's answer


def test_the_limit_follows_the_setting(app, client):
    saved = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1000
    try:
        res = client.post("/api/v1/auth/token", data=b"{" + b" " * 1000 + b"}",
                          content_type="application/json")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = saved
    assert res.status_code == 413 and res.json["message"] == "请求体过大（上限 1000 B）"


# ---- JSON depth ----------------------------------------------------------------------------

def nested(depth: int, opener: str = "[", closer: str = "]") -> str:
    return opener * depth + closer * depth


@pytest.mark.parametrize("body", [
    nested(65),
    nested(1000),
    nested(200_000),
    '{"a":' * 5000 + "1" + "}" * 5000,
    '{"username": "u", "password": "p", "x": ' + nested(64) + "}",
])
def test_json_nested_too_deep_is_400_naming_the_body(app, client, body):
    res = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert res.status_code == 400, res.get_data(as_text=True)[:300]
    limit = app.config["MAX_JSON_DEPTH"]
    assert res.json["code"] == 400 and "body" in res.json["errors"]
    assert f"{limit}" in res.json["message"]


def test_json_at_the_depth_limit_is_parsed_as_usual(client):
    body = '{"username": "u", "password": "p", "x": ' + nested(63) + "}"  # 64 levels in all
    res = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert res.status_code == 422 and "x" in res.json["errors"]  # the schema: unknown field


def test_deep_json_with_unstorable_text_is_still_422_naming_the_field(client):
    body = '{"username": "u", "password": "p", "deep": ' + "[" * 50 + '"a\\u0000"' + "]" * 50 + "}"
    res = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert res.status_code == 422 and "deep" in res.json["errors"]


@pytest.mark.parametrize("value,limit,deeper", [
    (1, 0, False), ([], 1, False), ([], 0, True), ({"a": [1, {"b": []}]}, 4, False),
    ({"a": [1, {"b": []}]}, 3, True), ([[], [[[]]]], 4, False), ([[], [[[]]]], 3, True),
])
def test_deeper_than(value, limit, deeper):
    assert deeper_than(value, limit) is deeper


def test_the_input_checker_walks_any_depth_without_recursion():
    value: list = ["ok"]
    for _ in range(100_000):
        value = [value]
    assert _first_bad({"field": value}, "") is None
    value[0][0] = "bad\x00"
    assert _first_bad({"field": value, "other": "fine"}, "") == "field"
    assert _first_bad({"a": "ok", "b\x00": "ok", "c": "bad\x00"}, "") == "body"  # a key, first


# ---- on a real server ----------------------------------------------------------------------

def _send(port: int, path: str, headers: dict, chunks) -> tuple[int, bytes, float]:
    """Sends a request whose body comes from `chunks` (in a thread, as a client would, while
    the answer is awaited); returns the status, the answer and the seconds until it began."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    started = time.monotonic()
    sock.sendall(head.encode())

    def pump():
        try:
            for chunk in chunks:
                sock.sendall(chunk)
        except OSError:
            pass  # the server answered and closed: the rest is not wanted

    sender = threading.Thread(target=pump, daemon=True)
    sender.start()
    answer = sock.recv(65536)
    elapsed = time.monotonic() - started
    try:
        while data := sock.recv(65536):
            answer += data
    except OSError:
        pass
    sock.close()
    sender.join(10)
    return int(answer.split(b" ", 2)[1]), answer, elapsed


def _json_body(size: int):
    yield b'{"username": "u", "password": "'
    piece = b"a" * 65536
    for _ in range(size // len(piece)):
        yield piece
    yield b'"}'


def _chunked(pieces):
    for piece in pieces:
        yield b"%x\r\n%s\r\n" % (len(piece), piece)
    yield b"0\r\n\r\n"


def test_a_20_mb_body_is_413_within_a_second_and_the_worker_does_not_grow(database_url):
    size = 20 * MB
    server = AppServer({"DATABASE_URL": database_url}).start()
    try:
        cases = {
            "api, declared": ("/api/v1/auth/token", {"Content-Type": "application/json",
                                                     "Content-Length": str(size + 34)},
                              lambda: _json_body(size)),
            "page, declared": ("/login", {"Content-Type": "application/x-www-form-urlencoded",
                                          "Content-Length": str(size)},
                               lambda: (b"a" * 65536 for _ in range(size // 65536))),
            "api, chunked": ("/api/v1/auth/token", {"Content-Type": "application/json",
                                                    "Transfer-Encoding": "chunked"},
                             lambda: _chunked(_json_body(size))),
        }
        for path, headers, body in cases.values():  # warm-up: code paths, the worker's arenas
            assert _send(server.port, path, headers, body())[0] == 413
        before = server.rss_kb()
        for _ in range(3):
            for name, (path, headers, body) in cases.items():
                status, answer, seconds = _send(server.port, path, headers, body())
                assert status == 413, (name, answer[:500])
                assert seconds < 1.0, (name, seconds)
        grown = server.rss_kb() - before
        assert grown < 4 * 1024, f"the worker grew by {grown} kB"  # a parsed 20 MB body: 100+ MB
        assert json.dumps("请求体过大")[1:-1].encode() in answer  # the message, JSON-escaped
        assert b'"code":413' in answer.replace(b" ", b"")
    finally:
        server.stop()
