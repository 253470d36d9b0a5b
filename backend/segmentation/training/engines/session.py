"""The Spark session of a worker process: started on first use, reused by later runs.

A session costs 6-18 s to start and pyspark allows one SparkContext per process, so the
worker keeps it between training runs (like a connection pool) and starts a new one only
when ``SPARK_MASTER`` or the other settings changed, or when the old one died (a killed
driver JVM). Under ``spark-submit`` (``submit.py``) the session spark-submit made is
used as it is. ``stop()`` ends it and its driver JVM (tests, and when the worker exits).

Local masters (``local[N]``) bind to 127.0.0.1 (``SPARK_LOCAL_IP``); the web UI is off.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

log = logging.getLogger(__name__)

DEBIAN_JAVA_17 = "/usr/lib/jvm/java-17-openjdk-amd64"
JVM_EXIT_SECONDS = 30  # a stopped driver JVM gets this long to exit on its own


class SparkUnavailable(RuntimeError):
    """Spark cannot be started with the configured settings (the reason is in the message)."""


class _Holder:
    """The process's session and the settings it was started with (pyspark itself allows
    only one SparkContext per process, so this mirrors a process-wide fact)."""

    lock = threading.Lock()
    session = None
    settings: dict[str, str] | None = None


def settings(config: Mapping) -> dict[str, str]:
    """Spark properties for a session from the service's settings."""
    master = config["SPARK_MASTER"]
    conf = {
        "spark.master": master,
        "spark.app.name": "segmentation-training",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.memory": config["SPARK_DRIVER_MEMORY"],
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.session.timeZone": "UTC",
    }
    if config.get("SPARK_EXECUTOR_MEMORY"):
        conf["spark.executor.memory"] = config["SPARK_EXECUTOR_MEMORY"]
    if is_local(master):
        conf["spark.driver.bindAddress"] = "127.0.0.1"
        conf["spark.driver.host"] = "127.0.0.1"
    conf.update(dict(config.get("SPARK_CONF") or ()))
    return conf


def is_local(master: str) -> bool:
    return master == "local" or master.startswith("local[")


def get(config: Mapping):
    """The process's Spark session for ``config``, started if needed."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise SparkUnavailable("TRAINING_ENGINE=spark needs pyspark: run make install-spark") from None
    wanted = settings(config)
    logging.getLogger("py4j").setLevel(logging.WARNING)  # a line per closed socket otherwise
    with _Holder.lock:
        if _Holder.session is not None and _Holder.settings == wanted and alive(_Holder.session):
            return _Holder.session
        if _Holder.session is not None:
            _stop_locked()
        submitted = _submitted_session()
        _Holder.session = submitted or _start(wanted)
        _Holder.settings = wanted
        return _Holder.session


def _submitted_session():
    """The session spark-submit started for this script, if any."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    return active if active is not None and alive(active) else None


def _start(conf: dict[str, str]):
    from pyspark.sql import SparkSession

    if Path(DEBIAN_JAVA_17).is_dir():
        # a second JDK may be installed; Spark 4 runs on 17 (Debian 12 has no 21)
        os.environ["JAVA_HOME"] = DEBIAN_JAVA_17
    if is_local(conf["spark.master"]):
        os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
        # the executors' Python workers: this interpreter (its venv has the service's package)
        os.environ["PYSPARK_PYTHON"] = sys.executable
    builder = SparkSession.builder
    for key, value in conf.items():
        builder = builder.config(key, value)
    log.info("starting a Spark session on %s", conf["spark.master"])
    try:
        spark = builder.getOrCreate()
    except Exception as exc:
        _forget()
        reason = first_line(exc)
        if "JAVA_GATEWAY_EXITED" in reason:
            reason = (
                "Spark's driver exited at start: a master URL Spark does not accept (local[N], "
                "spark://host:port, k8s://https://host:port, yarn) or no Java 17 "
                "(apt-get install default-jre-headless); Spark's own message is in the worker's log"
            )
        raise SparkUnavailable(
            f"could not start Spark with SPARK_MASTER={conf['spark.master']}: {reason}"
        ) from exc
    spark.sparkContext.setLogLevel("WARN")
    return spark


def alive(spark) -> bool:
    try:
        return not spark.sparkContext._jsc.sc().isStopped()
    except Exception:  # the JVM is gone (killed driver): py4j cannot reach it
        return False


def discard() -> None:
    """Forget a session that failed (its JVM may be gone); the next run starts a new one."""
    with _Holder.lock:
        _stop_locked()


def stop() -> None:
    with _Holder.lock:
        _stop_locked()


def _stop_locked() -> None:
    spark, _Holder.session, _Holder.settings = _Holder.session, None, None
    if spark is not None:
        try:
            spark.stop()
        except Exception as exc:  # already dead
            log.info("Spark session was already gone: %s", first_line(exc))
    _forget()


def _forget() -> None:
    """Clear pyspark's process-wide references to a dead context, so a new one can start
    (after the JVM was killed, ``stop()`` cannot reach it and leaves them set)."""
    try:
        from pyspark import SparkContext
        from pyspark.sql import SparkSession
    except ImportError:
        return
    with SparkContext._lock:
        gateway = SparkContext._gateway
        SparkContext._active_spark_context = None
        SparkContext._gateway = None
        SparkContext._jvm = None
    SparkSession._instantiatedSession = None
    SparkSession._activeSession = None
    if gateway is not None:
        _end_gateway(gateway)


def _end_gateway(gateway) -> None:
    """End the driver JVM pyspark started (``SparkContext.stop`` leaves it running for the
    next context; once forgotten, the next session starts its own, so this one would be left
    behind): close py4j's connections, then the JVM's stdin, which it exits on."""
    try:
        gateway.shutdown()
    except Exception as exc:  # the JVM is already gone
        log.info("Spark's gateway was already gone: %s", first_line(exc))
    proc = getattr(gateway, "proc", None)
    if proc is None:
        return
    with contextlib.suppress(OSError):
        proc.stdin.close()
    try:
        proc.wait(timeout=JVM_EXIT_SECONDS)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def first_line(exc: BaseException) -> str:
    """The first meaningful line of an exception (Java stack traces are long)."""
    for line in str(exc).splitlines():
        line = line.strip()
        if line:
            return line[:500]
    return type(exc).__name__
