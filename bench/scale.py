"""Phase S (``make bench-scale``): 10M customers on one box.

Seeds BENCH_SCALE_CUSTOMERS demo customers (default 10,000,000), retrains through the API
and the queue worker BENCH_SCALE_RETRAINS times (default 3; ASSIGNMENT_HISTORY_VERSIONS=2,
so the history is bounded from the third run on) with the worker's peak RSS and a py-spy
profile of the last run, the database size after each retrain, ``GET /segments`` latency,
and the streamed export (API and CLI) in rows/s.
"""

from __future__ import annotations

import os
import signal
import statistics
import time

import psycopg2
import requests
import serving
import training
from sqlalchemy.engine import make_url
from stack import Stack

API = "/api/v1/segmentation"
HISTORY_VERSIONS = 2


def label(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k"


def database_sizes(url: str) -> dict:
    conn = psycopg2.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT pg_database_size(current_database()), "
                "(SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) FROM pg_inherits "
                "WHERE inhparent = 'segment_assignments'::regclass), "
                "(SELECT count(*) FROM pg_inherits WHERE inhparent = 'segment_assignments'::regclass), "
                "(SELECT count(DISTINCT model_version_id) FROM segment_summaries)"
            )
            db_bytes, history_bytes, partitions, summarised = cur.fetchone()
    finally:
        conn.close()
    return {
        "database_mb": round(int(db_bytes) / 1e6, 1),
        "assignments_mb": round(int(history_bytes) / 1e6, 1),
        "partitions": partitions,  # the versions kept, plus the default partition
        "versions_summarised": summarised,
    }


def latency(url: str, path: str, calls: int = 21) -> dict:
    """Median and max ms of ``calls`` keep-alive GETs of ``path`` (after one warm-up call)."""
    session = requests.Session()
    session.get(f"{url}{path}", headers=serving.AUTH, timeout=60).raise_for_status()
    times = []
    for _ in range(calls):
        t0 = time.perf_counter()
        session.get(f"{url}{path}", headers=serving.AUTH, timeout=60).raise_for_status()
        times.append((time.perf_counter() - t0) * 1000)
    return {
        "median_ms": round(statistics.median(times), 2),
        "max_ms": round(max(times), 2),
        "calls": calls,
    }


def segments_latency(url: str, calls: int = 21) -> dict:
    return latency(url, f"{API}/segments", calls)


def customers_latency(url: str, calls: int = 9) -> dict:
    """``GET /customers`` as the web app's customer list asks for it: the first and the last
    page of everyone, and of the largest segment (25 a page)."""
    listed = requests.get(f"{url}/api/v1/customers?per_page=25", headers=serving.AUTH, timeout=120)
    listed.raise_for_status()
    first = listed.json()
    segments = requests.get(f"{url}{API}/segments", headers=serving.AUTH, timeout=60)
    segments.raise_for_status()
    sizes = segments.json()["segments"]
    largest = max(sizes, key=lambda s: s["size"])
    last = -(-first["total"] // 25)
    last_of_segment = -(-largest["size"] // 25)
    paths = {
        "first_page": "?per_page=25",
        "last_page": f"?per_page=25&page={last}",
        "segment_first_page": f"?per_page=25&segment_id={largest['id']}",
        "segment_last_page": f"?per_page=25&segment_id={largest['id']}&page={last_of_segment}",
    }
    return {name: latency(url, f"/api/v1/customers{query}", calls) for name, query in paths.items()}


def export_api(url: str) -> dict:
    t0 = time.perf_counter()
    lines = size = 0
    with requests.get(f"{url}{API}/assignments.csv", headers=serving.AUTH, stream=True, timeout=600) as r:
        r.raise_for_status()
        for chunk in r.iter_content(chunk_size=1 << 20):
            lines += chunk.count(b"\n")
            size += len(chunk)
    seconds = time.perf_counter() - t0
    rows = lines - 1
    return {
        "rows": rows,
        "mb": round(size / 1e6, 1),
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
    }


class _Discard:
    """A file that drops what it is given (the server's COPY output, measured alone)."""

    def write(self, data) -> int:
        return len(data)


def export_server(url: str) -> dict:
    """Where the export's time goes, on the server: the export's own ``COPY`` (join with
    customers for the bank's ids, segment names as literals, CSV formatting) read by a client
    that drops it, next to the same COPY with every row's time formatted (the export before its
    usual-time shortcut) and a ``COPY`` of the version's partition alone (ids only)."""
    from segmentation.segments.export import API_COLUMNS, copy_sql, usual_time
    from segmentation.segments.service import segment_names

    conn = psycopg2.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))
    out = {}
    try:
        with conn.cursor() as cur:
            cur.execute("SET TimeZone = 'UTC'")
            cur.execute("SELECT id FROM model_versions WHERE status = 'active' ORDER BY id DESC LIMIT 1")
            version = cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM segment_assignments WHERE model_version_id = %s", (version,))
            rows = cur.fetchone()[0]
            names = segment_names(cur, version)
            queries = {
                "export_query": copy_sql(version, API_COLUMNS, usual_time(cur, version), names).as_string(
                    conn
                ),
                "every_time_formatted": copy_sql(version, API_COLUMNS, names=names).as_string(conn),
                "partition_alone": "COPY (SELECT customer_id, segment_id FROM segment_assignments "
                f"WHERE model_version_id = {int(version)}) TO STDOUT (FORMAT csv)",
            }
            for name, query in queries.items():
                t0 = time.perf_counter()
                cur.copy_expert(query, _Discard())
                seconds = time.perf_counter() - t0
                out[name] = {"seconds": round(seconds, 2), "rows_per_s": round(rows / seconds)}
    finally:
        conn.close()
    return out


def export_cli(stack: Stack, out_path) -> dict:
    t0 = time.perf_counter()
    stack.flask("export-assignments", "--output", str(out_path))
    seconds = time.perf_counter() - t0
    with open(out_path, "rb") as fh:
        rows = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 22), b"")) - 1
    os.unlink(out_path)
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
    }


def phase_scale(stack: Stack, var, results: dict, database, admin_key, log, port: int) -> None:
    n = int(os.environ.get("BENCH_SCALE_CUSTOMERS", "10000000"))
    retrains = int(os.environ.get("BENCH_SCALE_RETRAINS", "3"))
    name = label(n)
    url = database(stack.env["BASE_URL"], f"bench_scale_{name}")
    stack.env |= {
        "DATABASE_URL": url,
        "MODEL_DIR": str(var / f"models_{name}"),
        "ASSIGNMENT_HISTORY_VERSIONS": str(HISTORY_VERSIONS),
    }
    stack.flask("db", "upgrade")
    admin_key(stack)
    out: dict = {
        "customers": n,
        "label": name,
        "history_versions": HISTORY_VERSIONS,
        "trainings": [],
    }
    log(f"seeding {n:,} customers")
    t0 = time.perf_counter()
    stack.flask("seed-demo", "--customers", str(n), "--seed", "11")
    out["seed_s"] = round(time.perf_counter() - t0, 2)
    out["after_seed"] = database_sizes(url)
    log(f"  {out['seed_s']} s, {out['after_seed']}")

    ours = stack.gunicorn("ours", port)
    worker = stack.worker()
    time.sleep(2)
    for i in range(retrains):
        last = i == retrains - 1
        log(
            f"training {i + 1}/{retrains} on {n:,} customers"
            + (" (py-spy samples the worker)" if last else "")
        )
        spy = serving.py_spy(worker.pid, 900, var / "scale_train.prof", rate=20) if last else None
        run = training.train_end_to_end(ours, worker.pid, timeout=1800)
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(timeout=60)
            out["train_profile"] = serving.summarize_profile(var / "scale_train.prof")
        run["sizes"] = database_sizes(url)
        out["trainings"].append(run)
        log(f"  {run}")
    log("GET /segments, /drift and /projection latency")
    out["segments"] = segments_latency(ours)
    out["drift"] = latency(ours, f"{API}/drift", 9)
    out["projection"] = latency(ours, f"{API}/projection", 9)
    out["customer_pages"] = customers_latency(ours)
    log(f"  {out['segments']}; drift {out['drift']}; projection {out['projection']}")
    log("export: GET assignments.csv (streamed), then flask export-assignments")
    out["export_api"] = export_api(ours)
    out["export_cli"] = export_cli(stack, var / "export.csv")
    out["export_server"] = export_server(url)
    log(f"  api {out['export_api']}; cli {out['export_cli']}; server {out['export_server']}")
    stack.stop_all()
    results["scale"] = out
