"""The layers of app/ (../shared/STYLE.md, "Layers"): the contracts in .importlinter hold
(with no exception), no two domains import each other, and no function imports another domain
(a function-level import is no way around the layers) — outside create_app and the CLI wiring.
Each check is shown to fail on a throwaway package that breaks it. Also: the helpers with one
home (role groups, the savepoint insert, the dialect branches, the clock) are not copied."""
from __future__ import annotations

import ast
import os
import re
import shutil
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
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")


def _domain(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in DOMAINS else "core"


def lint_imports(root: Path = ROOT) -> subprocess.CompletedProcess:
    """lint-imports with the .importlinter of `root`, over the app package found there."""
    env = dict(os.environ, PYTHONPATH=str(root))
    return subprocess.run([LINT_IMPORTS, "--no-cache"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_import_contracts_are_kept_without_exceptions():
    lint = lint_imports()
    assert lint.returncode == 0 and "0 broken" in lint.stdout, lint.stdout + lint.stderr
    assert "ignore_imports" not in (ROOT / ".importlinter").read_text()


def _copy_of_the_app(tmp_path: Path) -> Path:
    shutil.copytree(APP, tmp_path / "app", ignore=shutil.ignore_patterns(
        "__pycache__", "static", "templates", "translations", "samples"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def test_the_contracts_fail_on_an_upward_import(tmp_path):
    """make test fails on a dependency that breaks the layers: a copy of app/ with one module
    of a low domain importing a higher one is refused by lint-imports, naming the edge."""
    root = _copy_of_the_app(tmp_path)
    (root / "app" / "auth" / "sneaky.py").write_text("from app.ratings import services  # noqa\n")
    lint = lint_imports(root)
    assert lint.returncode != 0 and "1 broken" in lint.stdout, lint.stdout + lint.stderr
    assert "app.auth.sneaky -> app.ratings.services" in lint.stdout


def domain_cycles(graph) -> set[tuple[str, str]]:
    """The pairs of domains each of which imports the other (directly or through others)."""
    return {(a, b) for a, b in combinations(DOMAINS, 2)
            if graph.chain_exists(f"app.{a}", f"app.{b}", as_packages=True)
            and graph.chain_exists(f"app.{b}", f"app.{a}", as_packages=True)}


def test_no_two_domains_import_each_other():
    assert domain_cycles(grimp.build_graph("app", include_external_packages=False)) == set()


def test_the_cycle_check_sees_one(tmp_path):
    """The check above can fail: in a copy of app/ where places imports registrations (which
    imports places), the pair is reported."""
    root = _copy_of_the_app(tmp_path)
    (root / "app" / "places" / "sneaky.py").write_text("from app.registrations import units  # noqa\n")
    script = ("import grimp; from tests.test_architecture import domain_cycles; "
              "print(sorted(domain_cycles(grimp.build_graph('app', include_external_packages=False))))")
    env = dict(os.environ, PYTHONPATH=f"{root}{os.pathsep}{ROOT}")
    out = subprocess.run([sys.executable, "-c", script], cwd=root, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "('places', 'registrations')" in out.stdout, out.stdout


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


# ---- one home per helper ------------------------------------------------------------------

def _lines_matching(pattern: str, allowed: set[str]) -> list[str]:
    found = []
    for path in sorted(APP.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in allowed:
            continue
        for n, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(pattern, line):
                found.append(f"{rel}:{n}: {line.strip()}")
    return found


def test_role_groups_are_named_once_in_app_auth_roles():
    """A tuple of roles is written in app/auth/roles.py only; elsewhere its name is used."""
    assert _lines_matching(r"\(\s*\*?Role\.\w+\s*,\s*\*?Role\.", {"app/auth/roles.py"}) == []
    assert _lines_matching(r"^[A-Z_]+ = \(Role\.", {"app/auth/roles.py"}) == []


def test_savepoint_inserts_go_through_app_database():
    """"Insert in a savepoint, a unique index refusing it is a 409": savepoint()/insert_unique()
    of app/database.py (an import keeps its own savepoint around a whole file: app/imports)."""
    allowed = {"app/database.py", "app/__init__.py", "app/imports/services.py", "app/transaction.py"}
    assert _lines_matching(r"IntegrityError|begin_nested\(", allowed) == []


def test_dialect_branches_live_in_app_database():
    allowed = {"app/database.py", "app/__init__.py"}  # create_app: SQLite's connection pragmas
    assert _lines_matching(r"dialect\.name|sqlalchemy\.dialects", allowed) == []


def test_the_clock_lives_in_app_clock():
    """Asia/Shanghai and "now" are defined once (app/clock.py)."""
    assert _lines_matching(r"ZoneInfo\(|datetime\.now\(|date\.today\(|def (utcnow|local_today|year_of)\b",
                           {"app/clock.py"}) == []
