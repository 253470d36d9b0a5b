"""Real processes for tests: gunicorn with several workers and the queue worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

BACKEND = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    """gunicorn (WEB_CONCURRENCY workers) and optionally the worker, on one database."""

    def __init__(
        self, database_url: str, tmp_path: Path, web_workers: int = 4, api_key: str | None = None, **env
    ):
        self.api_key = api_key
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.logs = tmp_path / "logs"
        self.logs.mkdir(exist_ok=True)
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "MODEL_DIR": str(tmp_path / "models"),
            "VAR_DIR": str(tmp_path),
            "WEB_CONCURRENCY": str(web_workers),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "MODEL_POLL_SECONDS": "0.5",
            "MIN_CLUSTERS": "2",
            "MAX_CLUSTERS": "8",
            "RESEGMENT_CHUNK": "2500",
            **{k: str(v) for k, v in env.items()},
        }
        self.gunicorn: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self._files = []

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")
        self._files.append(log)
        return subprocess.Popen(args, cwd=BACKEND, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def start_web(self, timeout: float = 120) -> None:
        """Start gunicorn and wait until every worker has loaded the model."""
        self.gunicorn = self._spawn("gunicorn", [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"])
        workers = int(self.env["WEB_CONCURRENCY"])
        log = self.logs / "gunicorn.log"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                loaded = log.read_text().count("serving model v")
                if loaded >= workers and requests.get(f"{self.url}/ready", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if self.gunicorn.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn not ready: {(self.logs / 'gunicorn.log').read_text()[-3000:]}")

    def start_worker(self) -> None:
        self.worker = self._spawn(
            "worker", [sys.executable, "-m", "flask", "--app", "segmentation", "worker"]
        )

    def kill_worker(self) -> None:
        self.worker.send_signal(signal.SIGKILL)
        self.worker.wait(10)

    def stop(self) -> None:
        import psutil

        children = []  # a worker wedged in a request outlives a killed master: end it too
        if self.gunicorn and self.gunicorn.poll() is None:
            children = psutil.Process(self.gunicorn.pid).children()
        for proc in (self.worker, self.gunicorn):
            if proc and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)
        for child in children:
            try:
                child.kill()
            except psutil.NoSuchProcess:
                pass
        for f in self._files:
            f.close()

    # -- HTTP helpers (a new connection each call, so the kernel spreads them over workers)
    def headers(self) -> dict:
        from conftest import KEYS

        return {"Authorization": f"Bearer {self.api_key or KEYS['admin']}"}

    def post(self, path: str, json=None, timeout: float = 10) -> requests.Response:
        return requests.post(f"{self.url}{path}", json=json, timeout=timeout, headers=self.headers())

    def get(self, path: str, timeout: float = 10) -> requests.Response:
        return requests.get(f"{self.url}{path}", timeout=timeout, headers=self.headers())

    def wait_job(
        self, job_id: int, until=("succeeded", "failed", "rejected"), timeout: float = 120
    ) -> list[dict]:
        """Poll a job until its status is in ``until``; returns every state seen."""
        seen = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.get(f"/api/v1/segmentation/jobs/{job_id}").json()
            seen.append(job)
            if job["status"] in until:
                return seen
            time.sleep(0.05)
        raise TimeoutError(f"job {job_id} still {seen[-1]['status']}")


def connections_per_worker(master_pid: int, port: int, peers: set[int] | None = None) -> list[int]:
    """Established connections to ``port`` (from the client ports ``peers`` only, when given)
    held by each child of ``master_pid`` (from /proc: each worker's socket inodes matched
    against the kernel's TCP table), largest first. ``make bench`` counts its rounds with it."""
    import psutil

    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                local, remote = (int(fields[i].rsplit(":", 1)[1], 16) for i in (1, 2))
                if fields[3] == "01" and local == port and (peers is None or remote in peers):
                    established.add(fields[9])  # the socket's inode
    counts = []
    for child in psutil.Process(master_pid).children():
        inodes = set()
        for fd in os.listdir(f"/proc/{child.pid}/fd"):
            try:
                target = os.readlink(f"/proc/{child.pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
        counts.append(len(inodes & established))
    return sorted(counts, reverse=True)
