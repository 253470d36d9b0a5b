"""The benchmark suite: every comparison measured side by side in this one run.

Usage (run.sh does this): python bench/suite.py VAR_DIR DATABASE_URL [--only serving|scale]
Phase A uses a 100k-customer database (serving, batch, memory, hot reload, training 100k);
phase B a 1M-customer database (seed time, training 1M, naive training baseline).
``--only serving`` runs phase A alone and writes results/tmp/serving-only.json (not latest.*).
``--only scale`` (``make bench-scale``) runs phase S (``scale.py``, 10M customers) and merges
its keys into latest.* (a smaller BENCH_SCALE_CUSTOMERS writes results/tmp/scale-<size>.* only).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import importing
import psycopg2
import report
import requests
import scale
import serving
import training
import training_spark
from sqlalchemy.engine import make_url
from stack import BENCH, PREDICT, PROFILE, VENV_BIN, Stack

PORTS = {"ours": 5100, "ceiling": 5101, "baseline": 5102, "nginx": 5180}
WORKERS, THREADS = 2, 4
ROUNDS = 5  # short interleaved serving runs per app and concurrency (median reported)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def database(admin_url: str, name: str) -> str:
    url = make_url(admin_url)
    conn = psycopg2.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return url.set(database=name).render_as_string(hide_password=False)


def admin_key(stack: Stack) -> None:
    """The API needs an admin key to trigger training and activate models."""
    key = stack.flask("create-api-key", "--role", "admin", "--name", "bench").strip().splitlines()[-1]
    serving.AUTH["Authorization"] = f"Bearer {key}"


def phase_serving(stack: Stack, var: Path, results: dict) -> None:
    env = {
        "DATABASE_URL": database(stack.env["BASE_URL"], "bench_100k"),
        "MODEL_DIR": str(var / "models_100k"),
    }
    stack.env |= env
    stack.flask("db", "upgrade")
    admin_key(stack)
    log("seeding 100k customers, first model via the CLI")
    stack.flask("seed-demo", "--customers", "100000", "--seed", "42")
    first = json.loads(stack.flask("train").strip().splitlines()[-1])["model_version"]

    ours = stack.gunicorn("ours", PORTS["ours"])
    stack.worker()
    via_nginx = stack.nginx(PORTS["nginx"], PORTS["ours"])
    sample = requests.post(ours + PREDICT, json=[PROFILE], timeout=10, headers=serving.AUTH)
    sample.raise_for_status()
    (var / "ceiling.json").write_bytes(sample.content)
    artifact = var / "models_100k" / f"model-v{first:05d}.joblib"
    refs = {"BENCH_CEILING_BODY": str(var / "ceiling.json"), "BENCH_ARTIFACT": str(artifact)}
    ceiling = stack.gunicorn("ceiling", PORTS["ceiling"], refs, "refapps:ceiling()")
    baseline = stack.gunicorn("baseline", PORTS["baseline"], refs, "refapps:baseline()")
    targets = {"ours": ours, "ours_nginx": via_nginx, "ceiling": ceiling, "baseline": baseline}

    log(f"serving: wrk, single profile per request, {ROUNDS} interleaved rounds")
    for url in targets.values():  # untimed: every worker of every app up and warm before round 1
        serving.wrk(url, 16, seconds=2, warmup=1)
    runs: dict[str, list[dict]] = {}
    for _ in range(ROUNDS):
        for connections in (16, 64):
            for name, url in targets.items():
                runs.setdefault(f"{name}_c{connections}", []).append(
                    serving.wrk(
                        url,
                        connections,
                        seconds=4,
                        warmup=1,
                        master=None if name == "ours_nginx" else stack.pid(name),
                    )
                )
    results["serve"] = {key: serving.median_run(rounds) for key, rounds in runs.items()}
    # other work on the machine drifts slowly: ratios of neighbouring runs are steadier
    results["serve_ratios"] = {
        f"ours_{ref}_c{c}": serving.median_ratio(runs[f"ours_c{c}"], runs[f"{ref}_c{c}"])
        for ref in ("ceiling", "baseline")
        for c in (16, 64)
    }
    for key, run in results["serve"].items():
        log(f"  {key}: {run}")

    log("batch throughput")
    results["batch"] = {
        f"{name}_{rows}": serving.batch_rows_per_s(url, rows)
        for rows in (1_000, 10_000)
        for name, url in (("ours", ours), ("baseline", baseline))
    }

    log("profiles (py-spy on our gunicorn workers): c16 load, then 10k-row batches")
    spy = serving.py_spy(stack.pid("ours"), 8, var / "serve.prof", subprocesses=True)
    serving.wrk(ours, 16, seconds=8, warmup=1)
    spy.wait(timeout=60)
    results["serve_profile"] = serving.summarize_profile(var / "serve.prof")
    spy = serving.py_spy(stack.pid("ours"), 8, var / "batch.prof", subprocesses=True)
    serving.batch_rows_per_s(ours, 10_000, repeats=40)
    spy.wait(timeout=60)
    results["batch_profile"] = serving.summarize_profile(var / "batch.prof")
    results["memory"] = {
        name: serving.worker_memory(stack.pid(name)) for name in ("ours", "ceiling", "baseline")
    }
    stack.stop("ceiling")
    stack.stop("baseline")

    log("training 100k end to end")
    results["train_100k"] = training.train_end_to_end(ours, stack.pid("worker"))
    log(f"  {results['train_100k']}")
    log("hot reload")
    results["reload"] = serving.hot_reload(ours, [first, results["train_100k"]["model_version"]])
    stack.stop_all()


def phase_training(stack: Stack, var: Path, results: dict) -> None:
    url = database(stack.env["BASE_URL"], "bench_1m")
    stack.env |= {"DATABASE_URL": url, "MODEL_DIR": str(var / "models_1m")}
    stack.flask("db", "upgrade")
    admin_key(stack)
    log("seeding 1M customers")
    t0 = time.perf_counter()
    stack.flask("seed-demo", "--customers", "1000000", "--seed", "7")
    results["seed_1m_s"] = round(time.perf_counter() - t0, 2)

    ours = stack.gunicorn("ours", PORTS["ours"])
    worker = stack.worker()
    time.sleep(2)  # the worker is listening
    log("training 1M end to end (the worker's first job)")
    results["train_1m"] = training.train_end_to_end(ours, worker.pid)
    log(f"  {results['train_1m']}")
    # the profile comes from a run of its own: the sampler takes CPU from the 2 cores the
    # training uses (its run took 27 s where the same job alone took 14-17 s)
    log("training 1M again, py-spy sampling the worker (for the profile; not the target's figure)")
    spy = serving.py_spy(worker.pid, 120, var / "train.prof", rate=50)
    results["train_1m_profiled"] = training.train_end_to_end(ours, worker.pid)
    spy.send_signal(signal.SIGINT)  # py-spy writes its file on Ctrl-C
    spy.wait(timeout=30)
    results["train_profile"] = serving.summarize_profile(var / "train.prof")
    log(f"  {results['train_1m_profiled']}")
    results["customers_1m"] = scale.customers_latency(ours)
    log(f"  GET /customers: {results['customers_1m']}")
    training_spark.phase(stack, ours, results, log)
    stack.stop_all()

    log("naive training baseline on the same 1M rows")
    out = subprocess.run(
        [str(VENV_BIN / "python"), str(BENCH / "naive_train.py"), "--url", url, "--budget", "240"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    results["train_1m_baseline"] = json.loads(out.strip().splitlines()[-1])
    log(f"  {results['train_1m_baseline']}")


def phase_import(stack: Stack, var: Path, results: dict) -> None:
    """1M customers x 15 columns (text ids, blanks) from CSV into an empty database, then again."""
    stack.env |= {
        "DATABASE_URL": database(stack.env["BASE_URL"], "bench_import"),
        "MODEL_DIR": str(var / "m_imp"),
    }
    stack.flask("db", "upgrade")
    csv_path = var / "bank_1m.csv"
    log("writing a 1M x 15 bank CSV")
    importing.generate(csv_path, 1_000_000)
    log("import-customers: first import, then the same file again (nothing changes)")
    results["import_1m"] = importing.measure(stack.flask, csv_path)
    log(f"  {results['import_1m']}")
    csv_path.unlink()


def main() -> None:
    var, base_url = Path(sys.argv[1]), sys.argv[2]
    serving_only = sys.argv[3:] == ["--only", "serving"]
    if sys.argv[3:] == ["--only", "scale"]:
        main_scale(var, base_url)
        return
    started = time.perf_counter()
    stack = Stack(
        var,
        {
            "BASE_URL": base_url,
            "WEB_CONCURRENCY": str(WORKERS),
            "GUNICORN_THREADS": str(THREADS),
            "VAR_DIR": str(var),
        },
    )
    results: dict = {"settings": {"workers": WORKERS, "threads": THREADS, "worker_class": "gthread"}}
    try:
        phase_serving(stack, var, results)
        if not serving_only:
            phase_training(stack, var, results)
            phase_import(stack, var, results)
    finally:
        stack.stop_all()
    results["runtime_s"] = round(time.perf_counter() - started, 1)
    if serving_only:  # latest.* keep the last full run; results/tmp/ is not committed
        out = BENCH / "results" / "tmp" / "serving-only.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(results, indent=1) + "\n")
        print("\n".join(serving.summary_lines(results)))
        return
    report.write(results, BENCH / "results")
    print((BENCH / "results" / "latest.md").read_text())


def main_scale(var: Path, base_url: str) -> None:
    started = time.perf_counter()
    stack = Stack(
        var,
        {
            "BASE_URL": base_url,
            "WEB_CONCURRENCY": str(WORKERS),
            "GUNICORN_THREADS": str(THREADS),
            "VAR_DIR": str(var),
        },
    )
    results: dict = {}
    try:
        scale.phase_scale(stack, var, results, database, admin_key, log, PORTS["ours"])
    finally:
        stack.stop_all()
    results["scale"]["runtime_s"] = round(time.perf_counter() - started, 1)
    print(report.merge_scale(results["scale"], BENCH / "results"))


if __name__ == "__main__":
    main()
