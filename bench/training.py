"""Training measurements: end to end through the API and the queue worker."""

from __future__ import annotations

import threading
import time

import requests
from serving import AUTH, served_version, wait_until_served
from stack import tree_rss_mb

API = "/api/v1/segmentation"


class RssSampler:
    """Peak RSS (MB) of a process tree, sampled every ``every`` seconds in a thread."""

    def __init__(self, pid: int, every: float = 0.05):
        self.pid, self.every, self.peak = pid, every, 0.0
        self.stage = "queued"  # set by the caller as the job moves on
        self.by_stage: dict[str, float] = {}  # peak RSS while each stage ran
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.is_set():
            try:
                rss = tree_rss_mb(self.pid)
                self.peak = max(self.peak, rss)
                self.by_stage[self.stage] = max(self.by_stage.get(self.stage, 0.0), rss)
            except Exception:
                pass
            self._stop.wait(self.every)


def train_end_to_end(url: str, worker_pid: int, consecutive: int = 20, timeout: float = 600) -> dict:
    """Trigger training with automatic k; time until every web worker serves the new model
    (``consecutive`` fresh connections in a row), and until the job finished (re-segmenting
    included)."""
    before = served_version(url)
    with RssSampler(worker_pid) as sampler:
        t0 = time.perf_counter()
        job = requests.post(f"{url}{API}/trigger-training", json={}, headers=AUTH, timeout=30)
        job.raise_for_status()
        job_id = job.json()["id"]
        served_s = done_s = None
        while time.perf_counter() - t0 < timeout:
            state = requests.get(f"{url}{API}/jobs/{job_id}", headers=AUTH, timeout=10).json()
            sampler.stage = state.get("stage") or state["status"]
            if state["status"] in ("failed", "rejected"):
                raise RuntimeError(f"training job {job_id} {state['status']}: {state.get('error')}")
            if served_s is None:
                version = served_version(url)
                if version not in (None, before):  # activated: now wait for every worker
                    served_s = time.perf_counter() - t0 + wait_until_served(url, version, consecutive)
            if state["status"] == "succeeded" and served_s is not None:
                done_s = done_s or time.perf_counter() - t0
                break
            if state["status"] == "succeeded":
                done_s = done_s or time.perf_counter() - t0
            time.sleep(0.05)
        if done_s is None or served_s is None:
            raise TimeoutError(f"training job {job_id} did not finish within {timeout:.0f}s")
    return {
        "job": job_id,
        "model_version": state["model_version"],
        "k": (state.get("metrics") or {}).get("k"),
        "served_s": round(served_s, 2),
        "job_done_s": round(done_s, 2),
        "stage_seconds": state.get("stage_seconds", {}),
        "peak_rss_mb_job": state.get("peak_rss_mb"),
        "peak_rss_mb_sampled": round(sampler.peak, 1),
        "peak_rss_mb_by_stage": {k: round(v, 1) for k, v in sampler.by_stage.items()},
    }
