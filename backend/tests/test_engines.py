"""Training engines without Spark running: the settings, the engine choice, what the spark
engine refuses before it starts anything, and the static checks of its deployment files.
(tests/test_spark.py trains on Spark for real.)"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from test_ml_trainer import SPECS, options

from segmentation.core.config import Config
from segmentation.data.demo import generate
from segmentation.ml.kinds import FeatureData
from segmentation.ml.trainer import fit
from segmentation.training import engines

ROOT = Path(__file__).resolve().parents[2]
SPARK_APP = ROOT / "deploy" / "k8s" / "spark" / "training-sparkapplication.yaml"


def test_spark_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("TRAINING_ENGINE", "Spark")
    monkeypatch.setenv("SPARK_MASTER", "spark://spark-master:7077")
    monkeypatch.setenv("SPARK_DRIVER_MEMORY", "6g")
    monkeypatch.setenv("SPARK_CONF", "spark.executor.instances=4; spark.kubernetes.namespace=segments")
    config = Config.from_env()
    assert config.TRAINING_ENGINE == "spark"
    assert config.SPARK_MASTER == "spark://spark-master:7077"
    assert config.SPARK_DRIVER_MEMORY == "6g" and config.SPARK_EXECUTOR_MEMORY is None
    assert config.SPARK_CONF == (
        ("spark.executor.instances", "4"),
        ("spark.kubernetes.namespace", "segments"),
    )
    assert Config.from_env(TRAINING_ENGINE="local").TRAINING_ENGINE == "local"


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("TRAINING_ENGINE", "dask", "TRAINING_ENGINE must be one of local, spark, got 'dask'"),
        ("SPARK_DRIVER_MEMORY", "lots", "SPARK_DRIVER_MEMORY must be a JVM memory size such as 2g"),
        ("SPARK_EXECUTOR_MEMORY", "2 GB", "SPARK_EXECUTOR_MEMORY must be a JVM memory size such as 2g"),
        ("SPARK_CONF", "spark.ui.enabled", "SPARK_CONF takes key=value pairs separated by ';'"),
    ],
)
def test_bad_engine_settings_are_refused_at_start(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        Config.from_env()


def test_the_local_engine_is_the_trainer():
    data = FeatureData.numeric(generate(2000, seed=3).spending, SPECS)
    config = Config(TRAINING_ENGINE="local").as_flask_config()
    stages = []
    model = engines.fit(data, options(k=5), lambda s, f: stages.append(s), config)
    reference = fit(data, options(k=5))
    assert np.array_equal(model.labels, reference.labels)
    assert np.array_equal(model.clustering.num_centers, reference.clustering.num_centers)
    assert stages[0] == "selecting k" and stages[-1] == "scoring"


def test_the_spark_application_manifest_runs_the_submit_script_with_the_services_settings():
    app = yaml.safe_load(SPARK_APP.read_text())
    assert app["apiVersion"] == "sparkoperator.k8s.io/v1beta2" and app["kind"] == "SparkApplication"
    spec = app["spec"]
    assert spec["type"] == "Python" and spec["mode"] == "cluster"
    assert spec["restartPolicy"]["type"] == "Never"
    # the script is in the image where backend/ is copied to /app
    main = spec["mainApplicationFile"]
    assert main.startswith("local:///app/")
    assert (ROOT / "backend" / main.removeprefix("local:///app/")).is_file()
    assert spec["arguments"][:2] == ["--segmentation", "lifestyle"]
    for role in ("driver", "executor"):
        part = spec[role]
        assert part["cores"] >= 1 and part["memory"].endswith("g")
        assert part["securityContext"]["runAsNonRoot"] is True
        assert {"name": "PYTHONPATH", "value": "/app"} in part["env"]
        # the staging folder is one volume both sides mount at SPARK_STAGING_DIR
        assert {"name": "staging", "mountPath": "/var/lib/segmentation/staging"} in part["volumeMounts"]
    driver_env = {e["name"]: e["value"] for e in spec["driver"]["env"]}
    assert driver_env["TRAINING_ENGINE"] == "spark"
    assert driver_env["SPARK_STAGING_DIR"] == "/var/lib/segmentation/staging"
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert volumes["models"]["persistentVolumeClaim"]["claimName"] == "segmentation-models"
    staging = yaml.safe_load((SPARK_APP.parent / "staging-pvc.yaml").read_text())
    assert volumes["staging"]["persistentVolumeClaim"]["claimName"] == staging["metadata"]["name"]
    assert staging["spec"]["accessModes"] == ["ReadWriteMany"]
    models = yaml.safe_load((ROOT / "deploy" / "k8s" / "models-pvc.yaml").read_text())
    assert models["metadata"]["name"] == "segmentation-models"
