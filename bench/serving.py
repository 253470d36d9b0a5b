"""Serving measurements: wrk load, batch throughput, hot reload, worker memory, profiles."""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import requests
from stack import BACKEND, BENCH, PREDICT, PROFILE, VENV_BIN, rss_mb, worker_pids

sys.path.insert(0, str(BACKEND / "tests"))
from procs import connections_per_worker  # noqa: E402  (one count for the tests and the bench)

AUTH: dict[str, str] = {}  # Authorization header (an admin key) sent on every call, as callers must


def wrk(url: str, connections: int, seconds: int = 10, warmup: int = 2, master: int | None = None) -> dict:
    """requests/s, p50/p99 (ms) and errors of single-profile predict calls at ``connections``;
    with ``master`` (a gunicorn master pid), how many of the connections each of its workers
    held halfway through. The workers accept from one shared socket, and without the accept
    wait (backend/segmentation/web/accepting.py) a burst of connections can sit on one of them."""
    argv = ["wrk", "-t2", f"-c{connections}", "--latency", "-s", str(BENCH / "predict.lua"), url]
    env = {**os.environ, "BENCH_AUTH": AUTH.get("Authorization", "")}
    subprocess.run(
        argv[:2] + [f"-c{connections}", f"-d{warmup}s"] + argv[3:], check=True, capture_output=True, env=env
    )
    run = subprocess.Popen(
        argv[:3] + [f"-d{seconds}s", "--timeout", "5s"] + argv[3:], stdout=subprocess.PIPE, text=True, env=env
    )
    held = None
    try:
        if master is not None:
            time.sleep(seconds / 2)
            held = connections_per_worker(master, int(url.rsplit(":", 1)[1]))
        out, _ = run.communicate()
    finally:
        if run.poll() is None:  # interrupted: no wrk left running
            run.kill()
    if run.returncode:
        raise subprocess.CalledProcessError(run.returncode, run.args)
    raw = json.loads(next(line for line in out.splitlines() if line.startswith("WRK_JSON "))[9:])
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"]
    return {
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "errors": errors,
        "requests": raw["requests"],
        "connections_per_worker": held,
    }


def median_run(runs: list[dict]) -> dict:
    """The run with the median requests/s (its own latencies), plus every round's figure."""
    ordered = sorted(runs, key=lambda run: run["rps"])
    return {
        **ordered[len(ordered) // 2],
        "rps_rounds": [run["rps"] for run in runs],
        "p99_ms_rounds": [run["p99_ms"] for run in runs],
        "connections_per_worker_rounds": [run.get("connections_per_worker") for run in runs],
        "errors": sum(run["errors"] for run in runs),
    }


def median_ratio(ours: list[dict], ref: list[dict]) -> dict:
    """Median over rounds of ours/ref requests/s, each pair measured back to back."""
    ratios = [round(a["rps"] / b["rps"], 3) for a, b in zip(ours, ref)]
    return {"median": statistics.median(ratios), "rounds": ratios}


def batch_rows_per_s(url: str, rows: int, repeats: int = 7) -> dict:
    """Median rows/s of predict calls with ``rows`` profiles each, over one keep-alive
    connection. The client is the standard library's ``http.client``: ``requests`` (used until
    session 16) adds client-side work of its own, about 0.5 ms to a one-profile call and 1.1 ms
    to a 10,000-profile call of about 9 ms (measured against our gunicorn, alternating)."""
    rng = np.random.default_rng(rows)
    keys = list(PROFILE)
    amounts = np.round(rng.lognormal(4.5, 1.2, size=(rows, len(keys))), 2)
    body = json.dumps([dict(zip(keys, map(float, row))) for row in amounts]).encode()
    headers = {"Content-Type": "application/json", **AUTH}
    where = urlsplit(url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
    seconds = []
    try:
        for i in range(repeats + 1):
            t0 = time.perf_counter()
            connection.request("POST", PREDICT, body=body, headers=headers)
            answer = connection.getresponse()
            answer.read()
            elapsed = time.perf_counter() - t0
            if answer.status != 200:
                raise RuntimeError(f"batch of {rows}: HTTP {answer.status}")
            if i:  # the first call warms up
                seconds.append(elapsed)
    finally:
        connection.close()
    median = statistics.median(seconds)
    return {"rows": rows, "median_ms": round(median * 1000, 1), "rows_per_s": round(rows / median)}


def served_version(url: str) -> int | None:
    """The model version one worker reports, on a fresh connection (no keep-alive)."""
    try:
        answer = requests.post(
            url + PREDICT, json=[PROFILE], headers={"Connection": "close", **AUTH}, timeout=5
        )
    except requests.RequestException:
        return None
    return answer.json().get("model_version") if answer.status_code == 200 else None


def wait_until_served(url: str, version: int, consecutive: int = 50, timeout: float = 120) -> float:
    """Seconds until ``consecutive`` fresh connections in a row report ``version``; the time
    is that of the first answer of the final streak."""
    t0 = time.perf_counter()
    streak_start, streak = None, 0
    while time.perf_counter() - t0 < timeout:
        now = time.perf_counter()
        if served_version(url) == version:
            streak_start = streak_start if streak else now
            streak += 1
            if streak >= consecutive:
                return streak_start - t0
        else:
            streak = 0
    raise TimeoutError(f"v{version} not served by every worker within {timeout:.0f}s")


def hot_reload(url: str, versions: list[int], rounds: int = 3) -> dict:
    """Activate each of ``versions`` in turn; time until every worker serves it. A 503 with
    Retry-After is retried as the API asks clients to (at most 3 times), and counted: the
    results say how many activations needed it and why (the answer's ``reason``)."""
    times, retried = [], []
    for _ in range(rounds):
        for version in versions:
            t0 = time.perf_counter()
            for attempt in range(4):
                answer = requests.post(
                    f"{url}/api/v1/segmentation/models/{version}/activate", headers=AUTH, timeout=30
                )
                if answer.status_code != 503 or attempt == 3:
                    break
                retried.append(answer.json().get("reason", ""))
                time.sleep(float(answer.headers.get("Retry-After", "1")))
            answer.raise_for_status()
            times.append(round(time.perf_counter() - t0 + wait_until_served(url, version), 3))
    return {"seconds": times, "median_s": statistics.median(times), "max_s": max(times), "retried": retried}


def worker_memory(master_pid: int) -> list[float]:
    return [round(rss_mb(pid), 1) for pid in worker_pids(master_pid)]


# frames every sample passes through (thread and worker start-up); left out of "inclusive"
PLUMBING = ("(threading.py)", "(thread.py)", "(gthread.py)", "(arbiter.py)", "(wsgiapp.py)")


def py_spy(
    pid: int, seconds: int, out: Path, rate: int = 100, subprocesses: bool = False
) -> subprocess.Popen:
    """Start ``py-spy record`` (collapsed stacks, idle frames dropped) on ``pid``."""
    argv = [
        str(VENV_BIN / "py-spy"),
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(seconds),
        "--rate",
        str(rate),
        "--format",
        "raw",
        "--output",
        str(out),
        "--nonblocking",
    ]
    if subprocesses:
        argv.append("--subprocesses")
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def summarize_profile(path: Path, top: int = 8) -> dict:
    """Top functions by inclusive and by self share of the samples in a collapsed-stack file."""
    inclusive, own, total = Counter(), Counter(), 0
    if not path.exists():
        return {"samples": 0, "inclusive": [], "self": []}
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():  # a frame's text may hold a line break
            continue
        n = int(count)
        frames = [
            f.split(" (")[0] + " (" + f.split(" (")[1].split(":")[0].rsplit("/", 1)[-1] + ")"
            if " (" in f
            else f
            for f in stack.split(";")
        ]
        total += n
        own[frames[-1]] += n
        for frame in set(frames):
            if not frame.endswith(PLUMBING) and not frame.startswith(("process ", "thread ")):
                inclusive[frame] += n

    def ranked(counter):
        return (
            [{"function": f, "share": round(c / total, 3)} for f, c in counter.most_common(top)]
            if total
            else []
        )

    return {"samples": total, "inclusive": ranked(inclusive), "self": ranked(own)}


def summary_lines(results: dict) -> list[str]:
    """A short table of a serving-only run: ratios, req/s and latencies, batches."""
    lines = [
        f"{key}: median {v['median']} rounds {v['rounds']}" for key, v in results["serve_ratios"].items()
    ]
    lines += [
        f"{key}: {run['rps']} req/s, p50 {run['p50_ms']} ms, p99 {run['p99_ms']} ms, errors {run['errors']}, "
        f"rounds {run['rps_rounds']}"
        for key, run in results["serve"].items()
    ]
    lines += [
        f"batch {key}: {b['rows_per_s']} rows/s ({b['median_ms']} ms)" for key, b in results["batch"].items()
    ]
    for name in ("serve_profile", "batch_profile"):
        prof = results[name]
        lines.append(f"{name} ({prof['samples']} samples), self:")
        lines += [f"  {p['share']:.0%} {p['function']}" for p in prof["self"]]
    return lines
