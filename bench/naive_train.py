"""The naive training baseline, as tutorials write it: ``pandas.read_sql`` of the whole
customers + spending_profiles join, StandardScaler, then ``KMeans(n_init=10)`` for every k
in 2..10 on all rows with the silhouette on a 20k sample; the best silhouette wins.

Run as a script; prints one JSON line. If the k loop would pass ``--budget`` seconds, the
remaining ks are not fitted but extrapolated (each costed like the slowest k measured,
a lower bound since larger k cost more), and the output says so.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler
from sqlalchemy import create_engine

COLUMNS = [
    "utilities",
    "groceries",
    "transport",
    "dining",
    "entertainment",
    "online_shopping",
    "travel",
    "healthcare",
]
QUERY = "SELECT * FROM customers c JOIN spending_profiles p USING (customer_id)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--budget", type=float, default=240.0, help="seconds allowed for the k loop")
    args = parser.parse_args()

    t0 = time.perf_counter()
    frame = pd.read_sql(QUERY, create_engine(args.url))
    load_s = time.perf_counter() - t0

    t1 = time.perf_counter()
    X = StandardScaler().fit_transform(frame[COLUMNS].astype(float))
    sample = np.random.default_rng(42).choice(len(X), size=min(20_000, len(X)), replace=False)
    per_k, best = {}, None
    for k in range(2, 11):
        if time.perf_counter() - t1 + max(per_k.values(), default=0.0) > args.budget:
            break
        tk = time.perf_counter()
        labels = KMeans(n_clusters=k, n_init=10, random_state=42).fit_predict(X)
        score = silhouette_score(X[sample], labels[sample])
        per_k[k] = round(time.perf_counter() - tk, 2)
        if best is None or score > best[1]:
            best = (k, score)
    measured_s = time.perf_counter() - t0
    missing = [k for k in range(2, 11) if k not in per_k]
    estimate = measured_s + len(missing) * max(per_k.values())
    print(
        json.dumps(
            {
                "rows": len(frame),
                "load_s": round(load_s, 2),
                "per_k_s": per_k,
                "best_k": best[0],
                "measured_s": round(measured_s, 2),
                "extrapolated_ks": missing,
                "total_s": round(estimate, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
