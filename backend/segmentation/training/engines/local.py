"""The local engine: scikit-learn (and kmodes) in the worker process."""

from __future__ import annotations

from collections.abc import Callable

from ...ml import trainer
from ...ml.kinds import FeatureData
from ...ml.trainer import TrainedModel, TrainOptions


def fit(data: FeatureData, options: TrainOptions, progress: Callable[[str, float], None]) -> TrainedModel:
    return trainer.fit(data, options, on_stage=progress)
