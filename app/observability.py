"""Running it in production: the request id, JSON log lines, Prometheus metrics and the
readiness check. `install(app)` wires all of it (called by create_app).

- Request id: an incoming `X-Request-ID` (1–128 of `A-Za-z0-9._:-`) is kept, anything else is
  replaced by a fresh one; it is in `g.request_id`, in every answer's `X-Request-ID`, in every
  log line written while the request runs, on the error pages and in the JSON error bodies.
- Metrics (prometheus_client): requests by endpoint, method and status, a latency histogram
  per endpoint, the daily pass's duration and counts, deliveries sent / retried / given up,
  and, read from the database at scrape time (so every process and host agrees), the delivery
  queue length, the deliveries given up and the last daily pass. With several gunicorn workers
  set PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py does): every process writes its samples
  there and a scrape of any worker adds them up.
- `/metrics` answers a request from an address in METRICS_ALLOW or bearing METRICS_TOKEN.
"""
from __future__ import annotations

import ipaddress
import logging
import os
import re
import sys
import time
import uuid
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, current_app, g, has_request_context, jsonify, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

log = logging.getLogger(__name__)

# ---- metrics (module level: one set per process; multiprocess mode shares them via files) ----

REQUESTS = Counter("http_requests_total", "HTTP requests answered, by endpoint, method and status.",
                   ["endpoint", "method", "status"])
LATENCY = Histogram("http_request_duration_seconds", "Time from the first hook to the answer.",
                    ["endpoint"],
                    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
PASS_DURATION = Histogram("reminder_pass_duration_seconds", "Duration of one day's reminder pass.",
                          buckets=(0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800))
PASS_ITEMS = Counter("reminder_pass_items_total", "What the daily passes wrote, by kind.", ["kind"])
READ_CACHE = Counter("read_cache_total", "Marked reads answered from kept answers (hit) or not "
                     "(miss; app/auth/read_cache.py).", ["outcome"])
DELIVERIES = Counter("deliveries_total", "Delivery attempts by outcome (sent, retry, gave_up).",
                     ["outcome"])


def observe_daily_pass(summary: dict, seconds: float) -> None:
    """Called by the scheduler once a day's pass has committed."""
    PASS_DURATION.observe(seconds)
    for kind, value in (summary or {}).items():
        if isinstance(value, int | float) and value > 0:
            PASS_ITEMS.labels(kind).inc(value)


def observe_deliveries(report) -> None:
    """Called after a delivery sweep with its DeliveryReport."""
    for outcome, value in (("sent", report.sent), ("retry", report.failed),
                           ("gave_up", report.gave_up)):
        if value:
            DELIVERIES.labels(outcome).inc(value)


def add_scrape_collector(app: Flask, factory) -> None:
    """A higher layer adds gauges read at scrape time (`factory(app)` gives a prometheus
    collector); the core knows no domain tables."""
    app.extensions.setdefault("scrape_collectors", []).append(factory)


def render_metrics(app: Flask) -> bytes:
    if MULTIPROCESS:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    database = CollectorRegistry()
    for factory in app.extensions.get("scrape_collectors", []):
        database.register(factory(app))
    return text + generate_latest(database)


def metrics_allowed(app: Flask) -> bool:
    token = app.config.get("METRICS_TOKEN") or ""
    if token and request.headers.get("Authorization", "") == f"Bearer {token}":
        return True
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in _networks(app.config.get("METRICS_ALLOW", "")))


@lru_cache(maxsize=8)
def _networks(setting: str) -> tuple:
    return tuple(ipaddress.ip_network(part.strip(), strict=False)
                 for part in setting.split(",") if part.strip())


# ---- readiness -------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def migration_heads() -> frozenset[str]:
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def readiness() -> tuple[bool, dict]:
    """(ready, details): the database answers and its Alembic revision is the code's head."""
    from alembic.runtime.migration import MigrationContext

    from app.extensions import db

    heads = migration_heads()
    try:
        conn = db.session.connection()
        conn.exec_driver_sql("SELECT 1")
        current = frozenset(MigrationContext.configure(conn).get_current_heads())
    except Exception as exc:  # any failure to reach the database means "not ready"
        log.warning("readiness: database unreachable: %s", exc.__class__.__name__)
        return False, {"database": "unreachable", "migrations": "unknown"}
    finally:
        db.session.rollback()
    at_head = current == heads
    return at_head, {"database": "ok", "migrations": "head" if at_head else "behind",
                     "revision": sorted(current), "head": sorted(heads)}


# ---- request id and logs ---------------------------------------------------------------------

def current_request_id() -> str:
    return g.get("request_id", "") if has_request_context() else ""


def _install_record_factory() -> None:
    """Every log record gets `request_id` (empty outside a request), whichever handler
    formats it (ours, gunicorn's, pytest's)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_adds_request_id", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        record.request_id = current_request_id()
        return record

    factory._adds_request_id = True
    logging.setLogRecordFactory(factory)


def configure_logging(app: Flask) -> None:
    """One handler on the root logger: JSON lines (LOG_FORMAT=json, the default) or text."""
    _install_record_factory()
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, "_app_handler", False):
            return  # a second app in the same process (tests) keeps the first's handler
    handler = logging.StreamHandler(sys.stderr)
    handler._app_handler = True
    if app.config.get("LOG_FORMAT", "json") == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            json_ensure_ascii=False))
    else:
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root.addHandler(handler)
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))


def request_id_for(incoming: str | None) -> str:
    """The id a request is known by: the caller's X-Request-ID when it is a sane one (a proxy's),
    else a new one."""
    return incoming if incoming and _VALID_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


def count_request(endpoint: str | None, method: str, status: int, started: float | None) -> None:
    """The request metrics of one answer (`started`: its time.perf_counter() at arrival)."""
    endpoint = endpoint or "none"
    REQUESTS.labels(endpoint, method, status).inc()
    if started is not None:
        LATENCY.labels(endpoint).observe(time.perf_counter() - started)


def _start_request() -> None:
    g._started = time.perf_counter()
    g.request_id = request_id_for(request.headers.get(REQUEST_ID_HEADER))


def _finish_request(response: Response) -> Response:
    rid = g.get("request_id")
    if rid is None:  # a request that failed before the first hook ran
        rid = g.request_id = uuid.uuid4().hex
    response.headers[REQUEST_ID_HEADER] = rid
    count_request(request.endpoint, request.method, response.status_code, g.get("_started"))
    return response


def install(app: Flask) -> None:
    configure_logging(app)
    # first of all hooks, so a request refused by a later hook still has its id
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request)
    app.after_request(_finish_request)
    app.jinja_env.globals["request_id"] = current_request_id

    @app.get("/readyz")
    def readyz():
        ready, details = readiness()
        return jsonify(status="ready" if ready else "not ready", **details), 200 if ready else 503

    @app.get("/metrics")
    def metrics():
        if not metrics_allowed(current_app):
            return jsonify(code=403, status="Forbidden", message="metrics: address or token refused",
                           request_id=current_request_id()), 403
        return Response(render_metrics(current_app), mimetype=CONTENT_TYPE_LATEST)
