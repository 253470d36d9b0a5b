#!/usr/bin/env bash
# Benchmarks (not tests): serving, batches, training, hot reload, memory, each next to its
# baseline in the same run. Writes bench/results/latest.{md,json}. ~10 minutes on 2 cores.
# `bench/run.sh --only serving`: phase A alone (serving, batches, reload, memory), ~3 minutes.
# Needs .venv (make install). Installs wrk (apt) and py-spy (pip, into .venv) if missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
venv="$root/.venv/bin"

[[ -x "$venv/flask" ]] || { echo "no $venv: run make install first" >&2; exit 1; }
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || { echo "nginx is needed: apt-get install -y nginx" >&2; exit 1; }
if ! command -v wrk >/dev/null; then
  sudo_cmd=""; [[ $(id -u) -eq 0 ]] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq wrk >/dev/null
fi
[[ -x "$venv/py-spy" ]] || "$venv/pip" install --quiet py-spy

# A throwaway embedded PostgreSQL; the socket lives in this short path.
var="$(mktemp -d /tmp/segbench.XXXX)"
cleanup() {
  (cd "$root/backend" && env -u DATABASE_URL VAR_DIR="$var" "$venv/flask" --app segmentation embedded-db stop >/dev/null) || true
  if [[ -n "${BENCH_KEEP:-}" ]]; then echo "kept $var"; else rm -rf "$var"; fi
}
trap cleanup EXIT

cd "$root/backend"
url="$(env -u DATABASE_URL VAR_DIR="$var" "$venv/flask" --app segmentation database-url | tail -n 1)"
PATH="$PATH:/usr/sbin" "$venv/python" "$here/suite.py" "$var" "$url" "$@"
