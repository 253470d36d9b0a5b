#!/usr/bin/env bash
# Run the whole stack on this machine, in the foreground: gunicorn (API, port API_PORT),
# the queue worker, and nginx (web app + /api proxy, port WEB_PORT) when nginx is
# installed and the web app is built. Ctrl-C (or SIGTERM) stops everything.
#
#   [API_PORT=5000] [WEB_PORT=8080] [VAR_DIR=var] [DATABASE_URL=...] deploy/local/run-stack.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${VENV:-$root/.venv}"
export VAR_DIR="${VAR_DIR:-$root/var}"
API_PORT="${API_PORT:-5000}"
WEB_PORT="${WEB_PORT:-8080}"
WEB_ROOT="${WEB_ROOT:-$root/frontend/dist/frontend/browser}"
# Prometheus metrics on the loopback, on ports of their own (never through nginx):
# gunicorn's master (every web worker) and the queue worker
export METRICS_BIND="${METRICS_BIND:-127.0.0.1:$((API_PORT + 1000))}"
export WORKER_METRICS_BIND="${WORKER_METRICS_BIND:-127.0.0.1:$((API_PORT + 1001))}"
mkdir -p "$VAR_DIR/logs"

cd "$root/backend"
if [[ -z "${DATABASE_URL:-}" ]]; then
  # starts the embedded PostgreSQL (data in $VAR_DIR/pgdata) if it is not running
  DATABASE_URL="$("$venv/bin/flask" --app segmentation database-url | tail -n 1)"
  export DATABASE_URL
fi

pids=()
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

# gunicorn on the loopback only: browsers use nginx (slow clients stop there); the API port
# stays open to this machine's own tools. TRUSTED_PROXIES=1: nginx's X-Forwarded-For names
# the client for rate limits and the audit log.
GUNICORN_BIND="127.0.0.1:$API_PORT" TRUSTED_PROXIES="${TRUSTED_PROXIES:-1}" "$venv/bin/gunicorn" -c gunicorn.conf.py &
pids+=($!)
"$venv/bin/flask" --app segmentation worker &
pids+=($!)

if ! PATH="$PATH:/usr/sbin" command -v nginx >/dev/null; then
  echo "nginx is not installed, so the web app is not served on port $WEB_PORT."
  echo "Install it with: sudo apt-get install -y nginx   (the API is on http://localhost:$API_PORT)"
elif [[ ! -f "$WEB_ROOT/index.html" ]]; then
  echo "The web app is not built ($WEB_ROOT/index.html missing): run 'make build-web'."
else
  chmod -R a+rX "$WEB_ROOT"  # nginx workers run as 'nobody' when started as root
  API_UPSTREAM="127.0.0.1:$API_PORT" LISTEN_PORT="$WEB_PORT" WEB_ROOT="$WEB_ROOT" \
    "$root/nginx/run-local.sh" "$VAR_DIR/nginx-$WEB_PORT" &
  pids+=($!)
  echo "Web app: http://localhost:$WEB_PORT   API: http://localhost:$API_PORT/api/v1/docs"
  echo "Metrics: http://$METRICS_BIND/metrics (web), http://$WORKER_METRICS_BIND/metrics (worker)"
fi

if [[ -f "$VAR_DIR/initial-admin-password" ]]; then
  # the path only: secrets never go to stdout, where process logs end up
  echo "First admin: user 'admin', password in $VAR_DIR/initial-admin-password (readable by you only)"
fi

# stop everything as soon as one of them exits
wait -n
