"""Ratings benchmark: a unit of 5,000 members (and one of 500) spread over a district's
communities, with points, 五个一 evidence, verified service hours and orders (rated and
abandoned claims); half the communities have published their ratings. Measures the unit
ratings API and page (target p50 < 200 ms), the xlsx export (target < 2 s), statements per
request at 500 and 5,000 members (must be equal) and publishing a community, with
GET /api/v1/me as the baseline of the same run.

    python -m bench.bench_ratings --backend both          # full size
    python -m bench.bench_ratings --backend sqlite --small
"""
from __future__ import annotations

import os
import random
import sys
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bench.bench_points import add_ledger, rebuild_totals
from bench.common import Bench, backends, base_parser, timer
from bench.datagen import bulk_insert, create_district, create_members, create_staff, fix_sequences, next_id

ITEMS = ("grid_volunteer", "community_activity", "suggestion", "solve_problem", "help_household")


def make_unit(conn, first: int, last: int, unit_id: int, size: int, *, every: int, offset: int) -> None:
    """Moves `size` members to `unit_id`: every `every`-th member from `first + offset`, so
    the unit spans the district's streets and communities."""
    conn.execute(sa.text('UPDATE "user" SET unit_id = :u WHERE role = \'member\' AND id >= :lo '
                         "AND (id - :lo) % :k = :o AND id < :hi"),
                 {"u": unit_id, "lo": first, "k": every, "o": offset, "hi": first + offset + every * size})


def add_evidence(conn, first: int, last: int, year: int, rng: random.Random) -> int:
    when = datetime(year, 3, 1, tzinfo=UTC)

    def rows():
        source = 0
        for member in range(first, last + 1):
            for key in ITEMS[: rng.randint(0, 5)]:
                source += 1
                yield member, year, key, "attendance", source, "", when

    return bulk_insert(conn, "checklist_evidence", ["member_id", "year", "item_key", "source_type",
                                                    "source_id", "note", "created_at"], rows())


def add_hours(conn, first: int, last: int, community_of, year: int, rng: random.Random) -> int:
    when = datetime(year, 4, 1, tzinfo=UTC)
    rows = [(m, community_of(m), "关爱老人", when + timedelta(days=rng.randrange(150)),
             rng.choice((1, 1.5, 2, 3)), "陪同就医", "verified", when)
            for m in range(first, last + 1) for _ in range(rng.randint(0, 3))]
    return bulk_insert(conn, "service_record", ["member_id", "community_id", "category", "started_at",
                                                "hours", "description", "status", "created_at"], rows)


def add_orders(conn, first: int, last: int, community_of, year: int, rng: random.Random) -> int:
    """About one closed, rated order per member (claimed by him) and an abandoned claim for
    one in ten; plus orders in other states."""
    oid = next_id(conn, "service_order")
    start = datetime(year, 2, 1, tzinfo=UTC)
    orders, claims = [], []
    statuses = ("closed", "closed", "closed", "completed", "claimed", "submitted", "cancelled")
    for member in range(first, last + 1):
        created = start + timedelta(hours=rng.randrange(24 * 200))
        status = statuses[rng.randrange(len(statuses))]
        done = created + timedelta(hours=rng.randint(1, 96)) if status in ("closed", "completed") else None
        score = rng.randint(2, 5) if status == "closed" else None
        closed = done + timedelta(hours=2) if score else None
        orders.append((oid, community_of(member), "代买药品", "", "关爱老人", "normal", 1, 1, status, "",
                       False, 0, created, done, closed, score, created))
        claims.append((oid, member, created, None, False))
        if member % 10 == 0:
            claims.append((oid, member + 1 if member < last else first, created, created + timedelta(hours=1),
                           True))
        oid += 1
    bulk_insert(conn, "service_order", [
        "id", "community_id", "title", "description", "category", "urgency", "slots", "claimed_count",
        "status", "address", "to_pool", "reopen_count", "created_at", "completed_at", "closed_at", "score",
        "updated_at"], orders)
    bulk_insert(conn, "order_claim", ["order_id", "member_id", "claimed_at", "released_at", "abandoned"],
                claims)
    fix_sequences(conn, ["service_order"])
    return len(orders)


def run(backend: str, members: int, unit_size: int, repeat: int) -> dict:
    from app.auth.models import User
    from app.clock import local_today
    from app.ratings import services

    year = local_today().year - 1  # last year: a whole year of figures, the usual publication case
    rng = random.Random(11)
    with Bench("ratings", backend) as b:
        print(f"\n== ratings bench on {backend}: {members:,} members, unit of {unit_size:,} ==", flush=True)
        timings: dict = {}
        with timer("district, members, staff", timings), b.connection() as conn:
            district = create_district(conn, streets=4, communities_per_street=17, grids_per_community=6,
                                       units=300)
            people = create_members(conn, district, members)
            staff = create_staff(conn, district)
            big, small = district.unit_ids[0], district.unit_ids[1]
            every = max(members // unit_size, 2)  # the small unit: every 10th of those steps, offset 1
            make_unit(conn, people.first_id, people.last_id, big, unit_size, every=every, offset=0)
            make_unit(conn, people.first_id, people.last_id, small, unit_size // 10, every=every * 10,
                      offset=1)
            admins = [(f"uadmin_{unit}", "x", "单位管理员", "unit_admin", unit, True, datetime.now(UTC))
                      for unit in (big, small)]
            bulk_insert(conn, "user", ["username", "password_hash", "name", "role", "unit_id", "is_active",
                                       "created_at"], admins)
        community_of_member = dict(b.db.session.execute(sa.text(
            "SELECT member_id, community_id FROM registration WHERE status = 'approved'")).all())
        b.db.session.remove()
        with timer("points, evidence, hours, orders", timings), b.connection() as conn:
            add_ledger(conn, people.first_id, people.last_id, members * 8, year)
            rebuild_totals(conn, year)
            evidence = add_evidence(conn, people.first_id, people.last_id, year, rng)
            records = add_hours(conn, people.first_id, people.last_id, community_of_member.get, year, rng)
            orders = add_orders(conn, people.first_id, people.last_id, community_of_member.get, year, rng)
        b.analyze()
        session = b.db.session
        admin_big = session.scalar(sa.select(User.id).where(User.username == f"uadmin_{big}"))
        admin_small = session.scalar(sa.select(User.id).where(User.username == f"uadmin_{small}"))
        unit_counts = dict(session.execute(sa.text(
            "SELECT unit_id, COUNT(*) FROM \"user\" WHERE unit_id IN (:a, :b) AND role = 'member' "
            "GROUP BY unit_id"), {"a": big, "b": small}).all())
        publish_times = []
        with timer("publish half the communities", timings):
            for community_id in district.community_ids[::2]:
                start = datetime.now(UTC)
                result = services.publish(session.get(User, staff[community_id]), community_id, year)
                session.commit()
                elapsed = (datetime.now(UTC) - start).total_seconds() * 1000
                publish_times.append((elapsed, result["published"]))
        b.analyze()
        published = session.scalar(sa.text("SELECT COUNT(*) FROM rating WHERE published_at IS NOT NULL"))
        b.note("members", f"{people.count:,} in {len(district.community_ids)} communities")
        b.note("unit sizes (members)", f"{unit_counts.get(big, 0):,} and {unit_counts.get(small, 0):,}")
        b.note("data", f"{members * 8:,} ledger entries, {evidence:,} checklist evidence, {records:,} "
                       f"verified service records, {orders:,} orders; {published:,} ratings published")
        b.note("publish one community (ms, members)", [(round(ms), n) for ms, n in publish_times[:3]])
        b.note("load times (s)", timings)
        session.remove()

        api_big, api_small = b.api_client(admin_big), b.api_client(admin_small)
        page_big, page_small = b.page_client(admin_big), b.page_client(admin_small)
        b.measure("baseline: GET /api/v1/me", lambda: api_big.get("/api/v1/me"), repeat=repeat)
        api, page = f"ratings?year={year}&page_size=50", f"ratings?year={year}"
        cases = [  # label, path under /units/{id}/, API (bearer) or page (cookie)
            ("unit ratings API, by name (page of 50)", f"/api/v1/units/{{}}/{api}", "api"),
            ("unit ratings API, sorted by points (every member ranked)",
             f"/api/v1/units/{{}}/{api}&sort=-points", "api"),
            ("unit ratings API, level filter (every level computed)",
             f"/api/v1/units/{{}}/{api}&level=good", "api"),
            ("unit ratings page, by name", f"/units/{{}}/{page}", "page"),
            ("unit ratings page, sorted by level (every level computed)",
             f"/units/{{}}/{page}&sort=level", "page"),
            ("xlsx export (every member)", f"/api/v1/units/{{}}/ratings.xlsx?year={year}", "api"),
        ]
        queries = {}
        for label, path, kind in cases:
            big_client, small_client = (api_big, api_small) if kind == "api" else (page_big, page_small)
            queries[label] = (b.count_queries(lambda p=path, c=small_client: c.get(p.format(small))),
                              b.count_queries(lambda p=path, c=big_client: c.get(p.format(big))))
            xlsx = "xlsx" in path
            extra = {"bytes": len(b.request(lambda p=path: api_big.get(p.format(big))).data)} if xlsx else {}
            b.measure(label, lambda p=path, c=big_client: c.get(p.format(big)),
                      repeat=max(3, repeat // 10) if xlsx else repeat, target_p50_ms=2000 if xlsx else 200,
                      queries_small_unit=queries[label][0], **extra)
        baseline = b.results[0]["p50_ms"]
        for row in b.results[1:]:
            row["ratio_to_baseline"] = round(row["p50_ms"] / baseline, 1)
        b.note("statements per request equal for both units", all(a == c for a, c in queries.values()))
        b.note("load average (1, 5, 15 min) at the end", [round(x, 2) for x in os.getloadavg()])
        return b.report()


def main(argv=None) -> int:
    parser = base_parser(__doc__)
    parser.add_argument("--members", type=int, default=40_000)
    parser.add_argument("--unit", type=int, default=5_000)
    args = parser.parse_args(argv)
    if args.small:
        args.members, args.unit = min(args.members, 4_000), min(args.unit, 1_000)
    failed = False
    for backend in backends(args.backend):
        data = run(backend, args.members, args.unit, args.repeat)
        failed |= any(r.get("meets_target") is False for r in data["results"])
    return 1 if failed and not args.small else 0


if __name__ == "__main__":
    sys.exit(main())
