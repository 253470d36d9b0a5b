"""How well a generator's truth can be told apart at all, without the trainer: 3-fold CV accuracy
of gradient boosting (``HistGradientBoostingClassifier``, default settings, categories as codes) on
each family with segments. The only check a held-out set gets before it is committed.

    PYTHONPATH=backend .venv/bin/python -m evaluation.separability heldout_e [--only TEXT] [--scale 1.0]
"""

from __future__ import annotations

import argparse
import importlib
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score


def accuracy(case, seed: int = 0) -> np.ndarray:
    """Accuracy per fold; missing numbers stay missing (the booster handles them)."""
    X = np.hstack([case.data.num, case.data.cat.astype(float)])
    folds = StratifiedKFold(3, shuffle=True, random_state=seed)
    return cross_val_score(HistGradientBoostingClassifier(random_state=seed), X, case.truth, cv=folds)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", help="generator module, e.g. heldout_e (its list is the upper-case name)")
    parser.add_argument("--only", default="", help="only generators whose function name contains this")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every family's rows by this")
    parser.add_argument("--seed", type=int, default=1, help="the generators' seed (run.py's default)")
    args = parser.parse_args(argv)
    module = importlib.import_module(f"evaluation.{args.module}")
    families = getattr(module, args.module.upper())
    for gen, n in families:
        if args.only not in gen.__name__:
            continue
        case = gen(max(int(n * args.scale), 500), args.seed)
        if case.truth is None:
            print(f"{gen.__name__}: no segments, nothing to separate")
            continue
        t0 = time.perf_counter()
        acc = accuracy(case)
        folds = " ".join(f"{a:.3f}" for a in acc)
        print(
            f"{gen.__name__}: {len(case.truth):,} rows, accuracy {acc.mean():.3f} (folds {folds}), "
            f"{time.perf_counter() - t0:.0f} s",
            flush=True,
        )


if __name__ == "__main__":
    main()
