"""The two reference apps the service is compared with, served by the same gunicorn settings.

* ``ceiling()``: Flask returning a constant predict-segment body -- what this Flask/gunicorn
  setup can do at most on this machine.
* ``baseline()``: the tutorial way -- a pandas DataFrame per request, then a scikit-learn
  pipeline's ``predict`` (the artifact's recorded preparation as a FunctionTransformer, then
  KMeans.predict on the artifact's centres).

Environment: BENCH_CEILING_BODY (file holding a real response of our service) and
BENCH_ARTIFACT (the active model's joblib file).
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response, jsonify, request

PATH = "/api/v1/segmentation/predict-segment"


def ceiling() -> Flask:
    app = Flask("ceiling")
    body = Path(os.environ["BENCH_CEILING_BODY"]).read_bytes()

    @app.post(PATH)
    def predict():
        return Response(body, mimetype="application/json")

    return app


def baseline() -> Flask:
    import joblib
    import numpy as np
    import pandas as pd
    from sklearn.cluster import KMeans
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    from segmentation.ml import prep

    app = Flask("baseline")
    artifact = joblib.load(os.environ["BENCH_ARTIFACT"])
    features = list(artifact["features"])
    centers = np.asarray(artifact["centers"], dtype=np.float64)
    # a fitted KMeans whose centres are the artifact's (one step from them changes nothing)
    kmeans = KMeans(n_clusters=len(centers), init=centers, n_init=1, max_iter=1).fit(centers)
    params = artifact["preparation"]
    pipeline = make_pipeline(FunctionTransformer(lambda X: prep.transform(np.asarray(X), params)), kmeans)
    segment_ids = list(artifact["segment_ids"])
    version = int(artifact["version"])

    @app.post(PATH)
    def predict():
        frame = pd.DataFrame(request.get_json())[features].astype(float)
        labels = pipeline.predict(frame)
        ids = [int(segment_ids[label]) for label in labels]
        segments = [{"id": s, "name": f"Segment {s}", "strategy": ""} for s in dict.fromkeys(ids)]
        return jsonify(predictions=ids, segments=segments, model_version=version)

    return app
