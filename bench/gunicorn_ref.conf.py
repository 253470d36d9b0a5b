"""gunicorn settings for the reference apps: exactly the service's own settings
(backend/gunicorn.conf.py: workers, threads, gthread, timeouts, native threads = 1),
only the WSGI app differs (BENCH_APP, e.g. "refapps:ceiling()")."""

import os
import runpy
from pathlib import Path

_service = runpy.run_path(str(Path(__file__).resolve().parents[1] / "backend" / "gunicorn.conf.py"))
for _name in (
    "bind",
    "workers",
    "threads",
    "worker_class",
    "timeout",
    "graceful_timeout",
    "keepalive",
    "loglevel",
    "errorlog",
    "accesslog",
    "worker_tmp_dir",
    "preload_app",
    "post_worker_init",
):
    globals()[_name] = _service[_name]
wsgi_app = os.environ["BENCH_APP"]
