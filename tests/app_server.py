"""The app served by gunicorn (one sync worker, as in production) in a child process on a free
loopback port, for the tests that need a real server: a worker's memory, several processes
sharing one limiter store.

    server = AppServer({"DATABASE_URL": url}).start()   # or .launch() several, then .wait_ready()
    requests.get(server.url + "/healthz"); server.rss_kb(); server.stop()
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from tests.pg import _free_port

ROOT = Path(__file__).resolve().parent.parent


class AppServer:
    def __init__(self, env: dict[str, str]) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="appserver-"))
        self.port = _free_port()
        base = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "APP_CONFIG"))}
        self.env = {**base, "APP_CONFIG": "development", "SECRET_KEY": "app-server-test-" * 4,
                    "INSTANCE_DIR": str(self.dir), "SCHEDULER_EMBEDDED": "0",
                    "PYTHONDONTWRITEBYTECODE": "1", **env}
        self.process: subprocess.Popen | None = None
        self.log = self.dir / "gunicorn.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> AppServer:
        return self.launch().wait_ready(timeout)

    def launch(self) -> AppServer:
        """Starts gunicorn without waiting (several servers boot at once, then `wait_ready`)."""
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{self.port}",
                 "--graceful-timeout", "2", "wsgi:app"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        return self

    def wait_ready(self, timeout: float = 30) -> AppServer:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.output()}")
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:  # not listening yet, or the worker still starting
                time.sleep(0.1)
        output = self.output()
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{output}")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def worker_pid(self) -> int:
        """The pid of the (one) worker: the master only forks and watches it."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        assert len(children) == 1, children
        return int(children[0])

    def rss_kb(self) -> int:
        """The worker's resident memory (VmRSS from /proc/<pid>/status), in kB."""
        for line in Path(f"/proc/{self.worker_pid()}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
