#!/usr/bin/env bash
# Render nginx.conf.template into PREFIX_DIR/conf/nginx.conf and create logs/ and temp/.
#
# Usage: nginx/render.sh PREFIX_DIR
# Environment (defaults in brackets):
#   API_UPSTREAM  host:port of gunicorn            [127.0.0.1:5000]
#   LISTEN_PORT   port nginx listens on            [8080]
#   WEB_ROOT      the built app's browser folder   [<repo>/frontend/dist/frontend/browser]
# NGINX_PREFIX is set to the absolute PREFIX_DIR. Only these four ${VARS} are replaced, so
# nginx's own variables ($uri, $host, ...) survive.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ $# -ne 1 ]]; then
  echo "usage: $0 PREFIX_DIR" >&2
  exit 2
fi

mkdir -p "$1"
NGINX_PREFIX="$(cd "$1" && pwd)"
API_UPSTREAM="${API_UPSTREAM:-127.0.0.1:5000}"
LISTEN_PORT="${LISTEN_PORT:-8080}"
WEB_ROOT="${WEB_ROOT:-$here/../frontend/dist/frontend/browser}"
if [[ -d "$WEB_ROOT" ]]; then
  WEB_ROOT="$(cd "$WEB_ROOT" && pwd)"
fi

if [[ ! "$LISTEN_PORT" =~ ^[0-9]+$ ]]; then
  echo "LISTEN_PORT must be a port number, got '$LISTEN_PORT'" >&2
  exit 2
fi
if [[ ! "$API_UPSTREAM" =~ ^[A-Za-z0-9._-]+:[0-9]+$|^unix:/ ]]; then
  echo "API_UPSTREAM must be host:port (or unix:/path), got '$API_UPSTREAM'" >&2
  exit 2
fi
if [[ ! -f "$WEB_ROOT/index.html" ]]; then
  echo "warning: $WEB_ROOT/index.html not found; build the app first (cd frontend && npm run build)" >&2
fi

config="$(<"$here/nginx.conf.template")"
config="${config//'${API_UPSTREAM}'/"$API_UPSTREAM"}"
config="${config//'${LISTEN_PORT}'/"$LISTEN_PORT"}"
config="${config//'${WEB_ROOT}'/"$WEB_ROOT"}"
config="${config//'${NGINX_PREFIX}'/"$NGINX_PREFIX"}"

mkdir -p "$NGINX_PREFIX/conf" "$NGINX_PREFIX/logs" "$NGINX_PREFIX/temp"
printf '%s\n' "$config" >"$NGINX_PREFIX/conf/nginx.conf"
echo "rendered $NGINX_PREFIX/conf/nginx.conf (listen $LISTEN_PORT, api $API_UPSTREAM, root $WEB_ROOT)"
