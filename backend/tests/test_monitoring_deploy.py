"""The monitoring deployment files: Prometheus config and alert rules (promtool), the Grafana
dashboard (a JSON schema of the parts Grafana needs, and every query names a metric the
service really exports), the compose profile and the Kubernetes wiring; /metrics never public."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema_rs
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "deploy" / "monitoring"
PROMETHEUS = MONITORING / "prometheus"
DASHBOARD = MONITORING / "grafana" / "dashboards" / "customer-segmentation.json"
METRIC = re.compile(r"\bsegmentation_[a-z_]+\b")
# PromQL words that look like our prefix but are label names
LABELS = {"segmentation"}


def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("promtool is missing: apt-get install prometheus (.ci/run installs it)")
        pytest.skip("promtool is not installed (apt-get install prometheus)")
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["check", "config", "prometheus.yml"],
        ["check", "rules", "alerts.yml"],
        ["test", "rules", "alerts.test.yml"],
    ],
    ids=["config", "rules", "rule-unit-tests"],
)
def test_promtool_accepts_config_and_rules(args):
    result = subprocess.run([promtool(), *args], cwd=PROMETHEUS, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def exported(trained_template, pg_admin_url, tmp_path_factory) -> set[str]:
    """Every sample name the web workers and the queue worker export, read from a real app
    after a drift check (the database gauges exist once there is data)."""
    import uuid

    from conftest import _create_db, _drop_db, close, make_app
    from prometheus_client import REGISTRY

    from segmentation.monitoring import metrics
    from segmentation.monitoring.exporter import DatabaseCollector

    name = f"t_{uuid.uuid4().hex[:12]}"
    url = _create_db(pg_admin_url, name, template=trained_template[0])
    tmp = tmp_path_factory.mktemp("exported")
    shutil.copytree(trained_template[1], tmp / "models")
    app = make_app(url, tmp)
    try:
        with app.app_context():
            from segmentation.monitoring.drift import run_checks

            run_checks("cli")
        families = list(DatabaseCollector(app).collect())
    finally:
        close(app)
        _drop_db(pg_admin_url, name)
    names = {f.name for f in families}
    kinds = {}
    for family in REGISTRY.collect():
        if family.name.startswith("segmentation_"):
            kinds[family.name] = family.type
    assert {"segmentation_http_requests", "segmentation_training_runs"} <= set(kinds)
    assert metrics.PREFIX == "segmentation_"
    for family, kind in kinds.items():
        suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"]}.get(kind, [""])
        names |= {family + s for s in suffixes}
    return names


def names_in(expr: str) -> set[str]:
    return set(METRIC.findall(expr)) - LABELS


DASHBOARD_SCHEMA = {
    "type": "object",
    "required": ["uid", "title", "schemaVersion", "panels", "templating", "time"],
    "properties": {
        "uid": {"type": "string", "pattern": "^[a-z0-9-]{1,40}$"},
        "title": {"type": "string", "minLength": 1},
        "schemaVersion": {"type": "integer", "minimum": 30},
        "time": {"type": "object", "required": ["from", "to"]},
        "templating": {
            "type": "object",
            "required": ["list"],
            "properties": {
                "list": {
                    "type": "array",
                    "items": {"type": "object", "required": ["name", "type"]},
                }
            },
        },
        "panels": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "type", "title", "gridPos"],
                "properties": {
                    "id": {"type": "integer"},
                    "type": {"enum": ["row", "timeseries", "stat", "gauge", "table", "bargauge"]},
                    "gridPos": {
                        "type": "object",
                        "required": ["h", "w", "x", "y"],
                        "properties": {
                            "w": {"type": "integer", "minimum": 1, "maximum": 24},
                            "x": {"type": "integer", "minimum": 0, "maximum": 23},
                        },
                    },
                    "targets": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["refId", "expr", "datasource"],
                            "properties": {"expr": {"type": "string", "minLength": 1}},
                        },
                    },
                },
                "if": {"properties": {"type": {"not": {"const": "row"}}}},
                "then": {"required": ["targets", "datasource"], "properties": {"targets": {"minItems": 1}}},
            },
        },
    },
}


def test_dashboard_is_a_grafana_dashboard():
    dashboard = json.loads(DASHBOARD.read_text())
    jsonschema_rs.validate(DASHBOARD_SCHEMA, dashboard)
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    for p in dashboard["panels"]:
        assert p["gridPos"]["x"] + p["gridPos"]["w"] <= 24, p["title"]
    variables = {v["name"] for v in dashboard["templating"]["list"]}
    used = set(re.findall(r"\$(\w+)", json.dumps(dashboard["panels"]).replace("${", "$")))
    assert used <= variables, f"undefined variables {used - variables}"


def test_every_dashboard_query_uses_exported_metrics(exported):
    dashboard = json.loads(DASHBOARD.read_text())
    queried = set()
    for p in dashboard["panels"]:
        for target in p.get("targets", []):
            queried |= names_in(target["expr"])
    for variable in dashboard["templating"]["list"]:
        queried |= names_in(variable.get("definition", ""))
    assert queried - exported == set(), f"not exported: {sorted(queried - exported)}"
    # and the dashboard covers every family the issue asks for
    for wanted in (
        "segmentation_http_requests_total",
        "segmentation_http_request_duration_seconds_bucket",
        "segmentation_predictions_total",
        "segmentation_prediction_batch_size_bucket",
        "segmentation_model_version_served",
        "segmentation_model_activated_timestamp_seconds",
        "segmentation_training_runs_total",
        "segmentation_training_duration_seconds_sum",
        "segmentation_queue_jobs",
        "segmentation_import_rows_total",
        "segmentation_rate_limit_refusals_total",
        "segmentation_auth_failures_total",
        "segmentation_drift_psi",
    ):
        assert wanted in queried, wanted


def rules() -> list[dict]:
    return [r for g in yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())["groups"] for r in g["rules"]]


def test_every_alert_uses_exported_metrics_and_has_a_runbook(exported):
    readme = (ROOT / "README.md").read_text()
    for rule in rules():
        missing = names_in(rule["expr"]) - exported
        assert not missing, f"{rule['alert']}: not exported {missing}"
        assert rule["labels"]["severity"] in ("warning", "critical")
        assert f"`{rule['alert']}`" in readme, f"README.md does not say what to do about {rule['alert']}"


def test_prometheus_scrapes_the_compose_metrics_ports():
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    targets = {t for job in config["scrape_configs"] for sc in job["static_configs"] for t in sc["targets"]}
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    api, worker = services["data-segmentation-app"], services["segmentation-worker"]
    assert targets == {"data-segmentation-app:9200", "segmentation-worker:9201"}
    assert api["environment"]["METRICS_BIND"].endswith(":9200") and "9200" in api["expose"]
    assert worker["environment"]["WORKER_METRICS_BIND"].endswith(":9201") and "9201" in worker["expose"]
    assert compose["networks"]["metrics"] == {"internal": True}
    assert "metrics" in services["prometheus"]["networks"] and "metrics" not in services["web"]["networks"]
    mounts = " ".join(services["prometheus"]["volumes"] + services["grafana"]["volumes"])
    assert "./deploy/monitoring/prometheus:/etc/prometheus:ro" in mounts
    assert "./deploy/monitoring/grafana/dashboards:/var/lib/grafana/dashboards:ro" in mounts


def test_kubernetes_scrapes_the_metrics_ports_and_ships_the_same_rules():
    k8s = ROOT / "deploy" / "k8s"
    for manifest, port in (("api-deployment.yaml", 9200), ("worker-deployment.yaml", 9201)):
        pod = yaml.safe_load((k8s / manifest).read_text())["spec"]["template"]
        annotations = pod["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true" and annotations["prometheus.io/port"] == str(
            port
        )
        ports = [p for c in pod["spec"]["containers"] for p in c.get("ports", []) if p["name"] == "metrics"]
        assert [p["containerPort"] for p in ports] == [port]
    service = yaml.safe_load((k8s / "api-service.yaml").read_text())
    assert {p.get("targetPort") for p in service["spec"]["ports"]} <= {"http", 5000}
    alerts = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())
    configmap = yaml.safe_load((k8s / "prometheus-rules.yaml").read_text())
    assert yaml.safe_load(configmap["data"]["segmentation-alerts.yml"]) == alerts
    assert "prometheus-rules.yaml" in yaml.safe_load((k8s / "kustomization.yaml").read_text())["resources"]
    operator = yaml.safe_load((MONITORING / "k8s" / "prometheusrule.yaml").read_text())
    assert operator["kind"] == "PrometheusRule" and operator["spec"]["groups"] == alerts["groups"]
    monitor = yaml.safe_load((MONITORING / "k8s" / "podmonitor.yaml").read_text())
    assert [e["port"] for e in monitor["spec"]["podMetricsEndpoints"]] == ["metrics"]


def test_nginx_never_proxies_metrics():
    conf = (ROOT / "nginx" / "nginx.conf.template").read_text()
    proxied = re.findall(r"location\s+(=?\s*\S+)\s*\{[^}]*proxy_pass", conf)
    # the API, its uploads' own body limit, health and readiness: nothing else reaches gunicorn
    assert sorted(p.replace(" ", "") for p in proxied) == ["/api/", "=/api/v1/imports", "=/health", "=/ready"]
    assert "metrics" not in conf
