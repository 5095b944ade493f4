"""Reminders benchmark: the daily pass over 100,000 and 500,000 members (target: under 30 s
for 500,000 on PostgreSQL) and how its cost grows (seconds per member, and the ratio).

Each size gets its own database: members approved 200 days ago, 40 % of them with recent
service (not idle), a fifth with three earlier idle reminders (so they escalate to their unit
admin), checklist evidence for a third, 20 activities tomorrow with 1 % of members signed up.
The pass runs on a checklist checkpoint day, so every part of it does work.

    python -m bench.bench_reminders                     # PostgreSQL, 100k and 500k
    python -m bench.bench_reminders --backend sqlite --small
"""
from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime, timedelta

from bench.common import Bench, backends, base_parser, timer
from bench.datagen import (
    PASSWORD_HASH,
    bulk_insert,
    create_district,
    create_members,
    create_staff,
    next_id,
)

SERVED_SHARE, ESCALATING_SHARE, CHECKLIST_SHARE, SIGNUP_SHARE = 0.4, 0.2, 0.33, 0.01
ORDER_SHARE = 0.01  # orders per member; half of them overdue


def load(conn, b: Bench, members: int, today, now) -> dict:
    """The synthetic district for one run; returns counts for the report."""
    from app.clock import day_start
    from app.reminders.daily_pass import idle_period

    rng = random.Random(11)
    district = create_district(conn, streets=8, communities_per_street=15, grids_per_community=6,
                               units=2000)
    people = create_members(conn, district, members)
    ids = range(people.first_id, people.last_id + 1)
    uid = next_id(conn, "user")
    bulk_insert(conn, "user", ["id", "username", "password_hash", "name", "phone", "role",
                               "place_id", "unit_id", "is_active", "created_at"],
                ((uid + i, f"uadmin{uid + i}", PASSWORD_HASH, f"单位管理员{i}", None, "unit_admin",
                  None, unit, True, now) for i, unit in enumerate(district.unit_ids)))
    served = [m for m in ids if rng.random() < SERVED_SHARE]
    bulk_insert(conn, "ledger_entry", ["member_id", "year", "points", "rule_key", "reason",
                                       "source_type", "source_id", "idempotency_key", "created_at"],
                ((m, today.year, 5, "service_hour", "bench", "service_record", n, f"rb:{n}",
                  now - timedelta(days=rng.randint(1, 50))) for n, m in enumerate(served)))
    served_set = set(served)
    escalating = [m for m in ids if m not in served_set and rng.random() < ESCALATING_SHARE]
    periods = [idle_period(today - timedelta(days=7 * k)) for k in (1, 2, 3)]
    bulk_insert(conn, "reminder", ["user_id", "kind", "subject_id", "period", "due_on", "text",
                                   "created_at", "sent_at"],
                ((m, "idle", 0, p, today - timedelta(days=7 * (k + 1)), "earlier", now, now)
                 for m in escalating for k, p in enumerate(periods)))
    items = ["grid_volunteer", "community_activity", "suggestion", "solve_problem",
             "help_household"]
    evidence = [(m, today.year, key, "service_record", m * 10 + k, "", now)
                for m in ids if rng.random() < CHECKLIST_SHARE
                for k, key in enumerate(rng.sample(items, rng.randint(1, 4)))]
    bulk_insert(conn, "checklist_evidence", ["member_id", "year", "item_key", "source_type",
                                             "source_id", "note", "created_at"], evidence)
    tomorrow = day_start(today + timedelta(days=1)) + timedelta(hours=10)
    aid = next_id(conn, "activity")
    activities = [(aid + i, district.community_ids[i], f"社区活动{i}", "关爱老人", "", "", None,
                   tomorrow, tomorrow + timedelta(hours=2), 10_000, 5, 0, False, now)
                  for i in range(20)]
    bulk_insert(conn, "activity", ["id", "community_id", "title", "category", "description",
                                   "location", "checklist_item", "starts_at", "ends_at", "capacity",
                                   "points", "signup_count", "is_cancelled", "created_at"],
                activities)
    signups = rng.sample(list(ids), int(members * SIGNUP_SHARE))
    bulk_insert(conn, "activity_signup", ["activity_id", "member_id", "status", "created_at",
                                          "counts_for_capacity"],
                ((aid + i % 20, m, "signed_up", now, True) for i, m in enumerate(signups)))
    create_staff(conn, district)
    orders = int(members * ORDER_SHARE)
    oid = next_id(conn, "service_order")
    bulk_insert(conn, "service_order", [
        "id", "community_id", "title", "description", "category", "urgency", "slots",
        "claimed_count", "status", "address", "unit_id", "to_pool", "deadline", "reopen_count",
        "created_at", "dispatched_at", "updated_at"],
        ((oid + i, district.community_ids[i % len(district.community_ids)], f"居民需求{i}", "",
          "关爱老人", "normal", 1, 0, "dispatched" if i % 4 else "accepted", "",
          district.unit_ids[i % len(district.unit_ids)] if i % 4 < 2 else None, i % 4 >= 2,
          now - timedelta(hours=1 + i % 48) if i % 2 else now + timedelta(days=2), 0,
          now - timedelta(days=3), now - timedelta(days=3), now) for i in range(orders)))
    if conn.dialect.name == "postgresql":
        for table in ("activity", "ledger_entry", "reminder", "checklist_evidence",
                      "activity_signup", "service_order"):
            conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                 f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, false)")
    return {"members": members, "with recent service": len(served),
            "with 3 earlier reminders": len(escalating), "checklist evidence rows": len(evidence),
            "sign-ups tomorrow": len(signups), "orders": orders,
            "overdue orders": orders // 2}


def run_size(backend: str, members: int) -> dict:
    from app.clock import LOCAL_TZ
    from app.reminders.daily_pass import run_pass

    now = datetime.now(UTC).replace(microsecond=0)
    local = now.astimezone(LOCAL_TZ)
    today = local.date()
    with Bench(f"reminders-{members}", backend) as b:
        print(f"\n== reminders bench on {backend}: {members:,} members ==", flush=True)
        b.app.config["REMINDER_CHECKLIST_CHECKPOINTS"] = f"{today.strftime('%m-%d')}:0.5"
        b.app.config["QUIET_HOURS"] = ""
        timings: dict = {}
        with timer("generate data", timings), b.connection() as conn:
            data = load(conn, b, members, today, now)
        with timer("analyze", timings):
            b.analyze()
        db = b.db
        db.session.remove()
        start = time.perf_counter()
        summary = run_pass(today, now)
        db.session.commit()
        seconds = time.perf_counter() - start
        print(f"  pass: {seconds:.2f} s {summary}", flush=True)
        db.session.remove()
        start = time.perf_counter()
        again = run_pass(today, now + timedelta(minutes=5))
        db.session.commit()
        rerun = time.perf_counter() - start
        print(f"  same day again: {rerun:.2f} s {again}", flush=True)
        with b.engine.connect() as conn:
            counts = {t: conn.exec_driver_sql(f'SELECT COUNT(*) FROM "{t}"').scalar()
                      for t in ("reminder", "notification", "delivery")}
        db.session.remove()
        return {"members": members, "seconds": round(seconds, 2), "rerun_seconds": round(rerun, 2),
                "summary": summary, "rerun_summary": again, "rows": counts, "data": data,
                "load": timings}


def main(argv=None) -> int:
    parser = base_parser(__doc__)
    parser.set_defaults(backend="postgres")
    parser.add_argument("--sizes", default="100000,500000")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.small:
        sizes = [5_000, 25_000]
    failed = False
    for backend in backends(args.backend):
        results = [run_size(backend, n) for n in sizes]
        small, large = results[0], results[-1]
        ratio = large["seconds"] / max(small["seconds"], 1e-9)
        size_ratio = large["members"] / small["members"]
        print(f"\n### reminders daily pass on {backend}")
        print("| members | pass s | µs per member | same day again s | reminders | digests "
              "| deliveries |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for r in results:
            print(f"| {r['members']:,} | {r['seconds']:.2f} | "
                  f"{r['seconds'] / r['members'] * 1e6:.1f} | {r['rerun_seconds']:.2f} | "
                  f"{r['rows']['reminder']:,} | {r['summary']['digests']:,} | "
                  f"{r['rows']['delivery']:,} |")
        print(f"\ntime ratio {ratio:.2f} for a size ratio of {size_ratio:.1f} "
              f"(linear: {size_ratio:.1f})")
        for r in results:
            print(f"- {r['members']:,}: added {r['summary']}; load {r['load']}; data {r['data']}")
        if backend == "postgres" and not args.small and large["members"] >= 500_000:
            failed |= large["seconds"] >= 30
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
