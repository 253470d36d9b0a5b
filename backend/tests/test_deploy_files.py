"""Static checks of the deployment files that the suite can make without a Docker engine
(deploy/check.sh adds hadolint, compose config, k8s schemas and the entrypoints)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("dockerfile", ["backend/Dockerfile", "frontend/Dockerfile"])
def test_images_run_as_a_non_root_user(dockerfile):
    text = (ROOT / dockerfile).read_text()
    final_stage = re.split(r"^FROM ", text, flags=re.M)[-1]
    users = re.findall(r"^USER\s+(\S+)", final_stage, flags=re.M)
    assert users, f"{dockerfile}: the final stage sets no USER"
    assert users[-1].split(":")[0] not in ("root", "0")


@pytest.mark.parametrize("dockerfile", ["backend/Dockerfile", "frontend/Dockerfile"])
def test_base_images_are_pinned_and_no_secrets_are_baked_in(dockerfile):
    text = (ROOT / dockerfile).read_text()
    images = dict(re.findall(r"^ARG\s+(\w+_IMAGE)=(\S+)", text, flags=re.M))
    for line in re.findall(r"^FROM\s+(\S+)", text, flags=re.M):
        image = images.get(line.strip("${}"), line)
        assert re.search(r":\d+(\.\d+)+", image), (
            f"{dockerfile}: base image {image} is not pinned to a version"
        )
    assert not re.search(r"(?i)^(ENV|ARG)\s+\S*(PASSWORD|SECRET|TOKEN)\S*\s*=", text, flags=re.M)


def test_compose_takes_secrets_from_files_and_publishes_only_the_web_port():
    text = (ROOT / "docker-compose.yml").read_text()
    assert "POSTGRES_PASSWORD_FILE" in text and "POSTGRES_PASSWORD:" not in text
    import yaml

    services = yaml.safe_load(text)["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    # by default only web; Grafana only with --profile monitoring, and on the loopback
    assert published == {"web", "grafana"} and services["grafana"]["profiles"] == ["monitoring"]
    assert all(str(p).startswith("127.0.0.1:") for p in services["grafana"]["ports"])


def test_the_backend_image_builds_with_the_spark_engine_on_request():
    """``--build-arg WITH_SPARK=true``: the ``spark`` extra of pyproject.toml (read from it, so
    the two cannot drift) in the venv, and Java 17 in the runtime stage; off by default."""
    text = (ROOT / "backend/Dockerfile").read_text()
    build, runtime = re.split(r"^FROM ", text, flags=re.M)[1:]
    for stage in (build, runtime):
        assert re.search(r"^ARG WITH_SPARK=false$", stage, flags=re.M)
    assert "['optional-dependencies']['spark']" in build and '"$WITH_SPARK" = true' in build
    java = re.search(r'if \[ "\$WITH_SPARK" = true \]; then(.*?)fi', runtime, flags=re.S)
    assert java and "openjdk-17-jre-headless" in java.group(1)
    # Java is installed before the image drops to its non-root user
    assert runtime.index("openjdk-17") < runtime.index("USER 10001")


def test_the_local_stack_and_the_make_targets_share_one_var_folder(monkeypatch):
    """`make run` migrates and bootstraps through the app's default VAR_DIR, then starts
    deploy/local/run-stack.sh, whose default is the repository's var/ (the README's): one
    folder, so one embedded database. They once differed (backend/var after config.py
    moved into core/), and the stack came up on an empty second database."""
    from segmentation.core.config import Config

    monkeypatch.delenv("VAR_DIR", raising=False)
    monkeypatch.delenv("MODEL_DIR", raising=False)
    config = Config.from_env()
    assert Path(config.VAR_DIR) == ROOT / "var"
    assert Path(config.MODEL_DIR) == ROOT / "var" / "models"
    assert 'VAR_DIR="${VAR_DIR:-$root/var}"' in (ROOT / "deploy/local/run-stack.sh").read_text()
    assert (ROOT / "Makefile").is_file()
