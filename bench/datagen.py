"""Fast synthetic data for benchmarks, reusable by every bench: bulk INSERTs through the
driver (PostgreSQL COPY, SQLite executemany), never ORM objects.

Each function takes a SQLAlchemy Connection (inside a transaction) and counts, and returns
the id ranges it created, e.g.

    with bench.connection() as conn:
        district = create_district(conn, streets=4, communities_per_street=10, grids_per_community=4)
        members = create_members(conn, district, 100_000, street_shares=[0.5, 0.2, 0.15, 0.15])
    # members.first_id..members.last_id, members.by_street[district.street_ids[0]] = (lo, hi)
"""
from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

PASSWORD = "bench-password"
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅"
CATEGORIES = ["扶贫助困", "洁净家园", "守护平安", "文明出行", "和睦邻里", "关爱老人", "课业辅导"]
BATCH = 20_000


def utc(dt: datetime | None = None) -> datetime:
    return (dt or datetime.now(UTC)).astimezone(UTC)


# ---- the bulk loader -----------------------------------------------------------------------

def _sqlite_value(value):
    if isinstance(value, datetime):  # UTCDateTime stores naive UTC text, as SQLAlchemy formats it
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def bulk_insert(conn: sa.Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Inserts rows (tuples in `columns` order) as fast as the driver allows: COPY on
    PostgreSQL, executemany in batches on SQLite. Returns the number of rows."""
    dbapi = conn.connection.driver_connection
    quoted = ", ".join(f'"{c}"' for c in columns)
    n = 0
    if conn.dialect.name == "postgresql":
        with dbapi.cursor() as cur, cur.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
        return n
    sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join("?" * len(columns))})'
    cur = dbapi.cursor()
    batch = []
    for row in rows:
        batch.append(tuple(_sqlite_value(v) for v in row))
        if len(batch) >= BATCH:
            cur.executemany(sql, batch)
            n += len(batch)
            batch.clear()
    if batch:
        cur.executemany(sql, batch)
        n += len(batch)
    cur.close()
    return n


def next_id(conn: sa.Connection, table: str) -> int:
    return (conn.exec_driver_sql(f'SELECT MAX(id) FROM "{table}"').scalar() or 0) + 1


def fix_sequences(conn: sa.Connection, tables: Iterable[str]) -> None:
    """After inserting explicit ids, move PostgreSQL's sequences past them."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, false)")


def chinese_name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)] + \
        GIVEN[(i // 7) % len(GIVEN)]


# ---- places, units, members ------------------------------------------------------------------

@dataclass
class District:
    district_id: int
    street_ids: list[int]
    community_ids: list[int]
    communities_by_street: dict[int, list[int]]
    grids_by_community: dict[int, list[int]]
    unit_ids: list[int]
    street_of: dict[int, int] = field(default_factory=dict)  # community -> street


def create_district(conn: sa.Connection, *, streets: int = 4, communities_per_street: int = 10,
                    grids_per_community: int = 4, units: int = 200, name: str = "基准区") -> District:
    """A district with its streets, communities, grids, and `units` employers."""
    now = utc()
    pid = next_id(conn, "place")
    rows = [(pid, "district", name, None, f"/{pid}/", now)]
    district_id, pid = pid, pid + 1
    street_ids, community_ids, by_street, grids, street_of = [], [], {}, {}, {}
    for s in range(streets):
        sid, pid = pid, pid + 1
        street_ids.append(sid)
        rows.append((sid, "street", f"第{s + 1}街道", district_id, f"/{district_id}/{sid}/", now))
        by_street[sid] = []
        for c in range(communities_per_street):
            cid, pid = pid, pid + 1
            community_ids.append(cid)
            by_street[sid].append(cid)
            street_of[cid] = sid
            rows.append((cid, "community", f"第{s + 1}街道{c + 1}社区", sid,
                         f"/{district_id}/{sid}/{cid}/", now))
            grids[cid] = []
            for g in range(grids_per_community):
                gid, pid = pid, pid + 1
                grids[cid].append(gid)
                rows.append((gid, "grid", f"第{g + 1}网格", cid, f"/{district_id}/{sid}/{cid}/{gid}/", now))
    bulk_insert(conn, "place", ["id", "kind", "name", "parent_id", "path", "created_at"], rows)
    uid = next_id(conn, "unit")
    unit_rows = [(uid + i, f"{name}单位{uid + i}", ["agency", "institution", "enterprise"][i % 3], now)
                 for i in range(units)]
    bulk_insert(conn, "unit", ["id", "name", "kind", "created_at"], unit_rows)
    fix_sequences(conn, ["place", "unit"])
    return District(district_id, street_ids, community_ids, by_street, grids,
                    [r[0] for r in unit_rows], street_of)


@dataclass
class Members:
    first_id: int
    last_id: int
    by_street: dict[int, tuple[int, int]]  # street id -> (first member id, last member id)
    community_of: dict[int, int] = field(default_factory=dict, repr=False)  # sampled lookups

    @property
    def count(self) -> int:
        return self.last_id - self.first_id + 1


def create_members(conn: sa.Connection, district: District, count: int, *,
                   street_shares: Sequence[float] | None = None, seed: int = 1,
                   approved_days_ago: int = 200, username_prefix: str = "m") -> Members:
    """`count` members with approved registrations, spread over the district's streets by
    `street_shares` (default: even) and evenly over each street's communities and grids.
    Member ids are contiguous per street, so by_street gives id ranges."""
    rng = random.Random(seed)
    shares = list(street_shares or [1 / len(district.street_ids)] * len(district.street_ids))
    sizes = [int(count * s) for s in shares]
    sizes[-1] += count - sum(sizes)
    first = next_id(conn, "user")
    approved = utc() - timedelta(days=approved_days_ago)
    users, regs, by_street = [], [], {}
    member_id = first
    reg_id = next_id(conn, "registration")
    for street_id, size in zip(district.street_ids, sizes, strict=True):
        communities = district.communities_by_street[street_id]
        by_street[street_id] = (member_id, member_id + size - 1)
        for i in range(size):
            community = communities[i % len(communities)]
            grid = district.grids_by_community[community][(i // len(communities)) %
                                                          len(district.grids_by_community[community])]
            unit = district.unit_ids[rng.randrange(len(district.unit_ids))]
            users.append((member_id, f"{username_prefix}{member_id}", PASSWORD_HASH,
                          chinese_name(member_id), f"139{member_id % 100_000_000:08d}", "member",
                          None, unit, True, approved))
            regs.append((reg_id, member_id, community, grid, f"幸福路{i % 500}号", "[]", "周末",
                         "approved", approved, approved, approved))
            member_id += 1
            reg_id += 1
    bulk_insert(conn, "user", ["id", "username", "password_hash", "name", "phone", "role", "place_id",
                               "unit_id", "is_active", "created_at"], users)
    bulk_insert(conn, "registration", ["id", "member_id", "community_id", "grid_id", "address",
                                       "skills", "availability", "status", "created_at",
                                       "decided_at", "approved_at"], regs)
    fix_sequences(conn, ["user", "registration"])
    return Members(first, member_id - 1, by_street)


def create_staff(conn: sa.Connection, district: District, *, per_community: int = 1) -> dict[int, int]:
    """One staff account per community (and a street admin per street): {place_id: user_id}."""
    now = utc()
    uid = next_id(conn, "user")
    rows, ids = [], {}
    for place_id in [*district.community_ids, *district.street_ids]:
        role = "staff" if place_id in district.street_of else "street_admin"
        for _ in range(per_community):
            rows.append((uid, f"{role}{uid}", PASSWORD_HASH, chinese_name(uid), None, role, place_id,
                         None, True, now))
            ids.setdefault(place_id, uid)
            uid += 1
    bulk_insert(conn, "user", ["id", "username", "password_hash", "name", "phone", "role", "place_id",
                               "unit_id", "is_active", "created_at"], rows)
    fix_sequences(conn, ["user"])
    return ids
