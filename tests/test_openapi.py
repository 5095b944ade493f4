"""The OpenAPI document describes the contract of ../shared/API.md (foundation sections) and
bounds every integer input, so an id out of range is a 4xx, never a database overflow."""
import pytest

from app.api_base import ID_MAX

CONTRACT = [  # Conventions, Bootstrap, People and places, 双报到 registration
    ("post", "/api/v1/auth/token"), ("get", "/api/v1/me"), ("post", "/api/v1/places"),
    ("get", "/api/v1/places/{place_id}"), ("get", "/api/v1/places/{place_id}/children"),
    ("post", "/api/v1/units"), ("post", "/api/v1/units/{unit_id}/registrations"), ("post", "/api/v1/users"),
    ("post", "/api/v1/members/signup"), ("post", "/api/v1/registrations"), ("get", "/api/v1/registrations"),
    ("post", "/api/v1/registrations/{reg_id}/approve"), ("post", "/api/v1/registrations/{reg_id}/reject"),
    ("post", "/api/v1/registrations/{reg_id}/transfer"),
]


@pytest.fixture(scope="module")
def spec(app):
    res = app.test_client().get("/api/openapi.json")
    assert res.status_code == 200
    return res.json


def _operations(spec):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield method, path, op


def _resolve(spec, schema):
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return schema


def _integers(spec, schema, where):
    schema = _resolve(spec, schema)
    if schema.get("type") == "integer":
        yield where, schema
    for name, prop in schema.get("properties", {}).items():
        yield from _integers(spec, prop, f"{where}.{name}")
    if "items" in schema:
        yield from _integers(spec, schema["items"], f"{where}[]")


def test_the_contract_endpoints_are_documented(spec):
    documented = {(method, path) for method, path, _ in _operations(spec)}
    assert set(CONTRACT) <= documented, sorted(set(CONTRACT) - documented)


def test_every_integer_input_is_bounded(spec):
    unbounded = []
    for method, path, op in _operations(spec):
        inputs = [(f"{p['in']}:{p['name']}", p.get("schema", {})) for p in op.get("parameters", [])]
        for content in op.get("requestBody", {}).get("content", {}).values():
            inputs.append(("body", content["schema"]))
        for where, schema in inputs:
            for name, integer in _integers(spec, schema, where):
                if integer.get("maximum", ID_MAX + 1) > ID_MAX:
                    unbounded.append(f"{method.upper()} {path} {name}")
    assert not unbounded, "integer inputs without a maximum (use app.api_base.Id or a Range): " + \
        ", ".join(unbounded)


def test_errors_are_declared_with_the_contract_body(spec):
    for method, path, op in _operations(spec):
        if (method, path) not in CONTRACT:
            continue
        codes = set(op["responses"])
        secured = op.get("security", spec.get("security")) != []
        assert not secured or "401" in codes, f"{method} {path} does not declare 401"
        for code in codes - {"200", "201", "204", "default"}:
            content = op["responses"][code].get("content") or spec["components"]["responses"].get(
                op["responses"][code].get("$ref", "/").split("/")[-1], {}).get("content")
            assert content, f"{method} {path} {code} has no body"


def test_no_schema_was_renamed_for_a_clash(spec):
    """apispec warns and appends a number to a schema whose name another one already took
    (two `DecisionIn` once): every component keeps its own name."""
    import re

    names = set(spec["components"]["schemas"])
    renamed = sorted(n for n in names if re.fullmatch(r".*\D\d+", n) and re.sub(r"\d+$", "", n) in names)
    assert renamed == []
    assert {"HonourDecisionIn", "ServiceDecisionIn"} <= names
