"""Starting and stopping the processes under test: gunicorn apps, the queue worker, nginx."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import psutil
import requests

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BACKEND = ROOT / "backend"
VENV_BIN = ROOT / ".venv" / "bin"
PREDICT = "/api/v1/segmentation/predict-segment"
PROFILE = {
    "Utilities": 500,
    "Groceries": 320.5,
    "Transport": 40,
    "Dining": 85,
    "Entertainment": 30,
    "OnlineShopping": 120,
    "Travel": 0,
    "Healthcare": 25,
}


class Stack:
    """Every process started for the benchmark; ``stop_all`` ends them (only them)."""

    def __init__(self, var_dir: Path, base_env: dict):
        self.var = var_dir
        self.env = {**os.environ, **base_env}
        (self.var / "logs").mkdir(parents=True, exist_ok=True)
        self.procs: dict[str, subprocess.Popen] = {}

    def flask(self, *args: str, env: dict | None = None) -> str:
        """Run a flask command in backend/ and return its stdout (raises on failure)."""
        out = subprocess.run(
            [str(VENV_BIN / "flask"), "--app", "segmentation", *args],
            cwd=BACKEND,
            env={**self.env, **(env or {})},
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout

    def start(self, name: str, argv: list[str], cwd: Path, env: dict | None = None) -> subprocess.Popen:
        log = open(self.var / "logs" / f"{name}.log", "ab")
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env={**self.env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs[name] = proc
        return proc

    def gunicorn(self, name: str, port: int, env: dict | None = None, ref_app: str | None = None) -> str:
        """Start gunicorn: our service, or a reference app (``refapps:ceiling()``) with the
        same settings. Returns its base URL once it answers."""
        env = {**(env or {}), "GUNICORN_BIND": f"127.0.0.1:{port}", "LOG_LEVEL": "WARNING"}
        if ref_app:
            env |= {"BENCH_APP": ref_app, "PYTHONPATH": f"{BENCH}:{BACKEND}"}
            argv = [str(VENV_BIN / "gunicorn"), "-c", str(BENCH / "gunicorn_ref.conf.py")]
            self.start(name, argv, BENCH, env)
        else:
            self.start(name, [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py"], BACKEND, env)
        url = f"http://127.0.0.1:{port}"
        if ref_app:
            wait_for(url + PREDICT, name, self.procs[name], body=[PROFILE])
        else:
            wait_for(url + "/health", name, self.procs[name])
        return url

    def worker(self, env: dict | None = None) -> subprocess.Popen:
        return self.start(
            "worker", [str(VENV_BIN / "flask"), "--app", "segmentation", "worker"], BACKEND, env
        )

    def nginx(self, port: int, upstream_port: int) -> str:
        web_root = self.var / "www"
        web_root.mkdir(exist_ok=True)
        (web_root / "index.html").write_text("<!doctype html><title>bench</title>\n")
        env = {
            "API_UPSTREAM": f"127.0.0.1:{upstream_port}",
            "LISTEN_PORT": str(port),
            "WEB_ROOT": str(web_root),
        }
        self.start("nginx", [str(ROOT / "nginx" / "run-local.sh"), str(self.var / "nginx")], ROOT, env)
        url = f"http://127.0.0.1:{port}"
        wait_for(url + "/health", "nginx", self.procs["nginx"])
        return url

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name)

    def pid(self, name: str) -> int:
        return self.procs[name].pid


def wait_for(url: str, name: str, proc: subprocess.Popen, timeout: float = 60, body=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}; see its log")
        try:
            from serving import AUTH

            answer = (
                requests.get(url, timeout=2, headers=AUTH)
                if body is None
                else requests.post(url, json=body, timeout=2, headers=AUTH)
            )
            if answer.status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{name} did not answer at {url} within {timeout:.0f}s")


def worker_pids(master_pid: int) -> list[int]:
    return [c.pid for c in psutil.Process(master_pid).children()]


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


def tree_rss_mb(pid: int) -> float:
    """RSS of a process plus its children (the queue worker may fork helpers)."""
    proc = psutil.Process(pid)
    total = proc.memory_info().rss
    for child in proc.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total / 2**20
