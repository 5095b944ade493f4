"""Operations: /healthz, /readyz, /metrics (and who may read it), the request id in headers,
error pages, JSON errors and log lines."""
from __future__ import annotations

import json
import logging
import re
import tempfile
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from app.notifications.models import Delivery, DeliveryStatus
from app.notifications.services import notify
from app.observability import REQUEST_ID_HEADER
from app.reminders.scheduling import run_day
from config import TestConfig
from tests.conftest import NOW, TODAY, approved_at, settle
from tests.pg import _free_port

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def _settings(**extra):
    return {**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}, **extra}


def metric(text: str, name: str, **labels) -> float | None:
    """The value of one sample in Prometheus text format (labels matched exactly)."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        head, _, value = line.rpartition(" ")
        sample, _, label_text = head.partition("{")
        if sample != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', label_text))
        if found == {k: str(v) for k, v in labels.items()}:
            return float(value)
    return None


# ---- health and readiness ---------------------------------------------------------------------

def test_healthz_answers_without_the_database(client):
    res = client.get("/healthz")
    assert res.status_code == 200 and res.json == {"status": "ok"}


def test_readyz_is_ready_when_migrations_are_at_head(client):
    res = client.get("/readyz")
    assert res.status_code == 200, res.json
    assert res.json["status"] == "ready" and res.json["database"] == "ok"
    assert res.json["migrations"] == "head" and res.json["revision"] == res.json["head"]


def test_readyz_is_503_while_migrations_are_behind():
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='readyz-')) / 'behind.db'}"
    other = create_app(_settings(SQLALCHEMY_DATABASE_URI=url))
    with other.app_context():
        upgrade(directory=MIGRATIONS)
        downgrade(directory=MIGRATIONS, revision="-1")
        res = other.test_client().get("/readyz")
        assert res.status_code == 503
        assert res.json["status"] == "not ready" and res.json["migrations"] == "behind"
        assert res.json["revision"] != res.json["head"]
        upgrade(directory=MIGRATIONS)
        assert other.test_client().get("/readyz").status_code == 200
        db.engine.dispose()


def test_readyz_is_503_when_the_database_does_not_answer():
    url = f"postgresql+psycopg://nobody@127.0.0.1:{_free_port()}/nothing?connect_timeout=2"
    other = create_app(_settings(SQLALCHEMY_DATABASE_URI=url))
    with other.app_context():
        res = other.test_client().get("/readyz")
    assert res.status_code == 503
    assert res.json == {"status": "not ready", "database": "unreachable", "migrations": "unknown"}


# ---- request id -------------------------------------------------------------------------------

def test_every_answer_carries_a_generated_request_id(client):
    ids = {client.get(path).headers.get(REQUEST_ID_HEADER) for path in ("/healthz", "/", "/nowhere")}
    assert None not in ids and len(ids) == 3
    assert all(re.fullmatch(r"[0-9a-f]{32}", rid) for rid in ids)


def test_a_valid_incoming_request_id_is_kept(client):
    res = client.get("/healthz", headers={REQUEST_ID_HEADER: "nginx-7f3a.42:x_1"})
    assert res.headers[REQUEST_ID_HEADER] == "nginx-7f3a.42:x_1"


@pytest.mark.parametrize("bad", ["a b", "x" * 129, "<script>", "id\u00e9", "a;b", ""])
def test_an_invalid_incoming_request_id_is_replaced(client, bad):
    res = client.get("/healthz", headers={REQUEST_ID_HEADER: bad})
    assert res.headers[REQUEST_ID_HEADER] != bad
    assert re.fullmatch(r"[0-9a-f]{32}", res.headers[REQUEST_ID_HEADER])


def test_the_404_page_and_json_error_show_the_request_id(client, api):
    res = client.get("/no-such-page", headers={REQUEST_ID_HEADER: "trace-404-page"})
    assert res.status_code == 404 and "trace-404-page" in res.get_data(as_text=True)
    res = api().get("/no-such-endpoint", headers={REQUEST_ID_HEADER: "trace-404-api"})
    assert res.status_code == 404 and res.json["request_id"] == "trace-404-api"
    assert res.headers[REQUEST_ID_HEADER] == "trace-404-api"


def test_a_422_refused_by_a_hook_still_has_the_request_id(api):
    res = api().get("/units?q=%00", headers={REQUEST_ID_HEADER: "trace-422"})
    assert res.status_code == 422 and res.json["request_id"] == "trace-422"


def _boom(*args, **kwargs):
    raise RuntimeError("boom")


def test_a_500_page_shows_the_request_id_that_the_log_line_carries(world, page, monkeypatch, caplog):
    monkeypatch.setattr("app.registrations.services.history", _boom)
    with caplog.at_level(logging.ERROR):
        res = page(world.member1).get("/me", headers={REQUEST_ID_HEADER: "trace-500"})
    assert res.status_code == 500 and "trace-500" in res.get_data(as_text=True)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and all(r.request_id == "trace-500" for r in errors)


def test_log_lines_are_json_with_the_request_id(app, client):
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "_app_handler", False))
    with app.test_request_context("/x", headers={REQUEST_ID_HEADER: "trace-log"}):
        app.preprocess_request()
        record = logging.getLogger("app.test").makeRecord(
            "app.test", logging.WARNING, __file__, 1, "给 %s 的提醒", ("m001",), None)
        line = handler.format(record)
    data = json.loads(line)
    assert data["request_id"] == "trace-log" and data["message"] == "给 m001 的提醒"
    assert data["level"] == "WARNING" and data["logger"] == "app.test" and data["time"]


# ---- metrics ----------------------------------------------------------------------------------

def test_metrics_count_requests_by_endpoint_and_status_with_latency(client):
    before = metric(client.get("/metrics").get_data(as_text=True), "http_requests_total",
                    endpoint="main.healthz", method="GET", status=200) or 0
    for _ in range(3):
        client.get("/healthz")
    client.get("/nowhere")
    res = client.get("/metrics")
    assert res.status_code == 200 and res.mimetype == "text/plain"
    text = res.get_data(as_text=True)
    assert metric(text, "http_requests_total", endpoint="main.healthz", method="GET",
                  status=200) == before + 3
    assert metric(text, "http_requests_total", endpoint="none", method="GET", status=404) >= 1
    assert metric(text, "http_request_duration_seconds_count", endpoint="main.healthz") >= 3
    assert metric(text, "http_request_duration_seconds_bucket", endpoint="main.healthz",
                  le="+Inf") >= 3


def test_metrics_show_the_delivery_queue_and_failures(world, client):
    world.member1.email = "m1@example.org"
    notify([world.member1.id, world.member2.id], kind="info", title="通知")
    settle()
    pending = db.session.query(Delivery).filter_by(status=DeliveryStatus.PENDING).count()
    assert pending >= 3  # member1: email and sms, member2: sms
    failed = db.session.query(Delivery).first()
    failed.status = DeliveryStatus.FAILED
    settle()
    text = client.get("/metrics").get_data(as_text=True)
    assert metric(text, "delivery_queue_length") == pending - 1
    assert metric(text, "delivery_failed") == 1


def test_metrics_show_the_daily_pass(world, client):
    for member in (world.member1, world.member2):
        approved_at(member, NOW.replace(year=2025))
    before = metric(client.get("/metrics").get_data(as_text=True),
                    "reminder_pass_duration_seconds_count") or 0
    summary = run_day(TODAY, NOW)
    text = client.get("/metrics").get_data(as_text=True)
    assert metric(text, "reminder_pass_duration_seconds_count") == before + 1
    assert metric(text, "reminder_last_pass_finished_timestamp_seconds") == NOW.timestamp()
    kind, value = next((k, v) for k, v in summary.items() if isinstance(v, int) and v > 0)
    assert metric(text, "reminder_last_pass_items", kind=kind) == value


def test_metrics_refuse_other_addresses_unless_they_bear_the_token(app, client, monkeypatch):
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", environ_base=outside).status_code == 403
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "s3cret-token-for-prometheus")
    assert client.get("/metrics", environ_base=outside,
                      headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.get("/metrics", environ_base=outside,
                      headers={"Authorization": "Bearer s3cret-token-for-prometheus"}).status_code == 200
    monkeypatch.setitem(app.config, "METRICS_ALLOW", "10.0.0.0/8")
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert client.get("/metrics").status_code == 403  # loopback no longer listed


def test_production_metrics_need_a_token_or_listed_addresses():
    from config import ProductionConfig

    assert ProductionConfig.METRICS_ALLOW == ""
