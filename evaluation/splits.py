"""Is there a valley inside a chosen segment? A diagnostic for planning the next k rule (issue 12).

For every family of the evaluation's sets: the trainer at the k ``make evaluate`` chose (``results/latest.json``;
k 3 for a family it rejected), in its prepared space, numeric columns that are not 0/1 flags.
Each segment is split in two by k-means; its rows are projected onto the line through the two
halves' centres (jittered by 5 % of each column's sd, so a grid of values is not a gap) and
smoothed (``ml.splits.split_in_two``, the trainer's own test). The valley is the lowest density between the two centres over the lower of the
densities at the centres: about 1 when the segment is one lump, near 0 when it holds two.
A split is "true" when its two sides' most common true segments differ.

This is the test behind dip-means and G-means (split a segment while it is not one lump). It
was measured here before the trainer used it (``segmentation/ml/splits.py``, session 9): run at
``latest.json``'s k from before that change (c49289e), it shows what the rule was designed on.

    PYTHONPATH=backend .venv/bin/python -m evaluation.splits [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np

from segmentation.ml.splits import DEEP, MIN_ROWS, ONE_COLUMN, SMALL_SIDE, split_in_two
from segmentation.ml.trainer import TrainOptions, fit

from .run import SETS, UNSEEN, prepared

RESULTS = Path(__file__).resolve().parent / "results"


def family(case, k: int) -> dict:
    model = fit(case.data, replace(TrainOptions(), k=k))
    truth = case.truth if case.truth is not None else np.zeros(len(case.data), dtype=int)
    E, truth = prepared(replace(case, truth=truth), model)
    cont = [j for j, s in enumerate(case.data.numeric_specs) if s.kind != "binary"]
    valleys, deep = [], []
    for c in range(k):
        inside = model.labels == c
        X = E[inside][:, cont]
        if X.shape[1] == 0 or len(X) < MIN_ROWS:
            continue
        v, one_column, smaller, halves = split_in_two(X, c)
        valleys.append(v)
        if v < DEEP:  # without segments, any split is a false one
            sides = [np.bincount(truth[inside][halves == s], minlength=k) for s in (0, 1)]
            split = bool(case.true_k and sides[0].argmax() != sides[1].argmax())
            counted = bool(one_column < ONE_COLUMN and smaller >= SMALL_SIDE)
            deep.append(
                {
                    "share": round(float(inside.mean()), 3),
                    "valley": round(v, 3),
                    "true_split": split,
                    "one_column": round(one_column, 3),
                    "smaller_side": round(float(smaller), 3),
                    "counted": counted,
                }
            )
    return {"valleys": [round(v, 3) for v in valleys], "deep": deep}


def verdict(true_k: int | None, k: int) -> str:
    if true_k is None:
        return "no segments"
    return "right k" if k == true_k else ("k too small" if k < true_k else "k too large")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RESULTS / "splits.md")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    recorded = json.loads((RESULTS / "latest.json").read_text())
    rows = []
    for set_name, generators in SETS:
        if set_name in UNSEEN:
            continue
        chosen = {r["family"]: (3 if r["rejected"] else r["k"]) for r in recorded[set_name]}
        for gen, n in generators:
            case = gen(n, 1)
            k = chosen[case.family]
            out = family(case, k)
            rows.append({"family": case.family, "true_k": case.true_k, "k": k, **out})
            print(json.dumps(rows[-1]), flush=True)
    write(rows, args.out, recorded.get("commit"))


def write(rows: list[dict], out: Path, commit: str | None) -> None:
    lines = [
        "# A valley inside a chosen segment (evaluation/splits.py)",
        "",
        f"`PYTHONPATH=backend .venv/bin/python -m evaluation.splits`, at the k of `latest.json` ({commit}).",
        f"Lowest valley over the family's segments; deep = below {DEEP}; a true split separates two",
        "true segments.",
        "",
        f"Counted: a deep split whose axis lies less than {ONE_COLUMN} along one column (not one",
        f"column's zeros against the rest) and whose smaller side holds at least {SMALL_SIDE:.0%} of the",
        "segment (not a handful of outliers).",
        "",
        "| family | verdict of make evaluate | k (true) | lowest valley | deep splits (true / all) | counted (true / all) |",
        "|---|---|---|---|---|---|",
    ]
    for r in sorted(rows, key=lambda r: (verdict(r["true_k"], r["k"]), r["family"])):
        low = f"{min(r['valleys']):.3f}" if r["valleys"] else "no numeric column"
        deep = f"{sum(d['true_split'] for d in r['deep'])} / {len(r['deep'])}" if r["deep"] else "-"
        kept = [d for d in r["deep"] if d["counted"]]
        counted = f"{sum(d['true_split'] for d in kept)} / {len(kept)}" if kept else "-"
        lines.append(
            f"| {r['family']} | {verdict(r['true_k'], r['k'])} | {r['k']} ({r['true_k']}) | {low} | {deep} | {counted} |"
        )
    out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
