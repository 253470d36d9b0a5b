#!/usr/bin/env bash
# Render the config into PREFIX_DIR and run nginx in the foreground (Ctrl-C stops it).
#
# Usage: [API_UPSTREAM=127.0.0.1:5000] [LISTEN_PORT=8080] [WEB_ROOT=...] nginx/run-local.sh PREFIX_DIR
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ $# -ne 1 ]]; then
  echo "usage: $0 PREFIX_DIR" >&2
  exit 2
fi

nginx_bin="$(PATH="$PATH:/usr/sbin:/usr/local/sbin" command -v nginx || true)"
if [[ -z "$nginx_bin" ]]; then
  echo "nginx is not installed. Install it with: sudo apt-get install -y nginx"
  exit 127
fi

"$here/render.sh" "$1"
prefix="$(cd "$1" && pwd)"
"$nginx_bin" -t -q -p "$prefix" -c conf/nginx.conf -e logs/error.log
exec "$nginx_bin" -p "$prefix" -c conf/nginx.conf -e logs/error.log
