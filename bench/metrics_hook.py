"""Per-request cost of the metrics hook (monitoring.instrument_requests), in multiprocess
mode as under gunicorn. Not a test: prints a table. Compare the ratios measured in one run.

    .venv/bin/python bench/metrics_hook.py [requests]

1. the hook's own work per request (observe_request: a counter and a histogram written to
   memory-mapped files), and the predictions counter for one request of 1 and of 100 rows;
2. a trivial Flask route through the WSGI stack with and without the hook (best of 5 rounds
   each, interleaved),, so the difference is what one request pays for the hook.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="bench-metrics-")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "backend"))

import numpy as np  # noqa: E402
from flask import Flask  # noqa: E402

from segmentation.monitoring import instrument_requests, metrics

# CPU time of this process: on a shared machine, time spent waiting for a core is not counted
clock = time.process_time


def per_call(fn, n: int) -> float:
    start = clock()
    for _ in range(n):
        fn()
    return (clock() - start) / n * 1e6


def app(hooked: bool) -> Flask:
    a = Flask(f"bench{hooked}")

    @a.post("/api/v1/segmentation/predict-segment")
    def predict():
        return {"predictions": [1]}

    if hooked:
        instrument_requests(a)
    return a


def per_request(client, n: int) -> float:
    start = clock()
    for _ in range(n):
        client.post("/api/v1/segmentation/predict-segment", json=[{"Utilities": 1}])
    return (clock() - start) / n * 1e6


ROUNDS = 9


def main(n: int) -> None:
    one, hundred = np.array([3]), np.random.default_rng(1).integers(1, 7, 100)
    rows = [
        (
            "observe_request (counter + histogram)",
            per_call(lambda: metrics.observe_request("POST", "/x", 200, 0.001), n),
        ),
        (
            "observe_predictions, 1 row",
            per_call(lambda: metrics.observe_predictions("lifestyle", one), n),
        ),
        (
            "observe_predictions, 100 rows",
            per_call(lambda: metrics.observe_predictions("lifestyle", hundred), n // 4),
        ),
    ]
    # the wrapper alone, around a WSGI app that does nothing (no Flask noise)
    bare = Flask("bare")
    bare.wsgi_app = lambda environ, start_response: start_response("200 OK", []) or [b""]
    instrument_requests(bare)
    environ = {"REQUEST_METHOD": "POST"}
    noop = lambda *a: None  # noqa: E731
    rows.append(
        (
            "WSGI wrapper + observe_request, no-op app",
            per_call(lambda: bare.wsgi_app(environ, noop), n),
        )
    )
    plain, hooked = app(False).test_client(), app(True).test_client()
    per_request(plain, 500), per_request(hooked, 500)  # warm up
    rounds = {"without": [], "with": []}
    for _ in range(ROUNDS):
        rounds["without"].append(per_request(plain, n // 10))
        rounds["with"].append(per_request(hooked, n // 10))
    best = {k: min(v) for k, v in rounds.items()}
    median = {k: statistics.median(v) for k, v in rounds.items()}
    print(f"load: {os.getloadavg()[0]:.2f} (1 min), {n} calls, multiprocess mode\n")
    print("| measurement | us per call |\n|---|---:|")
    for name, us in rows:
        print(f"| {name} | {us:.2f} |")
    print(
        f"| trivial route, no hook (best / median of rounds) | {best['without']:.1f} / {median['without']:.1f} |"
    )
    print(
        f"| trivial route, with hook (best / median of rounds) | {best['with']:.1f} / {median['with']:.1f} |"
    )
    print(f"| hook per request (median with - median without) | {median['with'] - median['without']:.1f} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
