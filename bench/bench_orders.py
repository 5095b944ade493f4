"""Orders benchmark: the dispatch board of a community with 50,000 orders (API and page, p50 /
p95 on SQLite and PostgreSQL), SQL statements per page at 5,000 and at 50,000 orders (must not
grow), and claim latency under contention (N threads claiming the same one-slot orders), each
next to a baseline measured in the same run (GET /api/v1/me).

    python -m bench.bench_orders --backend both                 # full size
    python -m bench.bench_orders --backend sqlite --small       # quick
"""
from __future__ import annotations

import random
import sys
import threading
import time
from datetime import timedelta

import sqlalchemy as sa

from bench.common import Bench, backends, base_parser, summarize, timer
from bench.datagen import (
    CATEGORIES,
    PASSWORD_HASH,
    bulk_insert,
    create_district,
    create_members,
    create_staff,
    fix_sequences,
    next_id,
    utc,
)

ORDER_COLUMNS = ["id", "community_id", "grid_id", "title", "description", "category", "urgency",
                 "slots", "claimed_count", "status", "resident_id", "created_by_id", "contact_phone",
                 "address", "unit_id", "to_pool", "deadline", "reason", "score", "rating_comment",
                 "rated_by_id", "reopen_count", "created_at", "dispatched_at", "accepted_at",
                 "claimed_at", "completed_at", "closed_at", "updated_at"]
HOURS = {"urgent": 2, "high": 24, "normal": 72, "low": 336}
# Share of a long-lived community's orders in each status (most are done).
STATUS_MIX = [("closed", 0.70), ("cancelled", 0.05), ("rejected", 0.03), ("completed", 0.04),
              ("claimed", 0.06), ("accepted", 0.04), ("dispatched", 0.04), ("submitted", 0.04)]
OPEN = {"submitted", "dispatched", "accepted", "claimed"}


def pick_status(rng: random.Random) -> str:
    roll, acc = rng.random(), 0.0
    for status, share in STATUS_MIX:
        acc += share
        if roll < acc:
            return status
    return "closed"


def create_residents(conn, community_id: int, count: int) -> list[int]:
    first, now = next_id(conn, "user"), utc()
    bulk_insert(conn, "user", ["id", "username", "password_hash", "name", "phone", "role", "place_id",
                               "unit_id", "is_active", "created_at"],
                ((first + i, f"r{first + i}", PASSWORD_HASH, f"居民{i}", f"136{i:08d}", "resident",
                  community_id, None, True, now) for i in range(count)))
    fix_sequences(conn, ["user"])
    return list(range(first, first + count))


def create_orders(conn, *, community_id: int, grids: list[int], residents: list[int],
                  members: list[int], units: list[int], count: int, seed: int,
                  status: str | None = None, to_pool: bool | None = None) -> list[int]:
    """`count` orders of one community with their events and claims, as the services would
    leave them: open ones recent (about a sixth past their deadline), finished ones over the
    last year. `status` / `to_pool` force every order's status and route."""
    rng, now = random.Random(seed), utc()
    first_order, first_event, first_claim = (next_id(conn, t) for t in
                                             ("service_order", "order_event", "order_claim"))
    orders, events, claims = [], [], []
    forced_status = status
    for i in range(count):
        oid = first_order + i
        status = forced_status or pick_status(rng)
        urgency = rng.choice(["urgent", "high", "normal", "normal", "low"])
        if status in OPEN:  # placed within 1.2 deadlines: about one open order in six is late
            age = timedelta(hours=rng.uniform(0, 1.2 * HOURS[urgency]))
        else:
            age = timedelta(days=rng.uniform(1, 365))
        created = now - age
        deadline = created + timedelta(hours=HOURS[urgency])
        pool = status != "submitted" and (rng.random() < 0.4 if to_pool is None else to_pool)
        unit = None if pool or status in ("submitted", "rejected") else rng.choice(units)
        dispatched = created + timedelta(hours=1) if status not in ("submitted", "rejected") else None
        accepted = dispatched + timedelta(hours=1) if unit and status != "dispatched" else None
        filled = status in ("claimed", "completed", "closed")
        claimed_at = created + timedelta(hours=3) if filled else None
        completed = created + timedelta(hours=20) if status in ("completed", "closed") else None
        closed = created + timedelta(hours=30) if status == "closed" else None
        score = rng.choice([3, 4, 5, 5, 5]) if closed else None
        resident = rng.choice(residents)
        orders.append((oid, community_id, rng.choice(grids), f"需求{oid}", "基准测试生成的需求",
                       rng.choice(CATEGORIES), urgency, 1, 1 if filled else 0, status, resident,
                       resident, "13600000000", "幸福路", unit, pool, deadline,
                       "理由" if status in ("rejected", "cancelled") else None, score, None,
                       resident if closed else None, 0, created, dispatched, accepted, claimed_at,
                       completed, closed, closed or completed or created))
        events.append((first_event + len(events), oid, created, resident, "submit", None,
                       "submitted", ""))
        if status != "submitted":
            events.append((first_event + len(events), oid, created + timedelta(hours=1), None,
                           "dispatch", "submitted", status, ""))
        if filled:
            claims.append((first_claim + len(claims), oid, rng.choice(members), claimed_at, None,
                           None, False))
    bulk_insert(conn, "service_order", ORDER_COLUMNS, orders)
    bulk_insert(conn, "order_event", ["id", "order_id", "at", "actor_id", "action", "from_status",
                                      "to_status", "note"], events)
    bulk_insert(conn, "order_claim", ["id", "order_id", "member_id", "claimed_at", "released_at",
                                      "release_reason", "abandoned"], claims)
    fix_sequences(conn, ["service_order", "order_event", "order_claim"])
    return [o[0] for o in orders]


def claim_race(b: Bench, order_ids: list[int], member_ids: list[int]) -> dict:
    """Each member in his own thread claims the same orders in the same sequence (every order
    is fought over by all threads); every attempt (win or 409) is timed."""
    clients = [b.api_client(m) for m in member_ids]
    b.db.session.remove()
    barrier, samples, outcomes = threading.Barrier(len(clients)), [], []
    lock = threading.Lock()

    def worker(client):
        mine = []
        barrier.wait()
        for order_id in order_ids:
            start = time.perf_counter()
            res = client.post(f"/api/v1/orders/{order_id}/claim")
            mine.append(((time.perf_counter() - start) * 1000, res.status_code))
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    outcomes = [code for _, code in samples]
    wins = [ms for ms, code in samples if code == 200]
    return {"threads": len(clients), "orders": len(order_ids), "attempts": len(samples),
            "won": outcomes.count(200), "conflicts": outcomes.count(409),
            "other": len(outcomes) - outcomes.count(200) - outcomes.count(409),
            "all": summarize([ms for ms, _ in samples]), "wins": summarize(wins) if wins else {},
            "wall_s": round(wall, 2), "claims_per_s": round(len(wins) / wall, 1)}


def run(backend: str, orders: int, small_orders: int, repeat: int, threads: list[int]) -> dict:
    with Bench("orders", backend) as b:
        print(f"\n== orders bench on {backend}: a community with {orders:,} orders ==", flush=True)
        timings: dict = {}
        with timer("district, members, staff, residents", timings), b.connection() as conn:
            district = create_district(conn, streets=4, communities_per_street=5,
                                       grids_per_community=6, units=200)
            create_members(conn, district, 20_000)
            staff = create_staff(conn, district)
            big = district.community_ids[0]
            residents = create_residents(conn, big, 2_000)
            units = district.unit_ids[:20]
            bulk_insert(conn, "unit_registration", ["unit_id", "community_id", "created_at"],
                        ((u, big, utc()) for u in units))
            members = list(conn.execute(sa.text(
                "SELECT member_id FROM registration WHERE community_id = :c AND status = 'approved' "
                "ORDER BY member_id"), {"c": big}).scalars())
        grids = district.grids_by_community[big]
        common = dict(community_id=big, grids=grids, residents=residents, members=members, units=units)
        with timer(f"{small_orders:,} orders in the community", timings), b.connection() as conn:
            create_orders(conn, count=small_orders, seed=1, **common)
            others = district.community_ids[1:]
            for n, community in enumerate(others):  # the rest of the district has orders too
                create_orders(conn, community_id=community, grids=district.grids_by_community[community],
                              residents=residents[:10], members=members[:10], units=units,
                              count=20_000 // len(others), seed=100 + n)
        b.analyze()
        viewer = staff[big]
        api = b.api_client(viewer)
        pages = b.page_client(viewer)
        requests = {
            "API board, open orders (overdue first)": lambda: api.get("/api/v1/orders?status=open"),
            "API overdue only": lambda: api.get("/api/v1/orders?overdue=true"),
            "API closed orders": lambda: api.get("/api/v1/orders?status=closed"),
            "page /staff/orders (open, counts per status)": lambda: pages.get("/staff/orders"),
            "page /staff/orders?overdue=1": lambda: pages.get("/staff/orders?overdue=1"),
            "page /staff/orders?status=closed": lambda: pages.get("/staff/orders?status=closed"),
        }
        small = {label: b.count_queries(fn) for label, fn in requests.items()}
        small_p50 = {label: b.measure(f"{label} @ {small_orders:,}", fn, repeat=repeat)["p50_ms"]
                     for label, fn in list(requests.items())[:1] + list(requests.items())[3:4]}

        with timer(f"+{orders - small_orders:,} orders in the community", timings), \
                b.connection() as conn:
            create_orders(conn, count=orders - small_orders, seed=2, **common)
        with timer("analyze", timings):
            b.analyze()
        with b.engine.connect() as conn:
            mix = dict(conn.execute(sa.text(
                "SELECT status, COUNT(*) FROM service_order WHERE community_id = :c GROUP BY status"),
                {"c": big}).all())
            total = conn.execute(sa.text("SELECT COUNT(*) FROM service_order")).scalar()
            late = conn.execute(sa.text(
                "SELECT COUNT(*) FROM service_order WHERE community_id = :c AND deadline < :now AND "
                "status IN ('submitted', 'dispatched', 'accepted', 'claimed')"),
                {"c": big, "now": utc()}).scalar()
        shares = ", ".join(f"{k} {v:,}" for k, v in sorted(mix.items()))
        b.note("orders in the community", f"{sum(mix.values()):,} ({shares})")
        b.note("overdue in the community", f"{late:,}")
        b.note("orders in the district", f"{total:,}")
        b.note("members registered in the community", f"{len(members):,}")
        b.note("load times (s)", timings)

        base = b.measure("baseline: GET /api/v1/me", lambda: api.get("/api/v1/me"), repeat=repeat)
        for label, fn in requests.items():
            extra = {"p50_at_small_ms": small_p50[label]} if label in small_p50 else {}
            row = b.measure(f"{label} @ {orders:,}", fn, repeat=repeat, **extra)
            row["ratio_to_baseline"] = round(row["p50_ms"] / base["p50_ms"], 2)
        deep = b.measure("page /staff/orders?status=closed&page=100 (offset 1,980)",
                         lambda: pages.get("/staff/orders?status=closed&page=100"), repeat=repeat)
        deep["ratio_to_baseline"] = round(deep["p50_ms"] / base["p50_ms"], 2)
        large = {label: b.count_queries(fn) for label, fn in requests.items()}
        b.note(f"statements per request ({small_orders:,} -> {orders:,} orders)",
               {label: f"{small[label]} -> {large[label]}" for label in requests})
        b.note("statements constant", small == large)

        # claims: one member alone, then N members fighting over the same one-slot orders
        def fresh_pool_orders(count: int, seed: int) -> list[int]:
            with b.connection() as conn:
                return create_orders(conn, count=count, seed=seed, status="dispatched", to_pool=True,
                                     **common)

        solo_orders = fresh_pool_orders(repeat + 10, 7)
        claimer = b.api_client(members[-1])
        queue = iter(solo_orders)
        row = b.measure("claim alone: POST /orders/{id}/claim (wins)",
                        lambda: claimer.post(f"/api/v1/orders/{next(queue)}/claim"), repeat=repeat)
        row["ratio_to_baseline"] = round(row["p50_ms"] / base["p50_ms"], 2)
        races = []
        for n in threads:
            race_orders = fresh_pool_orders(40, 1000 + n)
            result = claim_race(b, race_orders, members[:n])
            result["p50_ratio_to_baseline"] = round(result["all"]["p50_ms"] / base["p50_ms"], 2)
            races.append(result)
            print(f"  claim race, {n} threads x {len(race_orders)} orders: won {result['won']}, "
                  f"409 {result['conflicts']}, other {result['other']}; attempt p50 "
                  f"{result['all']['p50_ms']:.2f} ms p95 {result['all']['p95_ms']:.2f} ms; "
                  f"{result['claims_per_s']} claims/s", flush=True)
        b.note("claim races", races)
        return b.report()


def main(argv=None) -> int:
    parser = base_parser(__doc__)
    parser.add_argument("--orders", type=int, default=50_000)
    parser.add_argument("--threads", default="4,8,16", help="thread counts for the claim race")
    args = parser.parse_args(argv)
    orders = min(args.orders, 6_000) if args.small else args.orders
    small_orders = max(orders // 10, 1)
    threads = [int(t) for t in args.threads.split(",") if t.strip()]
    ok = True
    for backend in backends(args.backend):
        data = run(backend, orders, small_orders, args.repeat, threads)
        notes = data["notes"]
        ok &= bool(notes["statements constant"])
        ok &= all(r["won"] == r["orders"] and r["other"] == 0 for r in notes["claim races"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
