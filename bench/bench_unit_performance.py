"""Department performance benchmark (一事一考 / 绩效评估): a district of 300 units reported to
its 68 communities and 500,000 needs dispatched to them in one year (accepted, declined,
late, reopened, rated), generated set-based (INSERT ... SELECT over generate_series on
PostgreSQL, a recursive CTE on SQLite). Measures the department performance page (the Flask
test client with a signed-in session cookie: the whole app in-process, no HTTP server) and
its API for the district (target p50 < 200 ms on PostgreSQL, production's database; SQLite's
figures are printed, not judged), with GET /api/v1/me as the baseline of the same
run, and the statements per request at 50,000 needs and at the full size (must be equal).

    python -m bench.bench_unit_performance --backend postgres
    python -m bench.bench_unit_performance --backend sqlite --small
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime

import sqlalchemy as sa

from bench.common import Bench, backends, base_parser, timer
from bench.datagen import CATEGORIES, PASSWORD_HASH, bulk_insert, create_district, create_staff, next_id

REPORTS_PER_UNIT = 3


def numbers(dialect: str) -> str:
    """SQL yielding n = :lo..:hi (one row each)."""
    if dialect == "postgresql":
        return "SELECT n FROM generate_series(:lo, :hi) AS n"
    return "WITH RECURSIVE s(n) AS (SELECT :lo UNION ALL SELECT n + 1 FROM s WHERE n < :hi) SELECT n FROM s"


def hours_after(dialect: str, base: str, hours: str) -> str:
    """`base` (a timestamp column or parameter) plus `hours` (an SQL integer expression)."""
    if dialect == "postgresql":
        return f"({base} + ({hours}) * interval '1 hour')"
    return f"strftime('%Y-%m-%d %H:%M:%f000', {base}, '+' || ({hours}) || ' hours')"


def add_units_and_admins(conn, district) -> None:
    """Each unit reports to three communities and has an admin (who declines needs)."""
    now = datetime.now(UTC)
    communities = district.community_ids
    bulk_insert(
        conn,
        "unit_registration",
        ["unit_id", "community_id", "created_at"],
        [
            (unit, communities[(i + 17 * k) % len(communities)], now)
            for i, unit in enumerate(district.unit_ids)
            for k in range(REPORTS_PER_UNIT)
        ],
    )
    bulk_insert(
        conn,
        "user",
        ["username", "password_hash", "name", "role", "unit_id", "is_active", "created_at"],
        [
            (f"uadmin_{unit}", PASSWORD_HASH, "单位管理员", "unit_admin", unit, True, now)
            for unit in district.unit_ids
        ],
    )
    conn.exec_driver_sql(
        "CREATE TABLE bench_unit (i INTEGER PRIMARY KEY, unit_id INTEGER, "
        "admin_id INTEGER, community_id INTEGER)"
    )
    rows = conn.execute(
        sa.text(
            'SELECT u.id, a.id FROM unit u JOIN "user" a ON a.unit_id = u.id '
            "AND a.role = 'unit_admin' WHERE u.id IN :ids ORDER BY u.id"
        ).bindparams(sa.bindparam("ids", expanding=True)),
        {"ids": district.unit_ids},
    ).all()
    bulk_insert(
        conn,
        "bench_unit",
        ["i", "unit_id", "admin_id", "community_id"],
        [
            (i * REPORTS_PER_UNIT + k, unit, admin, communities[(i + 17 * k) % len(communities)])
            for i, (unit, admin) in enumerate(rows)
            for k in range(REPORTS_PER_UNIT)
        ],
    )


def add_needs(conn, lo: int, hi: int, year: int) -> None:
    """Needs n = lo..hi: unit and community from bench_unit (n mod 900), a category, dispatched
    through the year; by n mod 20: 1 declined (back to submitted, with a decline event by the
    unit's admin), 0 waiting for the unit, 2 accepted, 3 claimed, 4-5 completed, else closed and
    rated; one in 50 reopened once; deadlines 72 h after dispatch, some completed late. Every
    need also gets its dispatch event (the timeline the decline count reads from)."""
    d = conn.dialect.name
    start = f"'{year}-01-01 00:00:00'" if d == "sqlite" else f"timestamptz '{year}-01-01 00:00:00+00'"
    slots = len(CATEGORIES)
    k = "(n % 20)"
    dispatched = hours_after(d, start, "n % 8500")
    status = (
        f"CASE WHEN {k} = 0 THEN 'dispatched' WHEN {k} = 1 THEN 'submitted' WHEN {k} = 2 "
        f"THEN 'accepted' WHEN {k} = 3 THEN 'claimed' WHEN {k} IN (4, 5) THEN 'completed' "
        "ELSE 'closed' END"
    )
    category = (
        "CASE " + " ".join(f"WHEN n % {slots} = {i} THEN '{c}'" for i, c in enumerate(CATEGORIES)) + " END"
    )
    conn.execute(
        sa.text(f"""
        INSERT INTO service_order (id, community_id, title, description, category, urgency, slots,
            claimed_count, status, address, unit_id, to_pool, deadline, score, reopen_count,
            created_at, dispatched_at, accepted_at, completed_at, closed_at, updated_at)
        SELECT n, b.community_id, '代办事项', '', {category}, 'normal', 1, 0, {status}, '',
            CASE WHEN {k} = 1 THEN NULL ELSE b.unit_id END, false,
            {hours_after(d, dispatched, "72")},
            CASE WHEN {k} >= 6 THEN 3 + n % 3 END,
            CASE WHEN n % 50 = 7 THEN 1 ELSE 0 END,
            {dispatched},
            CASE WHEN {k} = 1 THEN NULL ELSE {dispatched} END,
            CASE WHEN {k} >= 2 THEN {hours_after(d, dispatched, "1 + n % 48")} END,
            CASE WHEN {k} >= 4 THEN {hours_after(d, dispatched, "2 + n % 90")} END,
            CASE WHEN {k} >= 6 THEN {hours_after(d, dispatched, "100")} END,
            {dispatched}
        FROM ({numbers(d)}) AS nums JOIN bench_unit b ON b.i = n % 900"""),
        {"lo": lo, "hi": hi},
    )
    conn.execute(
        sa.text("""
        INSERT INTO order_event (order_id, at, actor_id, action, from_status, to_status, note)
        SELECT id, dispatched_at, NULL, 'dispatch', 'submitted', 'dispatched', ''
        FROM service_order WHERE id BETWEEN :lo AND :hi AND dispatched_at IS NOT NULL"""),
        {"lo": lo, "hi": hi},
    )
    conn.execute(
        sa.text(f"""
        INSERT INTO order_event (order_id, at, actor_id, action, from_status, to_status, note)
        SELECT n, {hours_after(d, dispatched, "3")}, b.admin_id, 'decline', 'dispatched',
            'submitted', '人手不足'
        FROM ({numbers(d)}) AS nums JOIN bench_unit b ON b.i = n % 900 WHERE {k} = 1"""),
        {"lo": lo, "hi": hi},
    )


def rebuild_tallies(b: Bench, timings: dict, label: str) -> None:
    """Needs loaded straight into the tables bypass the order transitions that keep the units'
    need tallies: recount them, as `flask ratings rebuild-tally` does (timed)."""
    from app.ratings import need_tally

    b.db.session.remove()
    with timer(label, timings):
        need_tally.rebuild()
        b.db.session.commit()
    b.db.session.remove()


def run(backend: str, needs: int, first_batch: int, repeat: int) -> dict:
    from app.clock import local_today

    year = local_today().year - 1
    with Bench("unit_performance", backend) as b:
        print(f"\n== department performance bench on {backend}: 300 units, {needs:,} needs ==", flush=True)
        timings: dict = {}
        with timer("district, units, staff", timings), b.connection() as conn:
            district = create_district(
                conn, streets=4, communities_per_street=17, grids_per_community=2, units=300
            )
            staff = create_staff(conn, district)
            add_units_and_admins(conn, district)
            base = next_id(conn, "service_order")
        with timer(f"first {first_batch:,} needs", timings), b.connection() as conn:
            add_needs(conn, base, base + first_batch - 1, year)
        rebuild_tallies(b, timings, f"need tallies for {first_batch:,} needs")
        b.analyze()
        district_admin = _district_admin(b, district.district_id)
        street_admin = staff[district.street_ids[0]]
        api, page = b.api_client(district_admin), b.page_client(district_admin)
        paths = {
            "page": f"/stats/units?place_id={district.district_id}&year={year}",
            "api": f"/api/v1/statistics/units?place_id={district.district_id}&year={year}",
            "street": f"/stats/units?place_id={district.street_ids[0]}&year={year}",
        }
        street_page = b.page_client(street_admin)
        clients = {"page": page, "api": api, "street": street_page}
        small = {k: b.count_queries(lambda k=k: clients[k].get(paths[k])) for k in paths}
        with timer(f"the other {needs - first_batch:,} needs", timings), b.connection() as conn:
            add_needs(conn, base + first_batch, base + needs - 1, year)
            conn.exec_driver_sql("DROP TABLE bench_unit")
        rebuild_tallies(b, timings, f"need tallies for {needs:,} needs")
        if backend == "postgres":
            with b.engine.begin() as conn:
                conn.exec_driver_sql(
                    "SELECT setval(pg_get_serial_sequence('service_order', 'id'), "
                    "(SELECT MAX(id) FROM service_order))"
                )
        b.analyze()
        counts = dict(
            b.db.session.execute(
                sa.text(
                    "SELECT 'needs', COUNT(*) FROM service_order UNION ALL "
                    "SELECT 'events', COUNT(*) FROM order_event UNION ALL "
                    "SELECT 'tallies', COUNT(*) FROM unit_need_tally"
                )
            ).all()
        )
        b.note(
            "data",
            f"{len(district.unit_ids)} units, {len(district.community_ids)} communities, "
            f"{counts['needs']:,} needs in {year}, {counts['events']:,} timeline events, "
            f"{counts['tallies']:,} need tally rows",
        )
        b.note("load times (s)", timings)
        for key, client in clients.items():  # signed in, answering the page (not a redirect)
            assert b.request(lambda c=client, k=key: c.get(paths[k])).status_code == 200, key
        b.measure("baseline: GET /api/v1/me", lambda: api.get("/api/v1/me"), repeat=repeat)
        labels = {
            "page": "department performance page, district (test client, cookie session)",
            "api": "GET /api/v1/statistics/units, district (test client, bearer token)",
            "street": "department performance page, one street",
        }
        for key, label in labels.items():
            b.measure(
                label,
                lambda k=key: clients[k].get(paths[k]),
                repeat=repeat,
                target_p50_ms=200 if backend == "postgres" else None,
                queries_at_first_batch=small[key],
            )
        baseline = b.results[0]["p50_ms"]
        for row in b.results[1:]:
            row["ratio_to_baseline"] = round(row["p50_ms"] / baseline, 1)
        b.note(
            "statements per request equal at both sizes",
            all(r["queries"] == r["queries_at_first_batch"] for r in b.results[1:]),
        )
        b.note("load average (1, 5, 15 min) at the end", [round(x, 2) for x in os.getloadavg()])
        return b.report()


def _district_admin(b: Bench, district_id: int) -> int:
    from app.auth.models import Role, User

    admin = User(
        username="district_admin",
        password_hash=PASSWORD_HASH,
        name="区管理员",
        role=Role.STREET_ADMIN,
        place_id=district_id,
        is_active=True,
    )
    b.db.session.add(admin)
    b.db.session.commit()
    admin_id = admin.id
    b.db.session.remove()
    return admin_id


def main(argv=None) -> int:
    parser = base_parser(__doc__)
    parser.add_argument("--needs", type=int, default=500_000)
    args = parser.parse_args(argv)
    if args.small:
        args.needs = min(args.needs, 20_000)
    first = max(args.needs // 10, 1)
    failed = False
    for backend in backends(args.backend):
        data = run(backend, args.needs, first, args.repeat)
        failed |= any(r.get("meets_target") is False for r in data["results"])
    return 1 if failed and not args.small else 0


if __name__ == "__main__":
    sys.exit(main())
