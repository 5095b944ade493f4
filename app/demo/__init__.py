"""Demo data: a realistic district, built through the services, then every domain's own demo.

`seed_demo()` is idempotent: it builds the district once (1 district, 2 streets, 6 communities
with grids, 8 units registered with communities: app/demo/places.py; accounts for every role:
app/demo/accounts.py; members with their 双报到 registrations: approved, pending, rejected,
transferred, and the units' 组织报到: app/demo/registrations.py), then calls `seed(ctx)` of every
domain's seeder in this package (DOMAIN_SEEDERS: one module per domain). `ctx` is a dict with
`now`, `rng` (random.Random), `password` and `accounts` (the account lines printed so far); each
domain seeder must be idempotent itself and returns the lines it wants printed."""
from __future__ import annotations

import random
from datetime import datetime

from werkzeug.security import generate_password_hash

from app.auth.models import Role
from app.clock import utcnow
from app.demo import (
    activities,
    announcements,
    evidence,
    honours,
    orders,
    places,
    ratings,
    rewards,
    service,
)
from app.demo.accounts import DEMO_PASSWORD, Accounts, demo_accounts, format_accounts
from app.demo.registrations import fates, register_story, report_unit

DOMAIN_SEEDERS = (("activities", activities.seed), ("service", service.seed),
                  ("orders", orders.seed), ("rewards", rewards.seed), ("honours", honours.seed),
                  ("announcements", announcements.seed), ("ratings", ratings.seed),
                  ("evidence", evidence.seed))


def seed_demo(members: int = 300, now: datetime | None = None) -> list[str]:
    """Builds the demo district once and runs every domain's seeder; returns lines to print."""
    now = now or utcnow()
    rng = random.Random(2026)
    built = not places.is_built()
    if built:
        _build(members, now, rng, generate_password_hash(DEMO_PASSWORD))
    accounts = demo_accounts()
    ctx = {"now": now, "rng": rng, "password": DEMO_PASSWORD, "accounts": accounts}
    lines = [f"demo district {'built' if built else 'already there, left as it was'}"]
    lines += run_domain_seeders(ctx)
    lines += format_accounts(accounts)
    return lines


def run_domain_seeders(ctx: dict) -> list[str]:
    """Calls `seed(ctx)` of every domain's seeder in app/demo/, in DOMAIN_SEEDERS order (ratings
    last: it rates what the others added)."""
    lines: list[str] = []
    for domain, seed in DOMAIN_SEEDERS:
        lines += [f"{domain}: {line}" for line in seed(ctx) or []]
    return lines


def _build(members: int, now: datetime, rng: random.Random, password_hash: str) -> None:
    """The places, the accounts placed in them, the units with their admins and reports, then
    the members with their registration stories (in this order: it fixes the random draws)."""
    accounts = Accounts(password_hash)
    admin = accounts.add("admin", Role.ADMIN, "系统管理员")
    tree = places.build_tree(admin)
    staff = accounts.place_accounts(tree, rng)
    units = []
    for u_index, (name, kind, resources) in enumerate(places.UNITS, start=1):
        unit = places.add_unit(name, kind, admin)
        units.append(unit)
        accounts.unit_admin(unit, u_index, rng)
        report_unit(unit, resources, tree.communities, rng, admin)
    communities = tree.communities
    for n, fate in enumerate(fates(members), start=1):
        member = accounts.member(n, units, rng)
        if fate != "unregistered":
            community = communities[n % len(communities)]
            register_story(member, fate, community, communities[(n + 1) % len(communities)], tree.grids,
                           staff, now, rng)


__all__ = ["DEMO_PASSWORD", "run_domain_seeders", "seed_demo"]
