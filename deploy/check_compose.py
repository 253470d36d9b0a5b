"""Rules docker-compose.yml must keep (run by deploy/check.sh on `docker-compose config`).

    python check_compose.py RESOLVED_COMPOSE_YML SCALE_OVERRIDE_YML ENV_EXAMPLE

Compose itself checks the syntax; this checks the deployment habits of the style guide:
pinned images, healthchecks with service_healthy ordering, only the web front publishes a
port, secrets from files, named volumes, the API's container name, only nginx on gunicorn's
networks (api-proxy holds the alias customer-segmentation-app; Prometheus, in the optional
`monitoring` profile, shares only the internal `metrics` network to scrape the metrics ports),
and that .env.example documents every ${VARIABLE} the file uses.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

API = "data-segmentation-app"
PROXY = "api-proxy"
NGINX_SERVICES = {"web", PROXY}
IMAGE = "hs-bank-customer-data-segmentation:latest"
WEB_IMAGE = "hs-bank-customer-data-segmentation-web:latest"
# the optional `monitoring` profile: its services, their pinned images and what they depend on
MONITORING = {
    "prometheus": (r"prom/prometheus:v\d+\.\d+\.\d+", API),
    "grafana": (r"grafana/grafana:\d+\.\d+\.\d+", "prometheus"),
}


def _networks(service: dict) -> list[str]:
    nets = service.get("networks") or {}
    return list(nets) if isinstance(nets, (dict, list)) else []


def _aliases(service: dict) -> list[str]:
    nets = service.get("networks") or {}
    if not isinstance(nets, dict):
        return []
    return [a for net in nets.values() for a in ((net or {}).get("aliases") or [])]


def check(compose: dict, scale: dict, raw_compose: str, env_example: str) -> list[str]:
    errors: list[str] = []
    services = compose["services"]

    def expect(ok: bool, message: str) -> None:
        if not ok:
            errors.append(message)

    expect(set(services) - set(MONITORING) == {"postgres", API, "segmentation-worker", "web", PROXY},
           f"unexpected services: {sorted(services)}")
    for name, (image, needs) in MONITORING.items():
        service = services.get(name)
        expect(service is not None, f"the monitoring profile needs the service {name}")
        if service is None:
            continue
        expect(service.get("profiles") == ["monitoring"], f"{name} runs only with --profile monitoring")
        expect(re.fullmatch(image, service.get("image", "")) is not None, f"{name} image not pinned: {service.get('image')}")
        expect(service.get("depends_on", {}).get(needs, {}).get("condition") == "service_healthy",
               f"{name} must wait for a healthy {needs}")
        expect("healthcheck" in service, f"{name} needs a healthcheck")
    expect((compose.get("networks", {}).get("metrics") or {}).get("internal") is True,
           "the metrics network must be internal")
    expect(re.search(r"^version:", raw_compose, flags=re.M) is None, "compose spec files have no `version:` key")

    pg = services["postgres"]
    expect(re.fullmatch(r"postgres:\d+\.\d+-\w+", pg["image"]) is not None, f"postgres image not pinned: {pg['image']}")
    expect("pg_isready" in " ".join(pg["healthcheck"]["test"]), "postgres healthcheck must use pg_isready")
    expect("POSTGRES_PASSWORD_FILE" in pg["environment"] and "POSTGRES_PASSWORD" not in pg["environment"],
           "postgres password must come from a secret file")

    api = services[API]
    expect(api.get("image") == IMAGE, f"{API} image must be {IMAGE}")
    expect(api.get("container_name") == API, f"{API} needs container_name: {API}")
    expect("5000" in [str(p) for p in api.get("expose", [])], f"{API} must expose 5000 inside the network")
    # nothing but nginx reaches gunicorn: the API's networks are internal, and only the
    # database's clients and the nginx services (web, api-proxy) share them
    networks = compose.get("networks", {})
    for net in _networks(api):
        expect((networks.get(net) or {}).get("internal") is True, f"{API}'s network {net} must be internal")
        for name, service in services.items():
            if name != API and net in _networks(service):
                allowed = {
                    "database": {"postgres", "segmentation-worker"},
                    # the scraper only: metrics ports of the API (9200) and the worker (9201)
                    "metrics": {"segmentation-worker", "prometheus"},
                }.get(net, NGINX_SERVICES)
                expect(name in allowed, f"{name} shares {API}'s network {net}: only nginx may reach gunicorn")
    expect(not _aliases(api), f"{API} must have no alias: callers go through {PROXY}")
    expect("customer-segmentation-app" in _aliases(services[PROXY]),
           f"{PROXY} needs the network alias customer-segmentation-app")
    expect(services[PROXY].get("image") == WEB_IMAGE, f"{PROXY} runs the web image's nginx")
    expect(str(services[PROXY]["environment"].get("LISTEN_PORT")) == "5000", f"{PROXY} listens on 5000")
    expect(str(api["environment"].get("TRUSTED_PROXIES")) == "1", f"{API} trusts exactly one proxy (nginx)")
    expect("/ready" in " ".join(api["healthcheck"]["test"]), f"{API} healthcheck must use /ready")
    expect(api["environment"].get("SECRET_KEY_FILE", "").startswith("/run/secrets/"),
           f"{API} needs SECRET_KEY_FILE from a secret (one session key for every replica)")

    worker = services["segmentation-worker"]
    expect(worker.get("image") == IMAGE, "the worker must run the API's image")
    expect(worker.get("command") == ["worker"], "the worker runs the `worker` command")
    expect(worker["depends_on"].get(API, {}).get("condition") == "service_healthy",
           "the worker must wait for the API to be healthy (migrations applied)")

    expect(api["environment"].get("METRICS_BIND") == "0.0.0.0:9200" and "9200" in [str(p) for p in api["expose"]],
           f"{API} serves metrics on 9200 (METRICS_BIND), exposed on the metrics network")
    expect(worker["environment"].get("WORKER_METRICS_BIND") == "0.0.0.0:9201"
           and "9201" in [str(p) for p in worker.get("expose", [])],
           "the worker serves metrics on 9201 (WORKER_METRICS_BIND)")
    for name, service in services.items():
        if name in MONITORING:
            continue
        if name != "postgres":
            expect(service["depends_on"].get("postgres" if name not in NGINX_SERVICES else API, {}).get("condition")
                   == "service_healthy", f"{name} must depend on a healthy service")
        if name != "web":
            expect(not service.get("ports"), f"{name} publishes a port; only web may")
    for port in (services.get("grafana") or {}).get("ports") or []:
        host_ip = port.get("host_ip") if isinstance(port, dict) else str(port).split(":")[0]
        expect(host_ip == "127.0.0.1", "grafana publishes its port on 127.0.0.1 only")
        env = service.get("environment") or {}
        for key, value in env.items():
            expect(not (re.search(r"PASSWORD|SECRET|TOKEN", key) and not key.endswith("_FILE") and value),
                   f"{name}: {key} holds a secret in the environment; use a *_FILE")
    web_ports = services["web"].get("ports") or []
    expect(any(str(p.get("target") if isinstance(p, dict) else p).endswith("8080") for p in web_ports),
           "web must publish its port 8080")

    for service in (API, "segmentation-worker"):
        mounts = [v["source"] if isinstance(v, dict) else v.split(":")[0] for v in services[service]["volumes"]]
        expect("models" in mounts, f"{service} must mount the named volume `models`")
        # the API writes uploaded files there and the worker imports them
        expect("imports" in mounts, f"{service} must mount the named volume `imports`")
    expect(set(compose.get("volumes", {})) >= {"pgdata", "models", "imports"}, "named volumes pgdata, models, imports")
    for name, secret in compose.get("secrets", {}).items():
        expect("file" in secret, f"secret {name} must come from a file")

    used = set(re.findall(r"\$\{([A-Z0-9_]+)", raw_compose))
    documented = set(re.findall(r"^([A-Z0-9_]+)=", env_example, flags=re.M))
    expect(not used - documented, f".env.example does not document {sorted(used - documented)}")

    expect(set(scale.get("services", {})) <= set(services), "compose.scale.yml names unknown services")
    expect(scale["services"][API].get("container_name", "kept") is None,
           "compose.scale.yml must reset the API's container_name")
    return errors


def _loader():
    # compose.scale.yml uses Compose's `!reset` tag, which plain YAML does not know
    loader = yaml.SafeLoader
    loader.add_constructor("!reset", lambda _loader, _node: None)
    return loader


def main(resolved: str, scale: str, env_example: str) -> int:
    root = Path(__file__).resolve().parent.parent
    compose = yaml.safe_load(Path(resolved).read_text())
    scale_doc = yaml.load(Path(scale).read_text(), Loader=_loader())  # noqa: S506 (SafeLoader)
    errors = check(compose, scale_doc, (root / "docker-compose.yml").read_text(), Path(env_example).read_text())
    for error in errors:
        print(f"compose rule broken: {error}")
    if not errors:
        print("compose rules: ok (pinned images, healthchecks, one published port, secrets as files, volumes, alias)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
