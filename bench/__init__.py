"""Benchmarks (not tests): `python -m bench.run_all` or `python -m bench.bench_<name> --help`."""
