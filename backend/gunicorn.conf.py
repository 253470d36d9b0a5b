"""gunicorn settings (WEB_CONCURRENCY workers on port 5000).

The master only imports Flask; each worker builds its own app after the fork, loads the
model in its own process and limits native thread pools to one thread, so no OpenMP or
BLAS state is ever forked.
"""

import os

from segmentation.core.config import gunicorn_settings

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

_settings = gunicorn_settings()
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
accesslog = None  # the app logs one line per request, with its request id
preload_app = False
wsgi_app = "wsgi:app"
