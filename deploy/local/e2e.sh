#!/usr/bin/env bash
# Browser journeys against the real stack: a throwaway embedded PostgreSQL with demo
# data and a model, gunicorn, the worker and nginx serving the built app; then Playwright
# drives Debian's Chromium through nginx. Everything is stopped and removed afterwards.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${VENV:-$root/.venv}"
export PATH="$PATH:/usr/sbin"
for tool in nginx /usr/bin/chromium; do
  command -v "$tool" >/dev/null || {
    echo "e2e needs nginx and chromium: sudo apt-get install -y nginx chromium"; exit 1; }
done

tmp="$(mktemp -d /tmp/seg-e2e.XXXXXX)"  # short path: the database socket lives here
export VAR_DIR="$tmp" API_PORT="${E2E_API_PORT:-5081}" WEB_PORT="${E2E_WEB_PORT:-8081}"
unset DATABASE_URL
flask() { (cd "$root/backend" && "$venv/bin/flask" --app segmentation "$@"); }

stack=""
cleanup() {
  [[ -n "$stack" ]] && kill "$stack" 2>/dev/null && wait "$stack" 2>/dev/null || true
  flask embedded-db stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

flask db upgrade >/dev/null
flask seed-demo --customers "${E2E_CUSTOMERS:-4000}" --seed 11 | tail -n 1
flask train | tail -n 1
export E2E_USER="${E2E_USER:-e2e-admin}" E2E_PASSWORD="${E2E_PASSWORD:-e2e-admin-password-123}"
flask create-user "$E2E_USER" --role admin --password "$E2E_PASSWORD"
# signing out ends every session of that user (session epoch), so the sign-out journey uses
# an account of its own and the shared session of the other journeys lives on
export E2E_SIGNOUT_USER="${E2E_SIGNOUT_USER:-e2e-signout}"
flask create-user "$E2E_SIGNOUT_USER" --role admin --password "$E2E_PASSWORD"
# the worker's drift check every 10 s, so the Monitoring journey sees the scheduled job's history
export DRIFT_SCHEDULE="${DRIFT_SCHEDULE:-* * * * * */10}"
"$root/deploy/local/run-stack.sh" > "$tmp/stack.log" 2>&1 &
stack=$!

for _ in $(seq 120); do
  curl -fsS "http://127.0.0.1:$WEB_PORT/ready" >/dev/null 2>&1 && break
  kill -0 "$stack" 2>/dev/null || { cat "$tmp/stack.log"; exit 1; }
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$WEB_PORT/ready" >/dev/null || { tail -50 "$tmp/stack.log"; exit 1; }

cd "$root/frontend"
E2E_BASE_URL="http://127.0.0.1:$WEB_PORT" npx playwright test "$@" || { tail -50 "$tmp/stack.log"; exit 1; }
