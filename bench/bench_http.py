"""Speed as users feel it: the app over HTTP, side by side with a bare Flask hello.

    python -m bench.bench_http [--small] [--duration 10] [--connections 16] [--workers 2]

Starts a throwaway PostgreSQL, loads the demo district (`app/demo.py`, 300 members, orders in
every state), starts two gunicorns on loopback with the same settings (the app with
APP_CONFIG=production, and bench/hello_app.py), and drives each endpoint in turn with wrk
(16 connections, a bounded duration). Prints requests/s, p50 / p99, the ratio to hello's
requests/s (hello is measured before and after the app's endpoints; the ratio uses their
mean), the SQL statements one request sends (counted in-process with a SQLAlchemy event), the
CPU time the app's workers spent per request (from /proc, so independent of the machine's
load, unlike req/s and latency) and the machine's load average; errors in the app's log or
non-2xx answers fail the run.
PostgreSQL only (`--backend sqlite` is skipped)."""
from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from bench.common import RESULTS, ROOT, Bench, base_parser
from tests.pg import _free_port

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
WRK = shutil.which("wrk") or "/usr/bin/wrk"
DEMO_PASSWORD = "demo1234"

# (label, path, who, target ratio to hello); who: a key of the sessions built below
ENDPOINTS = [
    ("GET /api/v1/units", "/api/v1/units", "member_api", None),
    ("GET /api/v1/me", "/api/v1/me", "member_api", 0.50),
    ("GET /api/v1/members/{id}/points", "/api/v1/members/{member}/points", "member_api", 0.35),
    ("GET /api/v1/members/{id}/checklist", "/api/v1/members/{member}/checklist", "member_api", 0.35),
    ("GET /api/v1/leaderboard (community)", "/api/v1/leaderboard?scope=community", "member_api", 0.35),
    ("GET /api/v1/orders?status=open (staff board)", "/api/v1/orders?status=open", "staff_api", 0.20),
    ("page: member home /me", "/me", "member_page", None),
    ("page: staff dispatch board /staff/orders", "/staff/orders", "staff_page", 0.20),
    ("page: unit ratings /unit/ratings", "/unit/ratings", "unit_page", None),
]
P99_TARGET_MS = 50.0


def _wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


class Gunicorn:
    def __init__(self, target: str, env: dict, workers: int, log: Path):
        self.port = _free_port()
        self.log = log
        self.process = subprocess.Popen(
            [GUNICORN, "-w", str(workers), "-k", "sync", "-b", f"127.0.0.1:{self.port}",
             "--log-level", "warning", target],
            cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the workers have used so far: what a request costs the app
        whatever else runs on the machine (the load stretches the wall time, not this)."""
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        total = 0
        for pid in children:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def parse_wrk(text: str) -> dict:
    def ms(value: str, unit: str) -> float:
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    requests_done = int(re.search(r"(\d+) requests in", text).group(1))
    pct = {int(p): ms(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$",
                                                       text, re.M)}
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                              text)
    return {"rps": rps, "requests": requests_done, "p50_ms": pct.get(50), "p99_ms": pct.get(99),
            "non_2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0}


def wrk(url: str, headers: dict, duration: int, connections: int, server: Gunicorn | None = None) -> dict:
    """wrk's figures; with `server`, also its workers' CPU milliseconds per request."""
    before = server.cpu_seconds() if server else 0.0
    cmd = [WRK, "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True,
                         timeout=duration + 30).stdout
    result = parse_wrk(out)
    if server is not None:
        result["cpu_ms"] = (server.cpu_seconds() - before) * 1000 / max(result["requests"], 1)
    return result


USER_AGENT = "bench-http"  # the browser's: the sign-in and wrk send the same one


def page_login(base: str, username: str) -> requests.Session:
    """Signs in through the login form (CSRF token included): a browser's cookie jar."""
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    form = session.get(f"{base}/login", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    res = session.post(f"{base}/login", data={"username": username, "password": DEMO_PASSWORD,
                                              "csrf_token": token}, allow_redirects=False, timeout=10)
    if res.status_code != 302:
        raise RuntimeError(f"login of {username} failed: {res.status_code}")
    return session


def browser_headers(session: requests.Session, url: str) -> dict:
    """The headers a browser would send next for `url`: it asks once (taking the cookie the
    answer sets: the CSRF token, the session's last-seen time, moved once a minute) and sends
    its cookie and User-Agent. wrk replays them unchanged for the run (10 s)."""
    session.get(url, timeout=10, allow_redirects=False)
    return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in session.cookies),
            "User-Agent": USER_AGENT}


def api_login(base: str, username: str) -> dict:
    res = requests.post(f"{base}/api/v1/auth/token",
                        json={"username": username, "password": DEMO_PASSWORD}, timeout=10)
    res.raise_for_status()
    return {"Authorization": f"Bearer {res.json()['token']}"}


def count_statements(b: Bench, sessions_in_process: dict, paths: list[tuple[str, str]]) -> dict:
    """SQL statements per request, in-process (the test client, same database): "cold / warm",
    the first request after the kept answers are dropped (app/auth/read_cache.py), and one
    asked again with nothing changed in between (what wrk measures after its first request)."""
    counts = {}
    for label, path, who in paths:
        client, headers = sessions_in_process[who]
        try:
            kept = b.app.extensions.get("read_cache")
            if kept is not None:
                kept.entries.clear()
            with b.app.app_context():  # a fresh `g` (the bench's own context would keep one)
                cold = b.count_queries(lambda: client.get(path, headers=headers))  # noqa: B023
            with b.app.app_context():  # a page's first answer gives its cookie a CSRF token
                client.get(path, headers=headers)
            with b.app.app_context():
                warm = b.count_queries(lambda: client.get(path, headers=headers))  # noqa: B023
            counts[label] = f"{cold} / {warm}"
        except RuntimeError as exc:
            raise RuntimeError(f"{label}: {exc}") from None
    return counts


def in_process_sessions(b: Bench, usernames: dict) -> dict:
    from app.auth.models import User
    from app.auth.services import issue_token

    sessions = {}
    for who, username in usernames.items():
        user = b.db.session.query(User).filter_by(username=username).one()
        client = b.app.test_client()
        if who.endswith("_api"):
            raw, _ = issue_token(user)
            b.db.session.commit()
            sessions[who] = (client, {"Authorization": f"Bearer {raw}"})
        else:
            res = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
            assert res.status_code == 302, res.status_code
            sessions[who] = (client, {})
    return sessions


def main(argv=None) -> int:
    parser = base_parser(__doc__)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--url", help="an existing PostgreSQL database (the demo is loaded once)")
    args = parser.parse_args(argv)
    if args.backend == "sqlite":
        print("bench_http runs on PostgreSQL only; skipped for --backend sqlite")
        return 0
    duration = 3 if args.small else args.duration
    if not Path(WRK).exists():
        print("wrk not found: `make system-deps` installs it")
        return 1
    RESULTS.mkdir(exist_ok=True)
    with Bench("http", backend="postgres", url=args.url, read_cache=True) as b:
        from app.auth.models import User
        from app.demo import seed_demo

        start = time.perf_counter()
        seed_demo(members=300)
        b.db.session.commit()
        b.analyze()
        member = b.db.session.query(User).filter_by(username="m001").one()
        print(f"  demo district loaded in {time.perf_counter() - start:.0f} s", flush=True)
        usernames = {"member_api": "m001", "staff_api": "staff2", "member_page": "m001",
                     "staff_page": "staff2", "unit_page": "unit1"}
        paths = [(label, path.format(member=member.id), who) for label, path, who, _ in ENDPOINTS]
        statements = count_statements(b, in_process_sessions(b, usernames), paths)
        b.db.session.remove()

        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("TEST_", "FLASK_", "PROMETHEUS_MULTIPROC"))}
        env.update(APP_CONFIG="production", SECRET_KEY=secrets.token_hex(32), DATABASE_URL=b.url,
                   SESSION_COOKIE_SECURE="0", FORCE_HTTPS="0", LOG_FORMAT="json",
                   PYTHONDONTWRITEBYTECODE="1")
        app_log, hello_log = RESULTS / "http-app.log", RESULTS / "http-hello.log"
        app_server = Gunicorn("wsgi:app", env, args.workers, app_log)
        hello_server = Gunicorn("bench.hello_app:app", env, args.workers, hello_log)
        try:
            _wait_http(f"{app_server.url}/healthz")
            _wait_http(f"{hello_server.url}/hello")
            headers = {"member_api": api_login(app_server.url, "m001"),
                       "staff_api": api_login(app_server.url, "staff2"),
                       "member_page": page_login(app_server.url, "m001"),
                       "staff_page": page_login(app_server.url, "staff2"),
                       "unit_page": page_login(app_server.url, "unit1")}
            for label, path, who in paths:  # warm-up, and every answer must be a 200
                sent = headers[who]
                get = sent.get if isinstance(sent, requests.Session) else \
                    lambda url, sent=sent, **kw: requests.get(url, headers=sent, **kw)
                res = get(app_server.url + path, timeout=10, allow_redirects=False)
                if res.status_code != 200:
                    raise RuntimeError(f"{label}: {res.status_code} {res.text[:200]}")
            wrk(hello_server.url + "/hello", {}, 2, args.connections)  # warm-up
            load_before = os.getloadavg()
            hello_runs = [wrk(hello_server.url + "/hello", {}, duration, args.connections,
                              hello_server)]
            rows = []
            for (label, path, who), (_, _, _, target) in zip(paths, ENDPOINTS, strict=True):
                sent = headers[who]
                if isinstance(sent, requests.Session):
                    sent = browser_headers(sent, app_server.url + path)
                result = wrk(app_server.url + path, sent, duration, args.connections,
                             app_server)
                rows.append({"label": label, **result, "target": target,
                             "statements": statements[label]})
                print(f"  {label}: {result['rps']:.0f} req/s, p50 {result['p50_ms']:.1f} ms, "
                      f"p99 {result['p99_ms']:.1f} ms, {result['cpu_ms']:.2f} ms CPU", flush=True)
            hello_runs.append(wrk(hello_server.url + "/hello", {}, duration, args.connections,
                                  hello_server))
            load_after = os.getloadavg()
            log_text = app_log.read_text(errors="replace")  # before the shutdown's own lines
        finally:
            app_server.stop()
            hello_server.stop()
    hello_rps = sum(r["rps"] for r in hello_runs) / len(hello_runs)
    log_errors = [line for line in log_text.splitlines()
                  if '"level": "ERROR"' in line or "Traceback" in line or "[ERROR]" in line]
    failures = []
    print(f"\n### HTTP on PostgreSQL: gunicorn {args.workers} sync workers, wrk {args.connections} "
          f"connections, {duration} s per endpoint")
    print(f"- load average (1/5/15 min) before: {' '.join(f'{x:.2f}' for x in load_before)}, "
          f"after: {' '.join(f'{x:.2f}' for x in load_after)}; {os.cpu_count()} CPUs")
    hello_cpu = sum(r["cpu_ms"] for r in hello_runs) / len(hello_runs)
    print(f"- Flask hello: {hello_runs[0]['rps']:.0f} and {hello_runs[1]['rps']:.0f} req/s "
          f"(before / after), p99 {max(r['p99_ms'] for r in hello_runs):.1f} ms, "
          f"{hello_cpu:.2f} ms worker CPU per request")
    print("- statements: cold (no kept answer) / warm (asked again, nothing changed: the "
          "token or session check and the data version)")
    print("- worker CPU: CPU time of the app's gunicorn workers per request answered (the "
          "database's own CPU not included); unlike req/s it does not depend on the machine's load")
    print("\n| endpoint | req/s | p50 ms | p99 ms | share of hello | target | statements "
          "| worker CPU ms | met |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        ratio = row["rps"] / hello_rps
        met = (row["target"] is None or ratio >= row["target"]) and row["p99_ms"] < P99_TARGET_MS \
            and not row["non_2xx"] and not row["socket_errors"]
        if not met:
            failures.append(row["label"])
        target = f"≥ {row['target']:.0%}" if row["target"] else "–"
        errors = f" ({row['non_2xx']} non-2xx, {row['socket_errors']} socket errors)" \
            if row["non_2xx"] or row["socket_errors"] else ""
        print(f"| {row['label']} | {row['rps']:.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | "
              f"{ratio:.0%} | {target} | {row['statements']} | {row['cpu_ms']:.2f} | "
              f"{'yes' if met else 'NO'}{errors} |")
    print(f"\n- errors in the app's log: {len(log_errors)}")
    for line in log_errors[:5]:
        print("    " + line[:300])
    if log_errors:
        failures.append("log")
    if failures:
        print("targets missed: " + ", ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
