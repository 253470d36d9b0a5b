"""Where a retrain's time and memory go: training runs in this process, sampled.

Not a benchmark of record (``make bench`` / ``make bench-scale`` are): a tool to find the
lines that hold the time and the peak memory of a retrain before changing them.

    cd backend && DATABASE_URL=... MODEL_DIR=... ../.venv/bin/python ../bench/profile_train.py \
        [--runs 2] [--json OUT]

The database must hold customers already (``flask db upgrade`` and ``flask seed-demo``).
Each run is what ``flask train`` does (``execute_run``: load, fit, publish, gate, activate,
re-segment). A thread samples this process's RSS every 10 ms together with the main thread's
stack (``--traced``: the bytes Python and NumPy hold, from tracemalloc, instead of RSS:
what is alive, without the allocator's retained pages), and charges each sample to two places: the line of ``segmentation/training/`` that is
running (the pipeline step) and the innermost line of ``segmentation/`` (the code doing the
work). Printed per run: stage seconds (the run's own), peak RSS, and per place the sampled
seconds and the highest RSS seen there. RSS is the process's, so a line's peak includes
everything alive when it ran.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import threading
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

import psutil

PACKAGE = os.sep + "segmentation" + os.sep
INTERVAL = 0.01


class Sampler(threading.Thread):
    def __init__(self, main_ident: int):
        super().__init__(daemon=True)
        self.main = main_ident
        self.proc = psutil.Process()
        self.stop = threading.Event()
        self.traced = tracemalloc.is_tracing()
        self.reset()

    def reset(self) -> None:
        self.peak = 0
        self.steps: dict[str, list] = defaultdict(lambda: [0, 0])  # place -> [samples, peak bytes]
        self.lines: dict[str, list] = defaultdict(lambda: [0, 0])

    def run(self) -> None:
        while not self.stop.wait(INTERVAL):
            rss = tracemalloc.get_traced_memory()[0] if self.traced else self.proc.memory_info().rss
            frame = sys._current_frames().get(self.main)
            inner = step = None
            while frame is not None:
                path = frame.f_code.co_filename
                if PACKAGE in path:
                    where = f"{path.split(PACKAGE)[-1]}:{frame.f_lineno} {frame.f_code.co_name}"
                    inner = inner or where
                    if f"{os.sep}training{os.sep}" in path and step is None:
                        step = where
                frame = frame.f_back
            self.peak = max(self.peak, rss)
            for table, key in ((self.steps, step), (self.lines, inner)):
                if key:
                    table[key][0] += 1
                    table[key][1] = max(table[key][1], rss)


def table(rows: dict[str, list], top: int) -> list[dict]:
    ordered = sorted(rows.items(), key=lambda kv: -kv[1][0])[:top]
    return [
        {"where": k, "seconds": round(n * INTERVAL, 2), "peak_rss_mb": round(b / 2**20)}
        for k, (n, b) in ordered
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--segmentation", default=None)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--traced", action="store_true", help="sample the bytes Python and NumPy hold (tracemalloc), not RSS"
    )
    args = parser.parse_args()
    if args.traced:
        tracemalloc.start()

    from segmentation import create_app
    from segmentation.training.service import create_run, execute_run

    app = create_app()
    sampler = Sampler(threading.get_ident())
    sampler.start()
    results = []
    with app.app_context():
        from segmentation.segmentations import service

        seg = service.get(args.segmentation)
        for i in range(args.runs):
            sampler.reset()
            started = time.perf_counter()
            run = execute_run(create_run({}, trigger="cli", segmentation_id=seg.id).id)
            seconds = time.perf_counter() - started
            result = {
                "run": i + 1,
                "status": run.status,
                "error": run.error,
                "seconds": round(seconds, 2),
                "stage_seconds": run.stage_seconds,
                "peak_rss_mb_sampled": round(sampler.peak / 2**20),
                "peak_rss_mb_process": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "steps": table(sampler.steps, args.top),
                "lines": table(sampler.lines, args.top),
            }
            results.append(result)
            print(
                f"\n== run {i + 1}: {run.status} in {seconds:.2f} s, peak RSS {result['peak_rss_mb_sampled']} MB"
            )
            print("stage seconds:", run.stage_seconds)
            for name in ("steps", "lines"):
                print(f"-- by {name[:-1]} (sampled s, peak RSS MB while there)")
                for row in result[name]:
                    print(f"  {row['seconds']:7.2f}  {row['peak_rss_mb']:6d}  {row['where']}")
    sampler.stop.set()
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
