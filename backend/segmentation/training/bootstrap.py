"""Build a bootstrap model without a database (used at image build time).

    python -m segmentation.training.bootstrap OUT_DIR [--customers N] [--seed S]

Trains on generated demo data and writes ``OUT_DIR/kmeans_model.joblib`` plus
``kmeans_model.joblib.sha256``. At start-up, ``flask register-model`` records it as a
model version (checking that hash) when no model is active, so a new deployment predicts
before its first retraining.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np
import sklearn

from ..core.config import Config
from ..data.demo import generate
from ..ml import artifacts
from ..ml.kinds import FeatureData, FeatureSpec
from ..ml.trainer import TrainedModel, TrainOptions, fit
from ..segmentations.presets import PRESETS


def build(out_dir: Path, customers: int, seed: int) -> Path:
    config = Config.from_env(DATABASE_URL="unused")
    specs = [FeatureSpec.from_dict(f) for f in PRESETS["lifestyle"]["features"]]
    started = time.perf_counter()
    data = FeatureData.numeric(generate(customers, seed).spending, specs)
    model = fit(data, TrainOptions.from_config(config.as_flask_config()))
    if model.no_structure:
        raise SystemExit(f"the demo population gave no model: {model.no_structure}")
    artifact = {
        **model.artifact_payload(),
        "version": 0,
        "segmentation": "lifestyle",
        "segment_ids": list(range(1, model.k + 1)),
        "sklearn_version": sklearn.__version__,
        "signed": [],
        # the model without its per-row arrays: what publishing a version needs
        "summary": {
            "model": dataclasses.replace(model, kept=np.empty(0, bool), labels=np.empty(0, np.int64)),
            "training_seconds": round(time.perf_counter() - started, 3),
        },
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / artifacts.ACTIVE_NAME
    target.unlink(missing_ok=True)
    path, sha = artifacts.write_artifact(out_dir, artifact)
    path.replace(target)
    (out_dir / f"{artifacts.ACTIVE_NAME}.sha256").write_text(f"{sha}  {artifacts.ACTIVE_NAME}\n")
    return target


def from_artifact(artifact: dict) -> TrainedModel:
    """The TrainedModel a bootstrap artifact describes (without per-row labels)."""
    return artifact["summary"]["model"]


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
