"""gunicorn settings (WEB_CONCURRENCY workers on port 5000).

The master only imports Flask; each worker builds its own app after the fork, loads the
model in its own process and limits native thread pools to one thread, so no OpenMP or
BLAS state is ever forked.

Metrics (METRICS_BIND set): prometheus_client's multiprocess mode. The folder of the
workers' metric files is emptied here, in the master, before any worker starts (and before
prometheus_client is imported anywhere); the master serves the sum on METRICS_BIND, a port
nginx never proxies; a worker that exits is marked dead so its live gauges disappear.
"""

import os
import shutil
import tempfile

from segmentation.core.config import gunicorn_settings

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

_settings = gunicorn_settings()
_metrics_bind = _settings["metrics_bind"]
_metrics_dir = None
_metrics_tmp = False
if _metrics_bind:
    _metrics_dir = _settings["metrics_dir"]
    if _metrics_dir:
        os.makedirs(_metrics_dir, exist_ok=True)
        for _name in os.listdir(_metrics_dir):  # values of a previous run: never summed in
            if _name.endswith(".db"):
                os.remove(os.path.join(_metrics_dir, _name))
    else:
        _metrics_dir, _metrics_tmp = tempfile.mkdtemp(prefix="segmentation-metrics-"), True
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir
bind = _settings["bind"]
workers = _settings["workers"]
threads = _settings["threads"]
worker_class = "gthread"
timeout = _settings["timeout"]
graceful_timeout = 30
# nginx is the only client (compose: the internal api network; Kubernetes: the pod's own
# nginx, gunicorn on 127.0.0.1) and absorbs slow clients. What one connection can hold
# here is bounded anyway: small request lines and headers, few header fields, and an idle
# keep-alive connection is dropped after 2 s (nginx reconnects at no cost).
keepalive = 2
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
loglevel = _settings["log_level"]
errorlog = "-"
if _settings["log_format"] == "json":
    # gunicorn's own lines (booting, worker exits) as JSON objects too: one format per stream;
    # the root logger gets no handler here (the app adds its own, so nothing is printed twice)
    _json = {"level": loglevel.upper(), "handlers": ["json"], "propagate": False}
    logconfig_dict = {
        "root": {"level": loglevel.upper(), "handlers": []},
        "loggers": {"gunicorn.error": _json, "gunicorn.access": _json},
        "handlers": {
            "json": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}
        },
        "formatters": {"json": {"()": "segmentation.core.logs.JsonFormatter"}},
    }
accesslog = None  # the app logs one line per request, with its request id
# each worker's heartbeat file, touched on every turn of its loop: in memory where the system
# has /dev/shm (gunicorn's advice for containers; in Kubernetes TMPDIR is a disk volume)
worker_tmp_dir = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
preload_app = False
wsgi_app = "wsgi:app"


def post_worker_init(worker):
    from segmentation.web.accepting import spread_connections
    from segmentation.web.sending import send_once

    spread_connections(worker)
    send_once()


def when_ready(server):
    if _metrics_bind:
        from segmentation.monitoring.exporter import serve_web

        serve_web(_metrics_bind)
        server.log.info("metrics of every worker on http://%s/metrics", _metrics_bind)


def child_exit(server, worker):
    if _metrics_dir:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _metrics_tmp:
        shutil.rmtree(_metrics_dir, ignore_errors=True)
