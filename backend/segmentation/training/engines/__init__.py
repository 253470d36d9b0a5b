"""Training engines: where the model of a training run is fitted.

``fit`` hands the rows the pipeline loaded to the engine chosen by ``TRAINING_ENGINE`` and
returns a :class:`~segmentation.ml.trainer.TrainedModel`. Everything after it (segment-id
matching, naming, the gate, versions, activation, hot reload, re-segmenting) is shared.

- ``local`` (default): :func:`segmentation.ml.trainer.fit` in the worker process.
- ``spark``: the same preparation and k selection, the final KMeans on every row on a Spark
  cluster (``SPARK_MASTER``); needs ``make install-spark``. See :mod:`.spark`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ...ml.kinds import FeatureData
from ...ml.trainer import TrainedModel, TrainOptions


def fit(
    data: FeatureData, options: TrainOptions, progress: Callable[[str, float], None], config: Mapping
) -> TrainedModel:
    """The model of ``data`` fitted by the configured engine."""
    if config["TRAINING_ENGINE"] == "spark":
        from . import spark

        return spark.fit(data, options, progress, config)
    from . import local

    return local.fit(data, options, progress)
