"""The Spark training engine on the 1M-customer database, next to the local engine's run.

``phase(stack, url, results)`` runs after the local 1M training (``suite.phase_training``):
it restarts the queue worker with ``TRAINING_ENGINE=spark SPARK_MASTER=local[2]`` and
trains twice through the API with automatic k, as the local run did: the first run
starts the worker's Spark session (JVM start included), the second reuses it. Skipped,
with the reason in the results, when Java or pyspark is missing (``make install-spark``).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import training
from stack import VENV_BIN, Stack

JAVA_17 = Path("/usr/lib/jvm/java-17-openjdk-amd64")
ENV = {"TRAINING_ENGINE": "spark", "SPARK_MASTER": "local[2]", "SPARK_DRIVER_MEMORY": "2g"}


def missing() -> str | None:
    if not (JAVA_17.is_dir() or shutil.which("java")):
        return "Java is not installed (apt-get install default-jre-headless)"
    found = subprocess.run([str(VENV_BIN / "python"), "-c", "import pyspark"], capture_output=True)
    return "pyspark is not installed (make install-spark)" if found.returncode else None


def phase(stack: Stack, url: str, results: dict, log) -> None:
    reason = missing()
    if reason:
        results["train_1m_spark"] = {"skipped": reason}
        log(f"Spark engine skipped: {reason}")
        return
    stack.stop("worker")
    worker = stack.worker(ENV)
    time.sleep(2)  # the worker is listening
    log("training 1M end to end on Spark local[2] (first run starts the session)")
    cold = training.train_end_to_end(url, worker.pid, timeout=1200)
    log(f"  {cold}")
    log("again, the worker's Spark session reused")
    warm = training.train_end_to_end(url, worker.pid, timeout=1200)
    log(f"  {warm}")
    results["train_1m_spark"] = {"cold": cold, "warm": warm, "settings": ENV}


def summary(r: dict) -> dict:
    """Flat keys for latest.json (None when skipped)."""
    spark = r.get("train_1m_spark") or {}
    cold, warm = spark.get("cold") or {}, spark.get("warm") or {}
    return {
        "train_1m_spark_s": cold.get("served_s"),
        "train_1m_spark_job_done_s": cold.get("job_done_s"),
        "train_1m_spark_warm_s": warm.get("served_s"),
        "train_1m_spark_peak_rss_mb": cold.get("peak_rss_mb_sampled"),
    }


def lines(r: dict) -> list[str]:
    """The markdown paragraph, next to the local engine's 1M figure."""
    spark, local = r.get("train_1m_spark") or {}, r["train_1m"]
    if "skipped" in spark or not spark:
        return [f"Spark engine on 1M: skipped ({spark.get('skipped', 'not run')}).", ""]
    cold, warm = spark["cold"], spark["warm"]

    def stages(t):
        return ", ".join(f"{k} {v:.2f}" for k, v in t["stage_seconds"].items())

    return [
        "",
        "### Spark engine (TRAINING_ENGINE=spark, SPARK_MASTER=local[2], same 1M rows, auto k)",
        "",
        "| engine | k | served after s | job done s | worker tree peak RSS MB (sampled, JVM included) |",
        "|---|---|---|---|---|",
        f"| local | {local['k']} | {local['served_s']} | {local['job_done_s']} | {local['peak_rss_mb_sampled']} |",
        f"| spark, session started | {cold['k']} | {cold['served_s']} | {cold['job_done_s']} | "
        f"{cold['peak_rss_mb_sampled']} |",
        f"| spark, session reused | {warm['k']} | {warm['served_s']} | {warm['job_done_s']} | "
        f"{warm['peak_rss_mb_sampled']} |",
        "",
        f"Stage seconds: started: {stages(cold)}; reused: {stages(warm)} (the session start is counted in "
        "'selecting k'). One machine: Spark pays JVM, Python-worker and scheduling costs the local engine "
        "does not; it is for data that outgrows one machine.",
        "",
    ]
