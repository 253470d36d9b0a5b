"""Compare rules for choosing k on the development families (session 3, issue 12).

    .venv/bin/python -m evaluation.kcriteria [--only TEXT] [--out FILE.json]

For every development family (``generators.py``, ``latent.py``), held-out set B (seen since
session 3) and the populations existing tests train on (the demo population, the value-rfm
preset test), the trainer's own k sample is captured (prepared, embedded, outliers screened:
exactly what :func:`segmentation.ml.selection.score_all` receives) and each candidate k is
measured with criteria beyond the trainer's: the gap statistic against the trainer's null
reference, prediction strength (Tibshirani & Walther), subsample stability over several pairs
(Ben-Hur / Lange style), and the BIC of a spherical Gaussian mixture. Held-out set C is never
used here.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

from segmentation.data.demo import generate
from segmentation.ml import measures, selection, steps, trainer
from segmentation.ml.features import CATEGORIES
from segmentation.ml.kinds import FeatureData, FeatureSpec
from segmentation.ml.trainer import TrainOptions

from .generators import FAMILIES, Case
from .heldout import HELDOUT
from .latent import LATENT


def value_rfm(n: int, seed: int) -> Case:
    """The population of the value-rfm preset test (tests/test_segmentations.py)."""
    rng = np.random.default_rng(4)
    truth = rng.choice(3, size=1500, p=[0.5, 0.3, 0.2])
    recency = np.array([10, 120, 300])[truth] + rng.integers(0, 15, 1500)
    frequency = np.array([25, 6, 1])[truth] + rng.integers(0, 3, 1500)
    monetary = frequency * np.array([80, 45, 30])[truth] * rng.lognormal(0, 0.1, 1500)
    specs = [
        FeatureSpec("RecencyDays", "count"),
        FeatureSpec("Frequency", "count"),
        FeatureSpec("Monetary", "money"),
    ]
    X = np.column_stack([recency, frequency, np.round(monetary, 2)]).astype(float)
    return Case("test: value-rfm preset", FeatureData.numeric(X, specs), truth, 3, "")


def demo(n: int, seed: int) -> Case:
    pop = generate(3000, seed=21)
    specs = [FeatureSpec(c, "money") for c in CATEGORIES]
    return Case(
        "test: demo population",
        FeatureData.numeric(pop.spending, specs),
        pop.latent,
        5,
        "",
    )


def captured_sample(case: Case, options: TrainOptions) -> np.ndarray:
    """The rows the trainer scores k on (its ``score_all`` input), by running the trainer."""
    seen: dict = {}

    def capture(X, *args, **kw):
        seen["X"] = X
        raise StopIteration

    original = steps.score_all
    steps.score_all = capture
    try:
        trainer.fit(case.data, options)
    except StopIteration:
        pass
    finally:
        steps.score_all = original
    return seen["X"]


def inertia_per_row(X: np.ndarray, k: int, seed: int) -> float:
    return selection.kmeans(X, k, 3, seed).inertia_ / len(X)


def prediction_strength(X: np.ndarray, k: int, seed: int, reps: int = 3) -> float:
    """Tibshirani & Walther: cluster two halves; for each test cluster, the share of its pairs
    that the training half's centres also put together; the worst cluster, averaged."""
    rng = np.random.default_rng([seed, k, 7])
    out = []
    for r in range(reps):
        idx = rng.permutation(len(X))
        a, b = idx[: len(X) // 2], idx[len(X) // 2 :]
        train = selection.kmeans(X[a], k, 4, seed + r)
        test = selection.kmeans(X[b], k, 4, seed + r + 100).labels_
        pred = train.predict(X[b])
        worst = 1.0
        for c in range(k):
            m = pred[test == c]
            if len(m) < 2:
                continue
            counts = np.bincount(m, minlength=k).astype(float)
            worst = min(worst, float((counts * (counts - 1)).sum() / (len(m) * (len(m) - 1))))
        out.append(worst)
    return float(np.mean(out))


def subsample_stability(X: np.ndarray, k: int, seed: int, reps: int = 4) -> float:
    """Mean ARI on the shared rows of fits to two 80 % subsamples (Ben-Hur et al.)."""
    rng = np.random.default_rng([seed, k, 11])
    out = []
    for r in range(reps):
        a = rng.choice(len(X), int(0.8 * len(X)), replace=False)
        b = rng.choice(len(X), int(0.8 * len(X)), replace=False)
        la = selection.kmeans(X[a], k, 4, seed + r).predict(X)
        lb = selection.kmeans(X[b], k, 4, seed + r + 50).predict(X)
        out.append(adjusted_rand_score(la, lb))
    return float(np.mean(out))


def study(case: Case, options: TrainOptions, gap_only: bool = False) -> dict:
    X = captured_sample(case, options)
    scores = selection.score_all(X, range(options.min_clusters, options.max_clusters + 1), 42, 3000)
    chosen, _, rejected = selection.choose(scores)
    nulls = [measures.shuffled(X, np.random.default_rng(42 + b))[:2000] for b in range(3)]
    n, d = X.shape
    curve = []
    for s in scores:
        log_null = np.log([inertia_per_row(z, s.k, 42) for z in nulls])
        w = s.inertia / n
        curve.append(
            s.as_dict()
            | {
                "gap": float(log_null.mean() - np.log(w)),
                "gap_sd": float(log_null.std() * np.sqrt(1 + 1 / len(nulls))),
                "prediction_strength": None if gap_only else prediction_strength(X, s.k, 42),
                "subsample_stability": None if gap_only else subsample_stability(X, s.k, 42),
                "bic": float(n * d * np.log(w / d) + s.k * (d + 1) * np.log(n)),
            }
        )
    return {
        "family": case.family,
        "true_k": case.true_k,
        "current": None if rejected else chosen.k,
        "n": n,
        "d": d,
        "curve": curve,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated parts of family names")
    parser.add_argument("--out", type=Path, default=Path("/tmp/kcriteria.json"))
    parser.add_argument("--gap-only", action="store_true", help="skip prediction strength and subsamples")
    args = parser.parse_args(argv)
    options = TrainOptions()
    out = []
    for gen, n in FAMILIES + LATENT + HELDOUT + [(demo, 3000), (value_rfm, 1500)]:
        case = gen(n, 1)
        if not any(part.lower() in case.family.lower() for part in args.only.split(",")):
            continue
        print(case.family, "...", flush=True)
        opts = options
        if case.family.startswith("test:"):  # the tests' options (see tests/test_ml_trainer.py)
            opts = TrainOptions(max_clusters=7, kselect_sample=3000, silhouette_sample=1000, n_init=6)
            opts = opts if "demo" in case.family else TrainOptions()
        out.append(study(case, opts, args.gap_only))
        args.out.write_text(json.dumps(out, indent=1))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
