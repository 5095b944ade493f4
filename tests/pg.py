"""A throwaway PostgreSQL 15 cluster for the test suite and the benchmarks.

The server refuses to run as root, so when we are root the cluster is owned by `postgres`."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_pg(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


class PostgresServer:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="pgtest-"))
        self.data = self.dir / "data"
        self.sock = self.dir / "sock"
        self.port = _free_port()
        self.user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")

    def start(self) -> PostgresServer:
        if not (PG_BIN / "initdb").exists():
            raise RuntimeError(f"PostgreSQL not found in {PG_BIN}; run `make pg-deps`")
        self.sock.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
            shutil.chown(self.sock, "postgres")
        subprocess.run(_as_pg([str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust",
                               "-U", self.user, "-E", "UTF8", "--no-locale"]),
                       check=True, stdout=subprocess.DEVNULL)
        opts = (f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
                "-c shared_buffers=256MB")
        subprocess.run(_as_pg([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", opts,
                               "-l", str(self.dir / "log"), "-w", "start"]),
                       check=True, stdout=subprocess.DEVNULL)
        for _ in range(50):
            if subprocess.run(_as_pg([str(PG_BIN / "pg_isready"), "-h", "127.0.0.1",
                                      "-p", str(self.port)]), stdout=subprocess.DEVNULL).returncode == 0:
                break
            time.sleep(0.1)
        return self

    def create_database(self, name: str) -> str:
        subprocess.run(_as_pg([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                               "-U", self.user, name]), check=True)
        return self.url(name)

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        subprocess.run(_as_pg([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                               "stop"]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)
