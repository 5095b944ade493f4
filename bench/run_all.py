"""Runs every bench/bench_*.py it finds, one after the other (`make bench`).

    python -m bench.run_all [--small] [--backend sqlite|postgres|both] [--only points,orders]
Each bench module exposes main(argv) -> exit code and accepts --small and --backend."""
from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def discover() -> list[str]:
    return sorted(p.stem for p in HERE.glob("bench_*.py"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--only", help="comma-separated names, e.g. points,orders")
    args = parser.parse_args(argv)
    names = discover()
    if args.only:
        wanted = {n.strip().removeprefix("bench_") for n in args.only.split(",")}
        names = [n for n in names if n.removeprefix("bench_") in wanted]
    failures = []
    for name in names:
        print(f"\n######## {name} ########", flush=True)
        start = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        forwarded = ["--backend", args.backend] + (["--small"] if args.small else [])
        try:
            code = module.main(forwarded)
        except Exception as exc:  # one bench failing must not hide the others' figures
            print(f"{name} failed: {exc!r}", flush=True)
            code = 1
        print(f"######## {name}: exit {code} in {time.perf_counter() - start:.0f} s", flush=True)
        if code:
            failures.append(name)
    if failures:
        print("failed:", ", ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
