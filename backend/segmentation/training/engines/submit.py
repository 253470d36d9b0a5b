"""A training run as a Spark application, for clusters where jobs go through spark-submit
(or the Kubernetes Spark operator) rather than a long-running worker:

    spark-submit --master yarn --deploy-mode client \\
        /app/segmentation/training/engines/submit.py --segmentation lifestyle [--k 5]

This process is the Spark driver: the session spark-submit configured (master, executors,
memory) is the one the engine uses. The run is the same as ``flask train`` with
``TRAINING_ENGINE=spark``: a training_runs row, the fit, the gate, activation and
re-segmenting; the service's settings (DATABASE_URL, MODEL_DIR, ...) come from the
environment as for the worker. Exit code 0 active, 3 rejected, 1 failed.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> None:
    from flask.cli import ScriptInfo
    from pyspark.sql import SparkSession

    # spark-submit's session; the engine adopts it instead of starting its own
    SparkSession.builder.appName("segmentation-training").getOrCreate()

    # absolute imports: spark-submit runs this file as a script, outside its package
    from segmentation import create_app
    from segmentation.segmentations.cli import train

    app = create_app({"TRAINING_ENGINE": "spark"})
    train.main(args=argv, prog_name="submit.py", obj=ScriptInfo(create_app=lambda: app))


if __name__ == "__main__":  # Spark's Python workers import modules; only spark-submit runs this
    main(sys.argv[1:])
