"""``results/latest.md``: the evaluation as tables, with every target checked."""

from __future__ import annotations

from pathlib import Path


def _f(x, digits: int = 3) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def targets(r: dict) -> list[str]:
    """The issue's targets this family misses (empty = all met)."""
    missed = []
    if r["true_k"] is None:
        if not r["rejected"]:
            missed.append("not rejected")
    else:
        if r["rejected"]:
            missed.append("rejected")
        if r["k"] != r["true_k"]:
            missed.append(f"k {r['k']} != {r['true_k']}")
        floor = 0.8 if r.get("overlap") else 0.85
        if r.get("ari", 0) < floor:
            missed.append(f"ARI < {floor}")
        if r.get("smallest_share", 1) <= 0.05 and r.get("f1_smallest", 0) < 0.9:
            missed.append("small-segment F1 < 0.9")
    if not r["rejected"] and r.get("ids_kept_across_seeds", 1) < 0.98:
        missed.append("seed moves > 2 %")
    if min(r.get("cents_vs_units_ari", 1), r.get("thousands_vs_units_ari", 1)) < 0.99:
        missed.append("units change result")
    return missed


def family_table(rows: list[dict]) -> list[str]:
    out = [
        "| family | rows | true k | k chosen | rejected | ARI | F1 smallest (share) | ids kept across seeds "
        "| cents / thousands vs units ARI | baseline ARI / F1 (true k) | oracle ARI (k-means from truth / LDA) "
        "| time s | targets |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        b, o = r.get("baseline"), r.get("oracle")
        missed = targets(r)
        share = f" ({r['smallest_share']:.0%})" if "smallest_share" in r else ""
        out.append(
            f"| {r['family']} | {r['n_rows']:,} | {r['true_k'] or 'none'} | {r['k']} | "
            f"{'yes' if r['rejected'] else 'no'} | {_f(r.get('ari'))} | {_f(r.get('f1_smallest'))}{share} | "
            f"{_f(r.get('ids_kept_across_seeds'))} | {_f(r.get('cents_vs_units_ari'))} / {_f(r.get('thousands_vs_units_ari'))} | "
            f"{(_f(b['ari']) + ' / ' + _f(b['f1_smallest'])) if b else '–'} | "
            f"{(_f(o['kmeans_from_truth']) + ' / ' + _f(o['lda'])) if o else '–'} | {r['seconds']:.1f} | "
            f"{'met' if not missed else 'MISSED: ' + '; '.join(missed)} |"
        )
    return out


def candidate_table(rows: list[dict]) -> list[str]:
    rows = [r for r in rows if "candidates" in r]
    if not rows:
        return []
    names = list(rows[0]["candidates"])
    out = [
        "| family | " + " | ".join(names) + " | baseline |",
        "|---|" + "---|" * (len(names) + 1),
    ]
    for r in rows:
        cells = [f"{_f(r['candidates'][n]['ari'])} / {_f(r['candidates'][n]['f1_smallest'])}" for n in names]
        b = r["baseline"]
        out.append(
            f"| {r['family']} | " + " | ".join(cells) + f" | {_f(b['ari'])} / {_f(b['f1_smallest'])} |"
        )
    mean = [sum(r["candidates"][n]["ari"] for r in rows) / len(rows) for n in names]
    worst = [min(r["candidates"][n]["ari"] for r in rows) for n in names]
    base_mean = sum(r["baseline"]["ari"] for r in rows) / len(rows)
    base_worst = min(r["baseline"]["ari"] for r in rows)
    out.append("| **mean ARI** | " + " | ".join(_f(m) for m in mean) + f" | {_f(base_mean)} |")
    out.append("| **worst ARI** | " + " | ".join(_f(m) for m in worst) + f" | {_f(base_worst)} |")
    return out


def criteria_table(rows: list[dict]) -> list[str]:
    if not rows:
        return []
    names = list(rows[0]["k_by_criteria"])
    out = [
        "| family | true k | " + " | ".join(names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    for r in rows:
        ks = r["k_by_criteria"]
        ours = f"{ks['ours']}{' (rejected)' if r['rejected'] else ''}"
        cells = [ours if n == "ours" else ("–" if ks[n] is None else str(ks[n])) for n in names]
        out.append(f"| {r['family']} | {r['true_k'] or 'none'} | " + " | ".join(cells) + " |")
    return out


# what happened to the held-out set since it was written (kept by hand: it is history, not a result)
HELDOUT_HISTORY = [
    "History of this held-out set: first run at commit 8adc43f (results committed in a6f3117): wealth "
    "clients met every target; channel counts chose k 3 for 4 (ARI 0.854); small businesses met; the "
    "continuum was rejected as it should be. Then the k rule was changed on development evidence "
    "(d1aef94: rank sum of silhouette and Calinski-Harabasz; development families 10 -> 12 of 14 met) "
    "and the held-out set was run again (afe8cc4): 2 of 4, the wealth family's 1.5 % segment merged "
    "(k 4 for 5). The same rule broke an existing test (value-rfm preset: k 7 for 3, ARI 0.54; "
    "Calinski-Harabasz keeps rising when segments are uniform inside), so it was reverted: k is again "
    "the best silhouette among the structured k's. In session 3 its k curves (with those of the "
    "development families) were used to change the k rule: a larger neighbouring k within 0.02 of the "
    "best silhouette is preferred. On the recorded curves that turned channel counts (3 -> 4) and "
    "latent mixture 6 (5 -> 6) right and changed no other k; this run confirms it (4 of 4 met). The "
    "set is no longer held out; set C below is.",
]
# how the k rule of session 3 was chosen (kept by hand: it is history, not a result)
K_RULE_NOTE = [
    "How the k rule was chosen (session 3): candidates were compared on the recorded k curves of the "
    "development families and set B (14 with segments) and, for criteria the curve did not hold, on the "
    "trainer's own k sample (`evaluation/kcriteria.py`, `results/kcriteria.json`; it finished 4 families "
    "on the shared machine). Right k of 14: the previous rule (best silhouette among the k's that beat "
    "shuffled data and are reproduced) 10; the rule kept (`ours`) 12; raw silhouette "
    "9, Calinski-Harabasz 8, Davies-Bouldin 8, gap statistic with Tibshirani's rule 8 (it keeps rising on "
    "unequal sizes and 1 % outliers, so it finds no k there, but it is the only criterion right on the "
    "bank profile); taking the larger of ours and the gap's k would fix the bank profile and break latent "
    "mixture 6 (gap: 7). On the 4 studied families the BIC of a spherical mixture fell up to k = 10 every "
    "time, prediction strength (largest k >= 0.8) was right on 2, the best stability of 80 % subsamples "
    "on 1. Kept: the previous rule plus a walk up to a larger neighbouring k within 0.02 of the best "
    "silhouette, which also keeps the demo population (5) and the value-rfm preset "
    "test (3) right. Latent mixture 6 now gets its k but cannot meet ARI 0.85 with k-means at all: "
    "started from the true centres in the prepared space it reaches 0.824 (a supervised linear "
    "classifier 0.933), so the target is out of reach for nearest-centre segments there and was not "
    "tuned for.",
]
# how the k rule changed in session 4 (kept by hand: it is history, not a result)
K_RULE_NOTE_4 = [
    "Session 4 (set C had become development data): the trainer's own k samples of the development "
    "families and sets B and C (24 families) were cached and the rules compared on them. Single draws "
    "were the largest source of error: the stability of one k read 0.99 or 0.76 depending on the halves "
    "drawn (unequal sizes k 4, channel counts k 5, product holdings k 4 and 5), and neighbouring "
    "silhouettes sat 0.006 apart. Right k (or rejection) of 24: the rule of session 3, 17; with the "
    "silhouette averaged over 3 stratified samples, the null silhouette over the 3 shuffled references "
    "and the stability the median of 3 pairs of halves, 19 (product holdings 3 -> 5, small bank 3 -> 4); "
    "plus the density-valley check at the chosen k, 20 (the life-cycle continuum is rejected: deepest "
    "drop 0.44 of the peaks, against <= 0.28 on every family with segments). A k that leaves a segment "
    "empty (fewer distinct rows than k, categories only) no longer counts. Tried and dropped: the "
    "largest gain over the shuffled reference (14 of 24: mixed categories 4 -> 7, latent mixed 3 -> 9); "
    "silhouette minus 0.25 or 0.5 x the null silhouette (18: credit behaviour 3 -> 7, current accounts "
    "3 -> 8); the valley as a filter on every k (the life-cycle continuum then gets k 4, valley 0.19). "
    "Still wrong: bank profile (3 for 4; every criterion but the gap statistic prefers 3), gamma "
    "spending (5 for 4: the 8 % of customers without rent that month form a fifth group), current "
    "accounts (3 for 6) and credit behaviour (3 for 4, k 4 unstable); for the last two k-means from "
    "the true centres stays below the ARI target anyway.",
]
# set C (heldout_c.py), written and committed before the changed k rule of session 3 ran on it
HELDOUT_C_HISTORY = [
    "History of set C: written and committed in 19ccf37, before the changed k rule (cc377d5) ran on "
    "it; only the generators' supervised separability (gradient boosting, 3-fold) was checked before. "
    "Run once, with the final method, for this report (commit cc49460): 1 of 6 met. Only the eight "
    "segments were found. The k rule is not the only cause: k-means started from the true centres "
    "reaches ARI 0.80 (current accounts), 0.79 (credit behaviour) and 0.58 (small bank) in the "
    "prepared space, below the targets, so the preparation and k-means themselves miss there; product "
    "holdings can be segmented (0.92 from the true centres) but k = 4 is unstable, which stops the "
    "walk to k = 5 (silhouette 0.281 against 0.287 at k = 3); the curved life-cycle continuum beats the "
    "shuffled reference (shuffling its principal components independently breaks the curve) and is not rejected. The old rule "
    "(best silhouette only) picks the same k on all six families. Nothing was changed after this run. "
    "In session 4 set C became development data: its k curves were used to change the k rule (below), "
    "so it is no longer held out; set D is.",
]

# set D (heldout_d.py), written and committed before the method of session 4 ran on it
HELDOUT_D_HISTORY = [
    "History of set D: written and committed in 4ea5324, before the k rule of session 4 (7579d51) ran "
    "on it; only the generators' supervised separability (gradient boosting, 3-fold) was checked before. "
    "Run once, with the final method of session 4, for this report (commit 7579d51): 2 of 5 met (channel "
    "shares; the affluence blob rejected). Two segments (75/25) is rejected: at k = 2 the silhouette "
    "(0.504) does not beat the shuffled reference (0.498), because the two segments differ along one "
    "principal component, whose bimodal scores survive the shuffling; its density valley at k = 2 (0.41) "
    "would also have rejected it. Signed net flows get k 9 for 5: the preparation stretches amounts near "
    "zero (k-means from the true centres 0.635; the same trainer with the robust scale x1 instead of "
    "x0.25 reaches 0.805 at the true k, a plain StandardScaler 0.744). Categories with many levels get "
    "k 7 for 3 (k 3 unstable, 0.49): in the prepared space k-means from the true centres reaches only "
    "0.502 (one-hot StandardScaler baseline 0.804), so the weight of categories with many levels is the "
    "first suspect. Nothing was changed after this run. The density-valley check also rejects the real "
    "CDNOW data, which got 4 segments before (deepest drop at k = 4: 1.03 of the peaks: RFM tiers are "
    "cuts of a continuum).",
]


def write_report(results: dict, path: Path) -> None:
    fam, held = results.get("families", []), results.get("heldout", [])
    held_c, held_d = results.get("heldout_c", []), results.get("heldout_d", [])
    lines = [
        "# Segmentation evaluation",
        "",
        f"Produced by `{results['command']}` at commit `{results['commit']}`, "
        f"{results['seconds']:.0f} s in all. Every fit goes through `segmentation.ml.trainer.fit` "
        "with the service's default `TrainOptions` (below); nothing is tuned per family.",
        "",
        "Targets (issue 12): k chosen = true k, ARI >= 0.85 (>= 0.8 for overlapping segments), F1 >= 0.9 "
        "for a segment of <= 5 %, >= 98 % of customers keep their segment when only the seed changes "
        "(after matching labels), money in cents or thousands vs units gives ARI >= 0.99, no-structure "
        "families rejected with 'no clear segment structure'. The oracle columns say how far the family "
        "can be segmented at all when the truth is known (k-means in the trainer's prepared space started "
        "from the true centres; a supervised linear classifier on the same space).",
        "",
        "Development families: `generators.py` and `latent.py` (the latter were the first held-out set; "
        "they became development families when the method was changed after looking at them). Set B "
        "(`heldout.py`, commit f239c8f) was held out until session 3, when its k curves were looked at to "
        "change the k rule; set C (`heldout_c.py`) was held out until session 4, when its k curves were "
        "used to change the k rule again; set D (`heldout_d.py`) was written and committed before the "
        "session-4 method ran on it and is run once, with the final method.",
        "",
        "## Families the method was developed on",
        "",
        *family_table(fam),
        "",
        "## Held-out set B (`heldout.py`: held out until session 3, seen when the k rule was changed)",
        "",
        *family_table(held),
        "",
        *HELDOUT_HISTORY,
        "",
        "## Set C (`heldout_c.py`: held out in session 3, development data since session 4)",
        "",
        *family_table(held_c),
        "",
        *HELDOUT_C_HISTORY,
        "",
        "## Held-out set D (`heldout_d.py`: written before the method of session 4 was run on it, run once)",
        "",
        *family_table(held_d),
        "",
        *HELDOUT_D_HISTORY,
        "",
        "## Preparations compared at the true k (ARI / F1 of the smallest segment)",
        "",
        "Same trainer, k fixed to the truth, so only the preparation differs. `default` is what the "
        "trainer uses.",
        "",
        *candidate_table(fam),
        "",
        "Held-out:",
        "",
        *candidate_table(held),
        "",
        "Held-out set C:",
        "",
        *candidate_table(held_c),
        "",
        "Held-out set D:",
        "",
        *candidate_table(held_d),
        "",
        "## k chosen by each criterion (from the same k curve)",
        "",
        *criteria_table(fam + held + held_c + held_d),
        "",
        *K_RULE_NOTE,
        "",
        *K_RULE_NOTE_4,
        "",
    ]
    c = results.get("cdnow")
    if c:
        feats = ["RecencyDays", "Frequency", "Monetary"]
        lines += [
            "## Real data: CDNOW transaction log (RFM, no ground truth)",
            "",
            f"{c['source']}. k = {c['k']}{' (rejected: ' + c['no_structure'] + ')' if c['rejected'] else ''}, "
            f"silhouette {c['silhouette']:.3f}, ids kept across seeds {c['ids_kept_across_seeds']:.3f}, "
            f"{c['seconds']:.1f} s.",
            "",
            f"Why this k: {c['k_reason']}",
            "",
            "| segment | share | " + " | ".join(f"{f} mean (median)" for f in feats) + " |",
            "|---|---|" + "---|" * len(feats),
        ]
        for s in c["segments"]:
            lines.append(
                f"| {s['name']} | {s['share']:.1%} | "
                + " | ".join(f"{s[f]:,.1f} ({s[f + ' median']:,.1f})" for f in feats)
                + " |"
            )
        if c["notes"]:
            lines += ["", "Notes: " + "; ".join(c["notes"])]
        lines.append("")
    m = results.get("many_rows")
    if m:
        lines += [
            f"## Many rows: {m['n_rows']:,} customers x 8 money features",
            "",
            f"k = {m['k']} (true {m['true_k']}), ARI {m['ari']:.3f}, F1 smallest {m['f1_smallest']:.3f}; "
            f"whole fit {m['seconds']:.1f} s (stages: "
            + ", ".join(f"{k} {v:.1f} s" for k, v in m["stages"].items())
            + ").",
            "",
        ]
    lines += ["## Why each k (default options)", ""]
    for r in fam + held + held_c + held_d:
        lines.append(f"- **{r['family']}**: {r['no_structure'] or r['k_reason']}")
        for note in r["notes"]:
            lines.append(f"  - note: {note}")
        lines.append(f"  - names: {', '.join(r['names'])}")
    lines += [
        "",
        "## Options",
        "",
        "```",
        *(f"{k} = {v!r}" for k, v in results["options"].items()),
        "```",
        "",
    ]
    path.write_text("\n".join(lines))
