"""The benchmarks are not run by `make test`, so an import of a name the app moved would only
show when someone runs them. Every `from app... import name` in bench/ (also those inside
functions) must name something that exists."""
from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


def app_imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "app":
            for alias in node.names:
                yield node.module, alias.name, node.lineno


@pytest.mark.parametrize("path", sorted(BENCH.glob("*.py")), ids=lambda p: p.name)
def test_bench_imports_exist(path):
    missing = []
    for module, name, line in app_imports(path):
        imported = importlib.import_module(module)
        if not hasattr(imported, name):
            try:
                importlib.import_module(f"{module}.{name}")
            except ModuleNotFoundError:
                missing.append(f"{path.name}:{line}: from {module} import {name}")
    assert not missing, missing


def test_the_check_sees_a_moved_name(tmp_path):
    bad = tmp_path / "bench_bad.py"
    bad.write_text("def run():\n    from app.database import local_today\n", encoding="utf-8")
    found = list(app_imports(bad))
    assert found == [("app.database", "local_today", 2)]
    assert not hasattr(importlib.import_module("app.database"), "local_today")
