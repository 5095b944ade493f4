"""Shared benchmark plumbing: a database (throwaway PostgreSQL or a SQLite file), the app
with migrations applied, a SQL query counter, timing with percentiles, API clients and a
JSON + markdown report.

    from bench.common import Bench
    with Bench("orders", backend="postgres") as b:
        ...                                   # b.app, b.engine, b.url are ready (migrated)
        client = b.api_client(user_id)
        b.measure("dispatch board", lambda: client.get("/api/v1/orders?..."), repeat=50)
        b.report()                            # prints markdown, writes bench/out/*.json
"""
from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "out"  # git-ignored
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def base_parser(description: str) -> argparse.ArgumentParser:
    """--backend sqlite|postgres|both, --small, --repeat, --json (common to every bench)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--small", action="store_true", help="a quick run on a small dataset")
    parser.add_argument("--repeat", type=int, default=50, help="timed runs per measurement")
    parser.add_argument("--json", type=Path, help="also write the report to this file")
    return parser


def backends(choice: str) -> list[str]:
    return ["sqlite", "postgres"] if choice == "both" else [choice]


# ---- timing ---------------------------------------------------------------------------------

def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summarize(samples_ms: list[float]) -> dict:
    return {"n": len(samples_ms), "p50_ms": round(percentile(samples_ms, 0.5), 3),
            "p95_ms": round(percentile(samples_ms, 0.95), 3),
            "mean_ms": round(statistics.fmean(samples_ms), 3), "min_ms": round(min(samples_ms), 3),
            "max_ms": round(max(samples_ms), 3)}


def time_calls(fn: Callable[[], object], repeat: int = 50, warmup: int = 3) -> list[float]:
    """Milliseconds per call over `repeat` runs after `warmup` untimed runs."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


class QueryCounter:
    """Counts SQL statements sent through an engine while active (SQLAlchemy events), and
    those psycopg sends itself (`app.database.driver_row`: counted, not listed)."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.count = 0
        self.statements: list[str] = []

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        self.statements.append(statement)

    def __enter__(self) -> QueryCounter:
        from app.database import driver_statements_sent

        self._driver_sent = driver_statements_sent()
        sa.event.listen(self.engine, "before_cursor_execute", self._before)
        return self

    def __exit__(self, *exc) -> None:
        from app.database import driver_statements_sent

        sa.event.remove(self.engine, "before_cursor_execute", self._before)
        self.count += driver_statements_sent() - self._driver_sent


@contextmanager
def timer(label: str, sink: dict | None = None):
    """Prints (and stores in `sink`) how long a block took, in seconds."""
    start = time.perf_counter()
    yield
    seconds = time.perf_counter() - start
    if sink is not None:
        sink[label] = round(seconds, 2)
    print(f"  {label}: {seconds:.1f} s", flush=True)


# ---- database and app -------------------------------------------------------------------------

class Bench:
    """One benchmark run on one backend: starts the database, builds the migrated app,
    collects measurements and prints/writes the report."""

    def __init__(self, name: str, backend: str = "sqlite", *, keep: bool = False,
                 url: str | None = None, read_cache: bool = False):
        """`url`: an existing (PostgreSQL) database to use instead of a throwaway server.
        `read_cache`: keep answers of marked reads (app/auth/read_cache.py); off by default, so
        a timed request asked again does the view's work and not only the credential check."""
        self.name, self.backend, self.keep, self.given_url = name, backend, keep, url
        self.read_cache = read_cache
        self.results: list[dict] = []
        self.notes: dict = {}
        self._server = None
        self._dir: Path | None = None

    # database
    def __enter__(self) -> Bench:
        if self.given_url:
            self.url = self.given_url
        elif self.backend == "postgres":
            from tests.pg import PostgresServer

            self._server = PostgresServer().start()
            self.url = self._server.create_database("bench")
        else:
            self._dir = Path(tempfile.mkdtemp(prefix=f"bench-{self.name}-"))
            self.url = f"sqlite:///{self._dir / 'bench.db'}"
        from flask_migrate import upgrade

        from app import create_app
        from app.extensions import db

        self.app = create_app({"SQLALCHEMY_DATABASE_URI": self.url, "TESTING": True,
                               "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False,
                               "SECRET_KEY": "bench-secret", "SQLALCHEMY_ENGINE_OPTIONS": {},
                               "READ_CACHE_ENTRIES": 2048 if self.read_cache else 0})
        self._ctx = self.app.app_context()
        self._ctx.push()
        upgrade(directory=str(ROOT / "migrations"))
        self.db = db
        self.engine = db.engine
        return self

    def __exit__(self, *exc) -> None:
        self.db.session.remove()
        self.engine.dispose()
        self._ctx.pop()
        if self._server is not None and not self.keep:
            self._server.stop()
        if self._dir is not None and not self.keep:
            shutil.rmtree(self._dir, ignore_errors=True)

    @contextmanager
    def connection(self):
        """A Core connection in one transaction (committed at the end) for bulk loading."""
        self.db.session.remove()  # no open (on SQLite: write-locking) session meanwhile
        with self.engine.begin() as conn:
            yield conn

    def analyze(self) -> None:
        """Fresh planner statistics (and PostgreSQL's visibility map for index-only scans)."""
        self.db.session.remove()
        if self.backend == "postgres":
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            with self.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")

    # clients
    def api_client(self, user_id: int):
        """A test client sending `Authorization: Bearer` for the user (token issued here)."""
        from app.auth.models import User
        from app.auth.services import issue_token

        raw, _ = issue_token(self.db.session.get(User, user_id))
        self.db.session.commit()
        client = self.app.test_client()
        headers = {"Authorization": f"Bearer {raw}"}

        class Client:
            def get(self, path, **kw):
                return client.get(path, headers=headers, **kw)

            def post(self, path, json=None, **kw):
                return client.post(path, json=json or {}, headers=headers, **kw)

        return Client()

    def page_client(self, user_id: int):
        """A pages client signed in as signing in does (a server-side session and its cookie).
        The bench keeps one app context, so Flask-Login's per-request cache is dropped before
        each request; an answer sending the reader to the sign-in page is an error (a bench
        must not time a redirect)."""
        from flask import g

        from app.auth.models import User
        from app.auth.sessions import open_session

        user = self.db.session.get(User, user_id)
        client = self.app.test_client()
        with client.session_transaction() as session:
            session.update(open_session(user))
            session["_user_id"] = str(user_id)
            session["_fresh"] = True
        self.db.session.commit()
        self.db.session.remove()

        class Client:
            def get(self, path, **kw):
                g.pop("_login_user", None)
                res = client.get(path, **kw)
                if res.status_code in (301, 302, 303) and "/login" in res.headers.get("Location", ""):
                    raise RuntimeError(f"{path}: sent to the sign-in page (not signed in)")
                return res

        return Client()

    # measuring
    def request(self, fn: Callable[[], object]):
        """Runs one request with the session cleared first, as a real request would."""
        self.db.session.remove()
        try:
            response = fn()
        finally:
            self.db.session.remove()
        status = getattr(response, "status_code", 200)
        if status >= 400:
            raise RuntimeError(f"request failed: {status} {getattr(response, 'json', '')}")
        return response

    def count_queries(self, fn: Callable[[], object]) -> int:
        self.db.session.remove()
        with QueryCounter(self.engine) as counter:
            self.request(fn)
        return counter.count

    def measure(self, label: str, fn: Callable[[], object], *, repeat: int = 50,
                target_p50_ms: float | None = None, **extra) -> dict:
        """Times `fn` (a request) `repeat` times and counts its SQL queries once."""
        queries = self.count_queries(fn)
        stats = summarize(time_calls(lambda: self.request(fn), repeat=repeat))
        row = {"label": label, "backend": self.backend, **stats, "queries": queries, **extra}
        if target_p50_ms is not None:
            row["target_p50_ms"] = target_p50_ms
            row["meets_target"] = stats["p50_ms"] < target_p50_ms
        self.results.append(row)
        print(f"  {label}: p50 {stats['p50_ms']:.2f} ms, p95 {stats['p95_ms']:.2f} ms, "
              f"{queries} queries", flush=True)
        return row

    def note(self, key: str, value) -> None:
        self.notes[key] = value

    def report(self, json_path: Path | None = None) -> dict:
        data = {"bench": self.name, "backend": self.backend, "python": platform.python_version(),
                "notes": self.notes, "results": self.results}
        RESULTS.mkdir(exist_ok=True)
        path = json_path or RESULTS / f"{self.name}-{self.backend}.json"
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str))
        print(markdown(data))
        return data


def markdown(data: dict) -> str:
    lines = [f"\n### {data['bench']} on {data['backend']}", ""]
    for key, value in data["notes"].items():
        lines.append(f"- {key}: {value}")
    lines += ["", "| measurement | p50 ms | p95 ms | queries | notes |", "|---|---:|---:|---:|---|"]
    for r in data["results"]:
        extra = {k: v for k, v in r.items() if k not in (
            "label", "backend", "n", "p50_ms", "p95_ms", "mean_ms", "min_ms", "max_ms", "queries")}
        note = ", ".join(f"{k}={v}" for k, v in extra.items())
        lines.append(f"| {r['label']} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} | {r['queries']} | {note} |")
    return "\n".join(lines)
