"""Configuration: the only module that reads the process environment.

Every setting comes from an environment variable (or ``NAME_FILE`` holding the value,
for secrets mounted as files). ``Config.from_env()`` builds an immutable snapshot that
``create_app`` copies into ``app.config``.
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]  # backend/segmentation/core/config.py


def env(name: str, default: str | None = None) -> str | None:
    """Value of ``name``, or the contents of the file named by ``name_FILE``."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _int(name: str, default: int) -> int:
    raw = env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None


def _float(name: str, default: float) -> float:
    raw = env(name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}") from None


def _bool(name: str, default: bool) -> bool:
    raw = env(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _pairs(name: str) -> tuple[tuple[str, str], ...]:
    """``key=value;key=value`` as pairs (Spark properties)."""
    out = []
    for item in (env(name, "") or "").split(";"):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{name} takes key=value pairs separated by ';', got {item.strip()!r}")
        out.append((key.strip(), value.strip()))
    return tuple(out)


TRAINING_ENGINES = ("local", "spark")
MEMORY = re.compile(r"^[0-9]+[kmgtKMGT]?$")


@dataclass(frozen=True)
class Config:
    DATABASE_URL: str | None = None
    VAR_DIR: str = str(REPO_ROOT / "var")
    MODEL_DIR: str = str(REPO_ROOT / "var" / "models")
    MIN_CLUSTERS: int = 2
    MAX_CLUSTERS: int = 10
    RANDOM_STATE: int = 42
    LOG_LEVEL: str = "INFO"
    WEB_CONCURRENCY: int = 2
    # predict-segment accepts at most this many profiles per request
    MAX_BATCH_ROWS: int = 10_000
    # rows sampled for k selection and for the silhouette score
    KSELECT_SAMPLE: int = 12_000
    SILHOUETTE_SAMPLE: int = 3_000
    # how often each web worker checks which model is active (seconds)
    MODEL_POLL_SECONDS: float = 0.5
    # web workers watch the database for a new active model (off for CLI commands)
    MODEL_WATCH: bool = False
    MAX_CONTENT_LENGTH: int = 8 * 1024 * 1024
    # customers files uploaded to POST /imports may be this large (the rest of the API keeps the limit above)
    IMPORT_MAX_BYTES: int = 1024 * 1024 * 1024
    # validation gate a new model must pass before it becomes active
    TRAIN_MIN_ROWS: int = 100
    MIN_SEGMENT_SHARE: float = 0.01
    # absolute floor: below it the data shows no clear segment structure
    MIN_SILHOUETTE: float = 0.10
    MAX_SILHOUETTE_DROP: float = 0.10
    # the bank's own database for segmentations whose source is external (read-only role)
    SOURCE_DATABASE_URL: str | None = None
    # customers re-segmented per chunk after activation
    RESEGMENT_CHUNK: int = 200_000
    # model versions per segmentation whose per-customer assignments are kept (the active one
    # and its predecessor always are); older versions keep only their per-segment summaries
    ASSIGNMENT_HISTORY_VERSIONS: int = 3
    # drift and the projection read a random sample of at most this many customers (a PSI's
    # noise on 50,000 drawn one by one is about 0.0002, more with drift's whole blocks, far
    # below 0.1 for "watch"; drift reads 50,000 of 10M in about 0.2 s, 200,000 in 0.7-0.9 s)
    INSIGHT_SAMPLE_ROWS: int = 50_000
    # a running training whose heartbeat is older than this is considered dead
    RUN_STALE_SECONDS: float = 30.0
    # cron expression for periodic retraining (off when empty), e.g. "0 3 * * 0"
    TRAINING_SCHEDULE: str | None = None
    # profiles recomputed from transactions average this many trailing days
    TRANSACTION_WINDOW_DAYS: int = 90
    # the day the RFM window ends (YYYY-MM-DD); unset: the latest transaction in the data
    RFM_AS_OF: str | None = None
    # access control
    SECRET_KEY: str | None = None  # signs session cookies; generated into VAR_DIR when unset
    SESSION_COOKIE_SECURE: bool = False  # set true behind TLS
    PREDICT_AUTH_REQUIRED: bool = True  # false lets existing callers predict without a key
    CORS_ORIGINS: tuple[str, ...] = ()
    LOGIN_MAX_FAILURES: int = 5
    LOGIN_LOCK_MINUTES: int = 15
    RATE_LIMIT_LOGIN: str = "10 per minute"
    RATE_LIMIT_WRITES: str = "600 per minute"
    # sign-in attempts per named account (known or not), besides RATE_LIMIT_LOGIN per client
    RATE_LIMIT_LOGIN_ACCOUNT: str = "10 per minute"
    # proxies in front of gunicorn whose X-Forwarded-For / -Proto are trusted (nginx: 1)
    TRUSTED_PROXIES: int = 0
    API_KEY_CACHE_SECONDS: float = 30.0
    # log lines: "text" (one readable line per event) or "json" (one object per line)
    LOG_FORMAT: str = "text"
    # cron expression (5 fields, or 6 with seconds) of the worker's drift check; "off" disables it
    DRIFT_SCHEDULE: str | None = "30 2 * * *"
    # a drift check whose largest PSI reaches this is "drifted" (alerts, and DRIFT_RETRAIN)
    DRIFT_THRESHOLD: float = 0.25
    # queue a retraining when a scheduled drift check crosses DRIFT_THRESHOLD
    DRIFT_RETRAIN: bool = False
    # days of drift checks kept per segmentation: each check deletes its older ones
    DRIFT_HISTORY_DAYS: int = 400
    IMPORT_REJECTS_DAYS: int = 30  # days an import's rejected lines are kept after it finished
    # host:port of the queue worker's own /metrics (off when unset)
    WORKER_METRICS_BIND: str | None = None
    # where a training run fits: "local" (this process, scikit-learn) or "spark" (make install-spark)
    TRAINING_ENGINE: str = "local"
    # the Spark cluster: local[2], spark://host:7077, k8s://https://host:443, yarn
    SPARK_MASTER: str = "local[2]"
    SPARK_DRIVER_MEMORY: str = "2g"
    SPARK_EXECUTOR_MEMORY: str | None = None
    # where a run's rows go as Parquet for Spark; seen by driver and executors; unset: VAR_DIR/spark
    SPARK_STAGING_DIR: str | None = None
    # extra Spark properties, "key=value" separated by ";" (e.g. spark.kubernetes.namespace=segments)
    SPARK_CONF: tuple[tuple[str, str], ...] = ()
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, **overrides) -> Config:
        var_dir = env("VAR_DIR", str(REPO_ROOT / "var"))
        values = dict(
            DATABASE_URL=env("DATABASE_URL"),
            VAR_DIR=var_dir,
            MODEL_DIR=env("MODEL_DIR", str(Path(var_dir) / "models")),
            MIN_CLUSTERS=_int("MIN_CLUSTERS", 2),
            MAX_CLUSTERS=_int("MAX_CLUSTERS", 10),
            RANDOM_STATE=_int("RANDOM_STATE", 42),
            LOG_LEVEL=(env("LOG_LEVEL", "INFO") or "INFO").upper(),
            WEB_CONCURRENCY=_int("WEB_CONCURRENCY", 2),
            MAX_BATCH_ROWS=_int("MAX_BATCH_ROWS", 10_000),
            KSELECT_SAMPLE=_int("KSELECT_SAMPLE", 12_000),
            SILHOUETTE_SAMPLE=_int("SILHOUETTE_SAMPLE", 3_000),
            MODEL_POLL_SECONDS=_float("MODEL_POLL_SECONDS", 0.5),
            MODEL_WATCH=_bool("MODEL_WATCH", False),
            MAX_CONTENT_LENGTH=_int("MAX_CONTENT_LENGTH", 8 * 1024 * 1024),
            IMPORT_MAX_BYTES=_int("IMPORT_MAX_BYTES", 1024 * 1024 * 1024),
            TRAIN_MIN_ROWS=_int("TRAIN_MIN_ROWS", 100),
            MIN_SEGMENT_SHARE=_float("MIN_SEGMENT_SHARE", 0.01),
            MIN_SILHOUETTE=_float("MIN_SILHOUETTE", 0.10),
            SOURCE_DATABASE_URL=env("SOURCE_DATABASE_URL"),
            MAX_SILHOUETTE_DROP=_float("MAX_SILHOUETTE_DROP", 0.10),
            RESEGMENT_CHUNK=_int("RESEGMENT_CHUNK", 200_000),
            ASSIGNMENT_HISTORY_VERSIONS=_int("ASSIGNMENT_HISTORY_VERSIONS", 3),
            INSIGHT_SAMPLE_ROWS=_int("INSIGHT_SAMPLE_ROWS", 50_000),
            RUN_STALE_SECONDS=_float("RUN_STALE_SECONDS", 30.0),
            TRAINING_SCHEDULE=env("TRAINING_SCHEDULE"),
            TRANSACTION_WINDOW_DAYS=_int("TRANSACTION_WINDOW_DAYS", 90),
            RFM_AS_OF=env("RFM_AS_OF"),
            SECRET_KEY=env("SECRET_KEY"),
            SESSION_COOKIE_SECURE=_bool("SESSION_COOKIE_SECURE", False),
            PREDICT_AUTH_REQUIRED=_bool("PREDICT_AUTH_REQUIRED", True),
            CORS_ORIGINS=tuple(o.strip() for o in (env("CORS_ORIGINS", "") or "").split(",") if o.strip()),
            LOGIN_MAX_FAILURES=_int("LOGIN_MAX_FAILURES", 5),
            LOGIN_LOCK_MINUTES=_int("LOGIN_LOCK_MINUTES", 15),
            RATE_LIMIT_LOGIN=env("RATE_LIMIT_LOGIN", "10 per minute"),
            RATE_LIMIT_WRITES=env("RATE_LIMIT_WRITES", "600 per minute"),
            RATE_LIMIT_LOGIN_ACCOUNT=env("RATE_LIMIT_LOGIN_ACCOUNT", "10 per minute"),
            TRUSTED_PROXIES=_int("TRUSTED_PROXIES", 0),
            API_KEY_CACHE_SECONDS=_float("API_KEY_CACHE_SECONDS", 30.0),
            LOG_FORMAT=(env("LOG_FORMAT", "text") or "text").lower(),
            DRIFT_SCHEDULE=_schedule(env("DRIFT_SCHEDULE", "30 2 * * *")),
            DRIFT_THRESHOLD=_float("DRIFT_THRESHOLD", 0.25),
            DRIFT_RETRAIN=_bool("DRIFT_RETRAIN", False),
            DRIFT_HISTORY_DAYS=_int("DRIFT_HISTORY_DAYS", 400),
            IMPORT_REJECTS_DAYS=_int("IMPORT_REJECTS_DAYS", 30),
            WORKER_METRICS_BIND=env("WORKER_METRICS_BIND"),
            TRAINING_ENGINE=(env("TRAINING_ENGINE", "local") or "local").strip().lower(),
            SPARK_MASTER=env("SPARK_MASTER", "local[2]"),
            SPARK_DRIVER_MEMORY=env("SPARK_DRIVER_MEMORY", "2g"),
            SPARK_EXECUTOR_MEMORY=env("SPARK_EXECUTOR_MEMORY"),
            SPARK_STAGING_DIR=env("SPARK_STAGING_DIR"),
            SPARK_CONF=_pairs("SPARK_CONF"),
        )
        values.update(overrides)
        config = cls(**values)
        config.validate()
        return config

    def validate(self) -> None:
        if not 2 <= self.MIN_CLUSTERS <= self.MAX_CLUSTERS:
            raise ValueError(
                f"need 2 <= MIN_CLUSTERS <= MAX_CLUSTERS, got {self.MIN_CLUSTERS}..{self.MAX_CLUSTERS}"
            )
        if not 0 <= self.TRUSTED_PROXIES <= 5:
            raise ValueError(f"TRUSTED_PROXIES must be between 0 and 5, got {self.TRUSTED_PROXIES}")
        if self.RFM_AS_OF is not None:
            try:
                date.fromisoformat(self.RFM_AS_OF)
            except ValueError:
                raise ValueError(f"RFM_AS_OF must be a date (YYYY-MM-DD), got {self.RFM_AS_OF!r}") from None
        for name in ("TRANSACTION_WINDOW_DAYS", "DRIFT_HISTORY_DAYS", "IMPORT_REJECTS_DAYS"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.TRAINING_ENGINE not in TRAINING_ENGINES:
            raise ValueError(
                f"TRAINING_ENGINE must be one of {', '.join(TRAINING_ENGINES)}, got {self.TRAINING_ENGINE!r}"
            )
        for name in ("SPARK_DRIVER_MEMORY", "SPARK_EXECUTOR_MEMORY"):
            value = getattr(self, name)
            if value is not None and not MEMORY.match(value):
                raise ValueError(f"{name} must be a JVM memory size such as 2g or 512m, got {value!r}")
        if self.ASSIGNMENT_HISTORY_VERSIONS < 2:
            raise ValueError(
                "ASSIGNMENT_HISTORY_VERSIONS must be at least 2 (the active model and its predecessor), "
                f"got {self.ASSIGNMENT_HISTORY_VERSIONS}"
            )
        if self.INSIGHT_SAMPLE_ROWS < 1000:
            raise ValueError(f"INSIGHT_SAMPLE_ROWS must be at least 1000, got {self.INSIGHT_SAMPLE_ROWS}")
        if self.MAX_CLUSTERS > 50:
            raise ValueError("MAX_CLUSTERS must be at most 50")
        if self.LOG_FORMAT not in LOG_FORMATS:
            raise ValueError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, got {self.LOG_FORMAT!r}")
        if not 0 < self.DRIFT_THRESHOLD <= 10:
            raise ValueError(f"DRIFT_THRESHOLD must be above 0 and at most 10, got {self.DRIFT_THRESHOLD}")
        for name in ("DRIFT_SCHEDULE", "TRAINING_SCHEDULE"):
            cron = getattr(self, name)
            if cron:
                from croniter import croniter

                if not croniter.is_valid(cron):
                    raise ValueError(f"{name} must be a cron expression (or off), got {cron!r}")
        if self.WORKER_METRICS_BIND is not None:
            _check_bind("WORKER_METRICS_BIND", self.WORKER_METRICS_BIND)

    def as_flask_config(self) -> dict:
        values = asdict(self)
        values.update(values.pop("extra"))
        return values


LOG_FORMATS = ("text", "json")


def _schedule(raw: str | None) -> str | None:
    return None if raw is None or raw.strip().lower() == "off" else raw.strip()


def _check_bind(name: str, bind: str) -> None:
    host, _, port = bind.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{name} must be host:port, e.g. 0.0.0.0:9200, got {bind!r}")


def gunicorn_settings() -> dict:
    """Settings gunicorn.conf.py needs before any app exists."""
    metrics_bind = env("METRICS_BIND")
    if metrics_bind is not None:
        _check_bind("METRICS_BIND", metrics_bind)
    return {
        # host:port where gunicorn's master serves every web worker's /metrics (off when unset)
        "metrics_bind": metrics_bind,
        # the workers' metric files; emptied when gunicorn starts (a temporary folder when unset)
        "metrics_dir": env("PROMETHEUS_MULTIPROC_DIR"),
        "bind": env("GUNICORN_BIND", "0.0.0.0:5000"),
        "workers": _int("WEB_CONCURRENCY", 2),
        "threads": _int("GUNICORN_THREADS", 4),
        "timeout": _int("GUNICORN_TIMEOUT", 60),
        "log_level": (env("LOG_LEVEL", "INFO") or "INFO").lower(),
        "log_format": (env("LOG_FORMAT", "text") or "text").lower(),
    }
