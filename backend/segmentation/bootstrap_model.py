"""Build a bootstrap model without a database (used at image build time).

    python -m segmentation.bootstrap_model OUT_DIR [--customers N] [--seed S]

Trains on generated demo data and writes ``OUT_DIR/kmeans_model.joblib`` plus
``kmeans_model.joblib.sha256``. At start-up, ``flask register-model`` records it as a
model version (checking that hash) when no model is active, so a new deployment predicts
before its first retraining.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import sklearn

from .config import Config
from .demo import generate
from .ml import artifacts
from .ml.features import features_for
from .ml.trainer import TrainedModel, TrainOptions, fit


def build(out_dir: Path, customers: int, seed: int) -> Path:
    config = Config.from_env(DATABASE_URL="unused")
    features = list(features_for("spending"))
    started = time.perf_counter()
    X = generate(customers, seed).spending
    model = fit(X, features, TrainOptions.from_config(config.as_flask_config()))
    artifact = {
        "format": artifacts.FORMAT,
        "version": 0,
        "pipeline": model.pipeline,
        "features": features,
        "feature_set": "spending",
        "segment_ids": list(range(1, model.k + 1)),
        "sklearn_version": sklearn.__version__,
        "n_train_rows": customers,
        "metrics": model.metrics,
        "summary": summary(model, time.perf_counter() - started),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / artifacts.ACTIVE_NAME
    target.unlink(missing_ok=True)
    path, sha = artifacts.write_artifact(out_dir, artifact)
    path.replace(target)
    (out_dir / f"{artifacts.ACTIVE_NAME}.sha256").write_text(f"{sha}  {artifacts.ACTIVE_NAME}\n")
    return target


def summary(model: TrainedModel, seconds: float) -> dict:
    return {
        "population_mean": model.population_mean.tolist(),
        "sizes": model.sizes.tolist(),
        "k_curve": model.k_curve,
        "stats": model.stats,
        "training_seconds": round(seconds, 3),
    }


def from_artifact(artifact: dict) -> TrainedModel:
    """The TrainedModel a bootstrap artifact describes (without per-row labels)."""
    from .ml.pipeline import to_money_units

    s = artifact["summary"]
    pipeline = artifact["pipeline"]
    return TrainedModel(
        pipeline=pipeline,
        features=list(artifact["features"]),
        labels=np.empty(0, dtype=np.int64),
        centroids_money=to_money_units(pipeline, pipeline.named_steps["kmeans"].cluster_centers_),
        population_mean=np.asarray(s["population_mean"]),
        sizes=np.asarray(s["sizes"]),
        metrics=artifact["metrics"],
        k_curve=s["k_curve"],
        stats=s["stats"],
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    path = build(args.out_dir, args.customers, args.seed)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
