"""The `make run` path: `flask db upgrade`, `flask demo seed` (twice: idempotent), then the site
serves the demo district. Runs the real commands in subprocesses against a database of their own
(a temporary SQLite file; on the PostgreSQL run, a new database on the test server)."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from app.extensions import db

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def demo_env(postgres_server, tmp_path):
    if postgres_server is not None:
        url = postgres_server.create_database(f"demo_{os.getpid()}_{int(time.time())}")
    else:
        url = f"sqlite:///{tmp_path / 'app.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "APP_CONFIG"))}
    env.update(DATABASE_URL=url, FLASK_APP="wsgi", INSTANCE_DIR=str(tmp_path),
               SCHEDULER_EMBEDDED="0", PYTHONDONTWRITEBYTECODE="1")
    return env


def flask(env, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def table_counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {t.name: conn.scalar(sa.select(sa.func.count()).select_from(t))
                    for t in db.metadata.sorted_tables}
    finally:
        engine.dispose()


def test_demo_seed_is_idempotent_and_the_site_serves_it(demo_env):
    flask(demo_env, "db", "upgrade")
    first = flask(demo_env, "demo", "seed")
    counts = table_counts(demo_env["DATABASE_URL"])
    second = flask(demo_env, "demo", "seed")
    assert table_counts(demo_env["DATABASE_URL"]) == counts  # the second run wrote nothing

    assert "demo district built" in first and "already there" in second
    accounts = first[first.index("Demo accounts"):]
    assert accounts == second[second.index("Demo accounts"):]
    for username, role in [("admin", "admin"), ("district", "street_admin"), ("street1", "street_admin"),
                           ("staff6", "staff"), ("unit8", "unit_admin"), ("resident11", "resident")]:
        assert re.search(rf"^{username}\s+{role}\s+\S", accounts, re.M), username
    assert len(re.findall(r"^m\d{3}\s+member", accounts, re.M)) == 5
    assert counts["unit"] == 8 and counts["unit_registration"] == 16
    assert counts["registration"] == 300 - 5 + 10  # 5 never registered, 10 transferred once
    assert counts["activity"] > 0  # the points domain's own seeder ran
    assert counts["project_session"] == 2 * 2  # two communities, one project in two sessions each

    engine = sa.create_engine(demo_env["DATABASE_URL"])
    with engine.connect() as conn:
        def grouped(sql: str) -> dict:
            return dict(conn.execute(sa.text(sql)).all())

        kinds = grouped("SELECT kind, count(*) FROM place GROUP BY kind")
        roles = grouped('SELECT role, count(*) FROM "user" GROUP BY role')
        statuses = grouped("SELECT status, count(*) FROM registration GROUP BY status")
        names = conn.scalars(sa.text("SELECT name FROM \"user\" WHERE role = 'member'")).all()
    engine.dispose()
    assert kinds == {"district": 1, "street": 2, "community": 6, "grid": 18}
    assert roles == {"admin": 1, "street_admin": 3, "staff": 6, "resident": 12, "unit_admin": 8,
                     "member": 300}
    assert statuses == {"approved": 262, "pending": 25, "rejected": 8, "transferred": 10}
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,3}", name) for name in names)

    _serve_and_sign_in(demo_env)


def _serve_and_sign_in(env) -> None:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "flask", "run", "--host", "127.0.0.1", "--port",
                               str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        session = requests.Session()
        landing = session.get(base + "/", timeout=5)
        assert landing.status_code == 200 and "双报到" in landing.text
        form = session.get(base + "/login", timeout=5).text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        res = session.post(base + "/login", data={"csrf_token": token, "username": "staff1",
                                                  "password": "demo1234"}, timeout=5)
        assert res.status_code == 200 and res.url.endswith("/workbench")  # the staff's home
        assert "待审核报到" in res.text and "报到审核" in res.text
        queue = session.get(base + "/staff/registrations?status=pending", timeout=5)
        assert queue.status_code == 200 and "通过" in queue.text
    finally:
        server.terminate()
        server.wait(timeout=10)

