"""Fuzzes the whole JSON API from its own OpenAPI document (schemathesis), signed in as each role.

Every operation of the live `/api/openapi.json` is generated, positive and negative, so endpoints
added later are fuzzed without touching this file. Each role gets a small district (`world`), a
pending registration and every domain's demo data (`app.<domain>.demo.seed`), and generated ids
are mostly mapped onto rows that exist, so requests reach the services instead of stopping at 404.
The checks: no 5xx, status code and content type declared, body matching the declared schema
(error bodies included), invalid input rejected with a 4xx, and no 2xx for anonymous requests to
secured operations. Runs are deterministic (hypothesis `derandomize`); a failure names the
operation and shows a `curl` to reproduce it. Each operation gets MAX_EXAMPLES requests per role;
`FUZZ_EXAMPLES=200` digs deeper by hand."""
from __future__ import annotations

import os
import random
from collections import Counter
from datetime import UTC, datetime

import hypothesis
import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from app.auth.services import issue_token
from app.demo import run_domain_seeders
from app.extensions import db
from app.registrations.services import register
from tests.conftest import settle
from tests.factories import PASSWORD

ROLES = {"member": "member1", "resident": "resident1", "staff": "staff1", "unit_admin": "unit_admin1",
         "street_admin": "street_admin", "admin": "admin", "anonymous": None}
# A sanity floor: operations that answered 2xx at least once (with today's endpoints; roles
# with few endpoints of their own reach fewer).
MIN_SUCCEEDED = {"anonymous": 1, "resident": 5, "unit_admin": 5, "member": 12, "staff": 12,
                 "street_admin": 12, "admin": 12}
# Generated requests per operation and role; FUZZ_EXAMPLES=200 for a deeper run by hand.
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 20))
CONFIG = schemathesis.Config.from_dict({
    "seed": 20261124,
    "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True,
                   "with-security-parameters": False, "allow-extra-parameters": False},
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    "checks": {"negative_data_rejection": {"expected-statuses": [400, 401, 403, 404, 405, 409, 422, 429]}},
})
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection]


@pytest.fixture(params=sorted(ROLES))
def fuzz_role(request):
    return request.param


def seed_domains(now: datetime) -> None:
    """Every domain's demo data, so activities, records, orders … exist to be acted on."""
    run_domain_seeders({"now": now, "rng": random.Random(7), "password": PASSWORD, "accounts": []})


def existing_ids() -> dict[str, list[int]]:
    """Ids of the rows that exist, per table with an integer `id` (a few hundred at most)."""
    ids: dict[str, list[int]] = {}
    for table in db.metadata.sorted_tables:
        column = table.c.get("id")
        if column is not None and isinstance(column.type, sa.Integer):
            found = list(db.session.scalars(sa.select(column).order_by(column).limit(300)))
            if found:
                ids[table.name] = found
    ids["*"] = sorted({i for values in ids.values() for i in values})
    return ids


# Parameter names that do not spell their table.
TABLE_ALIASES = {"member": "user", "community": "place", "grid": "place", "street": "place",
                 "district": "place", "scope": "place", "reg": "registration", "user": "user"}


def ids_for(name: str, ids: dict[str, list[int]]) -> list[int]:
    """The ids a parameter named like `activity_id` or `record_id` most likely refers to."""
    stem = name.removesuffix("_id")
    stem = TABLE_ALIASES.get(stem, stem)
    for table in (stem, *sorted(t for t in ids if t.endswith("_" + stem)),
                  *sorted(t for t in ids if t.startswith(stem))):
        if table in ids:
            return ids[table]
    return ids["*"]


@pytest.fixture
def fuzz_setup(world, fuzz_role):
    now = datetime.now(UTC)
    register(world.newbie, community_id=world.comm1.id, address="仓边路9号", skills=["维修"],
             availability="周末")
    seed_domains(now)
    user = getattr(world, ROLES[fuzz_role]) if ROLES[fuzz_role] else None
    token = issue_token(user)[0] if user is not None else None
    settle()
    return {"user": user, "token": token, "ids": existing_ids()}


def _known_id(name: str, value, ids: dict[str, list[int]]):
    """Four generated ids in five become an id that exists (a function of the generated value,
    so runs are deterministic and shrinking works); the fifth stays, usually unknown: 404."""
    if isinstance(value, bool) or not isinstance(value, int) or value % 5 == 4:
        return value
    pool = ids_for(name, ids)
    return pool[value % len(pool)]


def map_ids(case, ids: dict[str, list[int]]) -> None:
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return  # a negative case stays as generated: it must be rejected
    for name, value in list(case.path_parameters.items()):
        case.path_parameters[name] = _known_id(name, value, ids)
    for container in (case.query, case.body):
        if isinstance(container, dict):
            for name, value in list(container.items()):
                if name.endswith("_id"):
                    container[name] = _known_id(name, value, ids)


def strategy_for(operation):
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        try:
            strategies.append(operation.as_strategy(generation_mode=mode))
        except Exception:  # noqa: BLE001  (nothing to negate, e.g. no parameters)
            if mode == GenerationMode.POSITIVE:
                raise
    return st.one_of(*strategies)


def fuzz_operation(operation, setup: dict, statuses: Counter) -> None:
    """Runs MAX_EXAMPLES generated requests against one operation; raises on the first failure
    (hypothesis shrinks it to a minimal example first)."""
    secured = operation.definition.raw.get("security", setup["default_security"]) != []

    @hypothesis.settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                         suppress_health_check=list(hypothesis.HealthCheck), print_blob=False)
    @hypothesis.given(case=strategy_for(operation))
    def run(case):
        map_ids(case, setup["ids"])
        token = setup["token"]
        signs_out = case.method.upper() == "DELETE" and case.path == "/api/v1/auth/token" and token
        if signs_out:
            token = issue_token(setup["user"])[0]  # revoking must not sign the role out
            settle()
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = case.call_and_validate(headers=headers, checks=CHECKS)
        finally:
            if signs_out:  # `?all=true` ended every token of the role: a fresh one for the rest
                setup["token"] = issue_token(setup["user"])[0]
                settle()
        if response.status_code < 300:
            statuses[operation.label] += 1
            assert token or not secured, f"anonymous request answered {response.status_code}"

    run()


def test_api_conforms_to_its_openapi_document(app, fuzz_setup, fuzz_role):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=CONFIG)
    fuzz_setup["default_security"] = schema.raw_schema.get("security", [])
    failures, operations, succeeded = [], 0, Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            fuzz_operation(operation, fuzz_setup, succeeded)
        except (Exception, FailureGroup) as exc:  # noqa: BLE001  (collect every failure, then report)
            failures.append(f"{operation.label}: {exc}")
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)
    # The run reached the services: a good share of operations answered 2xx to this role.
    assert operations > 40
    assert len(succeeded) >= MIN_SUCCEEDED[fuzz_role], sorted(succeeded)
