"""Points benchmark: a district of 100,000 members and 2,000,000 ledger entries; the
leaderboard of a 50,000-member street with the viewer's own rank (target p50 < 20 ms), a
member's points page, and SQL queries per request at two ledger sizes (must not grow).

    python -m bench.bench_points --backend both            # full size
    python -m bench.bench_points --backend sqlite --small  # quick
"""
from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bench.common import Bench, backends, base_parser, timer
from bench.datagen import bulk_insert, create_district, create_members

RULES = ["attendance", "service_hour", "suggestion_adopted", "order_completed", "order_good_rating",
         "pairing_help"]
SOURCES = {"attendance": "attendance", "service_hour": "service_record",
           "suggestion_adopted": "suggestion", "order_completed": "order",
           "order_good_rating": "order", "pairing_help": "service_record"}


def add_ledger(conn: sa.Connection, first_member: int, last_member: int, entries: int, year: int,
               *, start: int = 0, seed: int = 7) -> int:
    """`entries` ledger rows spread over the members, dated inside `year` (before now)."""
    rng = random.Random(seed + start)
    from app.clock import LOCAL_TZ

    begin = datetime(year, 1, 2, tzinfo=LOCAL_TZ).astimezone(UTC)
    span = max(int((datetime.now(UTC) - begin).total_seconds()) - 3600, 3600)

    def rows():
        for i in range(start, start + entries):
            rule = RULES[i % len(RULES)]
            yield (rng.randint(first_member, last_member), year, rng.randint(1, 10), rule, "bench",
                   SOURCES[rule], i, f"bench:{i}", begin + timedelta(seconds=rng.randrange(span)), None)

    return bulk_insert(conn, "ledger_entry", ["member_id", "year", "points", "rule_key", "reason",
                                              "source_type", "source_id", "idempotency_key",
                                              "created_at", "created_by_id"], rows())


def rebuild_totals(conn: sa.Connection, year: int) -> None:
    """PointsTotal = SUM(ledger) per member, with community/street/unit as award() keeps them."""
    conn.execute(sa.text("DELETE FROM points_total WHERE year = :y"), {"y": year})
    conn.execute(sa.text("""
        INSERT INTO points_total (member_id, year, total, updated_at, community_id, street_id, unit_id)
        SELECT l.member_id, l.year, SUM(l.points), MAX(l.created_at), r.community_id, p.parent_id,
               u.unit_id
        FROM ledger_entry l
        JOIN "user" u ON u.id = l.member_id
        LEFT JOIN registration r ON r.member_id = l.member_id AND r.status = 'approved'
        LEFT JOIN place p ON p.id = r.community_id
        WHERE l.year = :y
        GROUP BY l.member_id, l.year, r.community_id, p.parent_id, u.unit_id"""), {"y": year})


def run(backend: str, members: int, entries: int, repeat: int, streets: int) -> dict:
    from app.clock import local_today
    from app.points.leaderboard import rank_of, top

    year = local_today().year
    big_share = min(0.5, 50_000 / members) if members >= 100_000 else 0.5
    shares = [big_share] + [(1 - big_share) / (streets - 1)] * (streets - 1)
    small_entries = max(entries // 10, 1)
    with Bench("points", backend) as b:
        print(f"\n== points bench on {backend}: {members:,} members, {entries:,} entries ==", flush=True)
        timings: dict = {}
        with timer("generate district and members", timings), b.connection() as conn:
            district = create_district(conn, streets=streets, communities_per_street=17,
                                       grids_per_community=6, units=300)
            people = create_members(conn, district, members, street_shares=shares)
        big_street = district.street_ids[0]
        lo, hi = people.by_street[big_street]
        with timer(f"ledger {small_entries:,} entries + totals", timings), b.connection() as conn:
            add_ledger(conn, people.first_id, people.last_id, small_entries, year)
            rebuild_totals(conn, year)
        b.analyze()
        with b.engine.connect() as conn:  # a street member who has a total at both ledger sizes
            viewer = conn.execute(sa.text(
                "SELECT member_id FROM points_total WHERE year = :y AND street_id = :s "
                "AND member_id >= :m ORDER BY member_id LIMIT 1"),
                {"y": year, "s": big_street, "m": (lo + hi) // 2}).scalar()
        client = b.api_client(viewer)
        board = "/api/v1/leaderboard?scope=street&limit=20"
        points_page = f"/api/v1/members/{viewer}/points?page_size=20"
        small = {
            "leaderboard": b.count_queries(lambda: client.get(board)),
            "points page": b.count_queries(lambda: client.get(points_page)),
        }
        small_p50 = b.measure(f"leaderboard street ({small_entries:,} entries)",
                              lambda: client.get(board), repeat=repeat)["p50_ms"]

        with timer(f"ledger +{entries - small_entries:,} entries + totals", timings), \
                b.connection() as conn:
            add_ledger(conn, people.first_id, people.last_id, entries - small_entries, year,
                       start=small_entries)
            rebuild_totals(conn, year)
        with timer("analyze", timings):
            b.analyze()
        with b.engine.connect() as conn:
            ledger_rows = conn.exec_driver_sql("SELECT COUNT(*) FROM ledger_entry").scalar()
            street_size = conn.execute(sa.text(
                "SELECT COUNT(*) FROM points_total WHERE year = :y AND street_id = :s"),
                {"y": year, "s": big_street}).scalar()
            mine = conn.execute(sa.text("SELECT total FROM points_total WHERE member_id = :m AND year = :y"),
                                {"m": viewer, "y": year}).scalar()
            check = conn.execute(sa.text(
                "SELECT (SELECT SUM(points) FROM ledger_entry WHERE year = :y) = "
                "(SELECT SUM(total) FROM points_total WHERE year = :y)"), {"y": year}).scalar()
        b.note("members", f"{people.count:,}")
        b.note("ledger entries", f"{ledger_rows:,}")
        b.note("members on the street board", f"{street_size:,}")
        b.note("viewer", f"member {viewer} with {mine} points")
        b.note("SUM(ledger) == SUM(totals)", bool(check))
        b.note("load times (s)", timings)

        client = b.api_client(viewer)
        rank = client.get(board).json["me"]["rank"]
        b.note("viewer's rank", f"{rank:,} of {street_size:,}")
        b.measure("baseline: GET /api/v1/me", lambda: client.get("/api/v1/me"), repeat=repeat)
        b.measure(f"leaderboard street ({ledger_rows:,} entries) + own rank", lambda: client.get(board),
                  repeat=repeat, target_p50_ms=20, p50_at_small_ledger_ms=small_p50)
        with b.engine.connect() as conn:
            last = conn.execute(sa.text(
                "SELECT member_id FROM points_total WHERE year = :y AND street_id = :s "
                "ORDER BY total, updated_at DESC, member_id DESC LIMIT 1"),
                {"y": year, "s": big_street}).scalar()
        last_client = b.api_client(last)
        b.measure("leaderboard street, viewer ranked last (worst case)", lambda: last_client.get(board),
                  repeat=repeat, target_p50_ms=20,
                  rank=last_client.get(board).json["me"]["rank"])
        b.measure("leaderboard community + own rank",
                  lambda: client.get("/api/v1/leaderboard?scope=community&limit=20"), repeat=repeat)
        b.measure("member's points page (API)", lambda: client.get(points_page), repeat=repeat)
        b.measure("member's checklist (API)", lambda: client.get(f"/api/v1/members/{viewer}/checklist"),
                  repeat=repeat)
        b.measure("SQL only: top 20 + own rank (service)",
                  lambda: (top("street", big_street, year, 20), rank_of("street", big_street, year, viewer)),
                  repeat=repeat)
        large = {
            "leaderboard": b.count_queries(lambda: client.get(board)),
            "points page": b.count_queries(lambda: client.get(points_page)),
        }
        b.note("queries per request (small ledger -> full ledger)",
               {k: f"{small[k]} -> {large[k]}" for k in small})
        b.note("queries constant", small == large)

        from app.extensions import db
        from app.points.services import award

        counter = iter(range(10_000_000, 20_000_000))

        def one_award():
            award(viewer, "order_completed", source_type="order", source_id=next(counter))
            db.session.commit()

        b.measure("award() + commit (insert entry, bump total)", one_award, repeat=repeat)
        return b.report()


def main(argv=None) -> int:
    parser = base_parser(__doc__)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=2_000_000)
    parser.add_argument("--streets", type=int, default=4)
    args = parser.parse_args(argv)
    if args.small:
        args.members, args.entries = min(args.members, 4_000), min(args.entries, 80_000)
    failed = False
    for backend in backends(args.backend):
        data = run(backend, args.members, args.entries, args.repeat, args.streets)
        failed |= any(r.get("meets_target") is False for r in data["results"])
    return 1 if failed and not args.small else 0


if __name__ == "__main__":
    sys.exit(main())
