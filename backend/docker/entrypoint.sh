#!/bin/sh
# Entrypoint of hs-bank-customer-data-segmentation (one image, API and worker).
#
#   entrypoint.sh [web]        wait for PostgreSQL, migrate, register the bootstrap model if
#                              no model is active, then exec gunicorn (port 5000)
#   entrypoint.sh worker       wait for PostgreSQL and the migrated schema, exec the worker
#   entrypoint.sh migrate      wait for PostgreSQL, migrate, register the bootstrap model, exit
#                              (the Kubernetes migration Job)
#   entrypoint.sh CMD [ARG..]  anything else runs as given (e.g. flask --app segmentation ...)
#
# Database: DATABASE_URL or DATABASE_URL_FILE; else built from DB_HOST, DB_PORT, DB_USER,
# DB_NAME and DB_PASSWORD_FILE (or DB_PASSWORD).
# Paths (image defaults; override them to run this script on a host):
#   APP_DIR          backend folder: segmentation/, migrations/, gunicorn.conf.py  [/app]
#   BOOTSTRAP_MODEL  model file built with the image [/opt/bootstrap/kmeans_model.joblib]
#   MODEL_DIR        where model versions are stored (read by the app)
# Other: DB_WAIT_TIMEOUT [60], SCHEMA_WAIT_TIMEOUT [300], RUN_MIGRATIONS [true]
# (set it to false when a migration Job or init container migrates instead).
set -eu

here="$(cd "$(dirname "$0")" && pwd)"
APP_DIR="${APP_DIR:-/app}"
BOOTSTRAP_MODEL="${BOOTSTRAP_MODEL:-/opt/bootstrap/kmeans_model.joblib}"
RUN_MIGRATIONS="${RUN_MIGRATIONS:-true}"

log() {
  printf '%s entrypoint: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2
}

dbtool() {
  python "$here/dbtool.py" "$@"
}

resolve_database_url() {
  if [ -n "${DATABASE_URL:-}" ] || [ -n "${DATABASE_URL_FILE:-}" ]; then
    return 0
  fi
  if [ -z "${DB_HOST:-}" ]; then
    log "no database configured: set DATABASE_URL, DATABASE_URL_FILE, or DB_HOST with DB_USER, DB_NAME and DB_PASSWORD_FILE"
    exit 64
  fi
  DATABASE_URL="$(dbtool url)"
  export DATABASE_URL
}

# Migrate and register the bootstrap model. Runs under dbtool's advisory lock, so API
# replicas starting together migrate one at a time and register the model only once.
migrate_now() {
  log "applying migrations"
  flask --app segmentation db upgrade
  if [ -f "$BOOTSTRAP_MODEL" ]; then
    flask --app segmentation register-model "$BOOTSTRAP_MODEL" --if-none-active
  else
    log "no bootstrap model at $BOOTSTRAP_MODEL: /ready answers 503 until a model is trained"
  fi
}

cd "$APP_DIR"
command="${1:-web}"

case "$command" in
  web)
    resolve_database_url
    dbtool wait
    case "$RUN_MIGRATIONS" in
      true | 1 | yes) dbtool locked "$here/entrypoint.sh" migrate-now ;;
      *) log "RUN_MIGRATIONS=$RUN_MIGRATIONS: not migrating" ;;
    esac
    log "starting gunicorn on ${GUNICORN_BIND:-0.0.0.0:5000}"
    exec gunicorn -c gunicorn.conf.py
    ;;
  worker)
    resolve_database_url
    dbtool wait
    dbtool wait-schema "$APP_DIR/migrations"
    log "starting the job worker"
    exec flask --app segmentation worker
    ;;
  migrate)
    resolve_database_url
    dbtool wait
    exec python "$here/dbtool.py" locked "$here/entrypoint.sh" migrate-now
    ;;
  migrate-now)
    # internal: what "migrate" and "web" run while holding the lock
    migrate_now
    ;;
  *)
    if [ -n "${DB_HOST:-}" ]; then resolve_database_url; fi
    exec "$@"
    ;;
esac
