"""The layers of app/ (../shared/STYLE.md, "Layers"): the contracts in .importlinter hold,
no two domains import each other, and no function imports another domain (a function-level
import is no way around the layers) — outside create_app and the CLI wiring."""
from __future__ import annotations

import ast
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
DOMAINS = sorted(p.name for p in APP.iterdir() if p.is_dir() and (p / "__init__.py").exists()
                 and p.name not in ("demo", "main", "templates", "static", "translations"))
WIRING = {"app", "app.cli", "app.templating"}  # create_app, CLI and template wiring
# The one known exception, declared in .importlinter: auth's scope checks read the place tree.
KNOWN_CYCLES = {("auth", "places")}


def _domain(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in DOMAINS else "core"


def test_the_import_contracts_are_kept():
    lint = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert lint.returncode == 0 and "0 broken" in lint.stdout, lint.stdout + lint.stderr


def test_no_two_domains_import_each_other():
    graph = grimp.build_graph("app", include_external_packages=False)
    cycles = set()
    for a, b in combinations(DOMAINS, 2):
        if (graph.chain_exists(f"app.{a}", f"app.{b}", as_packages=True)
                and graph.chain_exists(f"app.{b}", f"app.{a}", as_packages=True)):
            cycles.add((a, b))
    assert cycles - KNOWN_CYCLES == set(), cycles


def cross_domain_function_imports(root: Path = APP) -> list[str]:
    """'module:line -> imported' for every import inside a function that names another domain."""
    found = []
    for path in sorted(root.rglob("*.py")):
        module = ".".join(path.relative_to(root.parent).with_suffix("").parts).removesuffix(".__init__")
        if module in WIRING:
            continue
        for fn in ast.walk(ast.parse(path.read_text())):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(fn):
                names = ([node.module] if isinstance(node, ast.ImportFrom) and node.module
                         else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
                for name in names:
                    if name.startswith("app.") and _domain(name) not in ("core", _domain(module)):
                        found.append(f"{module}:{node.lineno} -> {name}")
    return found


def test_no_function_imports_another_domain():
    assert cross_domain_function_imports() == []


def test_the_function_import_check_sees_one(tmp_path):
    """The check above can fail: a throwaway package with a function-level import of another
    domain is reported."""
    (tmp_path / "app" / "places").mkdir(parents=True)
    (tmp_path / "app" / "places" / "__init__.py").write_text("")
    (tmp_path / "app" / "places" / "sneaky.py").write_text(
        "def f():\n    from app.ratings.services import publish\n    return publish\n")
    assert cross_domain_function_imports(tmp_path / "app") == [
        "app.places.sneaky:2 -> app.ratings.services"]
