"""Where one request's time goes, in-process, with the production config on PostgreSQL:
Python calls per request (a `sys.setprofile` count: unlike times it does not move with the
machine's load), CPU and wall time per request, and on demand a cProfile listing.

    python -m bench.profile_request [--url DB] [--profile NAME] [--sort tottime] [--top 40] [NAME ...]

Without --url it starts a throwaway PostgreSQL and loads the demo district (as
bench/bench_http.py does). NAMEs are the keys of REQUESTS (all by default). Kept answers
(app/auth/read_cache.py) are on, as in production: after the first request, a marked view is
measured as served again; `--cold` drops them before every request. Not a bench of its own
(`make bench` does not run it): a tool for finding the next cost to remove."""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import secrets
import sys
import time

from bench.common import Bench

REQUESTS = {  # name: (who, path); who: None, an API login or a page login
    "healthz": (None, "/healthz"),
    "units": ("api:m001", "/api/v1/units"),
    "me": ("api:m001", "/api/v1/me"),
    "points": ("api:m001", "/api/v1/members/{member}/points"),
    "checklist": ("api:m001", "/api/v1/members/{member}/checklist"),
    "leaderboard": ("api:m001", "/api/v1/leaderboard?scope=community"),
    "board": ("api:staff2", "/api/v1/orders?status=open"),
    "home": ("page:m001", "/me"),
    "board_page": ("page:staff2", "/staff/orders"),
    "unit_ratings": ("page:unit1", "/unit/ratings"),
}
PASSWORD = "demo1234"


def count_calls(fn) -> int:
    calls = 0

    def tally(_frame, event, _arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(tally)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return calls


def production_environment() -> None:
    """Before config.py is imported: its classes read the environment once."""
    os.environ.update(SECRET_KEY=secrets.token_hex(32), SESSION_COOKIE_SECURE="0",
                      FORCE_HTTPS="0", LOG_LEVEL="WARNING")


def production_app(url: str):
    """After the demo is loaded (as `make run` loads it: its accounts keep the known password)."""
    from app import create_app

    os.environ["APP_CONFIG"] = "production"
    return create_app({"SQLALCHEMY_DATABASE_URI": url})


def client_for(app, who: str | None):
    client = app.test_client()
    if who is None:
        return client, {}
    kind, username = who.split(":")
    if kind == "api":
        res = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
        return client, {"Authorization": f"Bearer {res.get_json()['token']}"}
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    res = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    if res.status_code != 302:
        raise RuntimeError(f"sign-in of {username}: {res.status_code}")
    return client, {}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help=f"of {', '.join(REQUESTS)}")
    parser.add_argument("--url", help="an existing PostgreSQL database holding the demo district")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--cold", action="store_true", help="drop the kept answers before each request")
    parser.add_argument("--profile", help="a NAME to list with cProfile")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args(argv)
    names = args.names or list(REQUESTS)
    production_environment()
    with Bench("profile", backend="postgres", url=args.url) as b:
        if not args.url:
            from app.demo import seed_demo

            seed_demo(members=300)
            b.db.session.commit()
            b.analyze()
        b.db.session.remove()
        app = production_app(b.url)
        with app.app_context():
            from app.auth.models import User
            from app.extensions import db

            member = db.session.query(User.id).filter_by(username="m001").scalar()
            db.session.remove()
        print("| request | Python calls | CPU ms | wall ms |\n|---|---:|---:|---:|")
        for name in names:
            who, path = REQUESTS[name]
            client, headers = client_for(app, who)
            path = path.format(member=member)

            def once(client=client, path=path, headers=headers, name=name):
                kept = app.extensions.get("read_cache")  # made at the first request
                if args.cold and kept is not None:
                    kept.clear()
                res = client.get(path, headers=headers)
                if res.status_code != 200:
                    raise RuntimeError(f"{name}: {res.status_code} {res.get_data(as_text=True)[:200]}")

            for _ in range(10):
                once()
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(args.repeat):
                once()
            cpu = (time.process_time() - cpu) / args.repeat * 1000
            wall = (time.perf_counter() - wall) / args.repeat * 1000
            print(f"| {name} | {count_calls(once)} | {cpu:.2f} | {wall:.2f} |", flush=True)
            if name == args.profile:
                profiler = cProfile.Profile()
                profiler.runcall(lambda: [once() for _ in range(100)])  # noqa: B023
                pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
