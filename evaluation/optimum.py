"""At the true k: the trainer's fit, k-means from the true centres and k-means with 100 starts.

Is a family's miss at the true k a search problem or the objective's? Each partition gets its
ARI against the truth and its inertia (the objective k-means minimises) in the trainer's
prepared space; the trainer's is its own labels and centres. When the start from the truth
scores a better ARI only at a higher inertia, no search for a lower inertia finds it: the
objective prefers the other partition.

    PYTHONPATH=backend .venv/bin/python -m evaluation.optimum [--only TEXT] [--out PATH]
"""

from __future__ import annotations

import argparse
import time
import warnings
from dataclasses import replace
from pathlib import Path

from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score as ari

from segmentation.ml.trainer import TrainOptions, fit

from .run import SETS, UNSEEN, from_truth, prepared

OUT = Path(__file__).resolve().parent / "results" / "optimum.md"


def compare(case) -> dict:
    model = fit(case.data, replace(TrainOptions(), k=case.true_k))
    E, truth = prepared(case, model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fits = {
            "from the truth": from_truth(E, truth),
            "100 starts": KMeans(case.true_k, n_init=100, random_state=0).fit(E),
        }
    C = model.clustering.centers()
    trainer = (ari(truth, model.labels), float(((E - C[model.labels]) ** 2).sum()))
    return {"trainer": trainer} | {name: (ari(truth, f.labels_), f.inertia_) for name, f in fits.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="only families whose name contains this text")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    lines = [
        "# The trainer's fit against k-means from the true centres, at the true k",
        "",
        f"Produced by `PYTHONPATH=backend .venv/bin/python -m evaluation.optimum` ({__doc__.splitlines()[0]})",
        "",
        "| family | ARI: trainer / from the truth / 100 starts | inertia: trainer | from the truth, 100 starts: "
        "relative to the trainer's |",
        "|---|---|---|---|",
    ]
    for gen, n in (family for name, families in SETS if name not in UNSEEN for family in families):
        case = gen(n, 1)
        if case.truth is None or args.only not in case.family:
            continue
        r = compare(case)
        aris = " / ".join(f"{a:.3f}" for a, _ in r.values())
        base = r["trainer"][1]
        others = " / ".join(f"{(i - base) / base:+.4%}" for name, (_, i) in r.items() if name != "trainer")
        lines.append(f"| {case.family} | {aris} | {base:,.2f} | {others} |")
        print(lines[-1], flush=True)
    lines += ["", f"{time.perf_counter() - started:.0f} s.", ""]
    args.out.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
