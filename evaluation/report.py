"""``results/latest.md``: the evaluation as tables, with every target checked."""

from __future__ import annotations

from pathlib import Path

from .history import (
    HELDOUT_C_HISTORY,
    HELDOUT_D_HISTORY,
    HELDOUT_E_HISTORY,
    HELDOUT_F_HISTORY,
    HELDOUT_G_HISTORY,
    HELDOUT_H_HISTORY,
    HELDOUT_HISTORY,
    HELDOUT_I_HISTORY,
    HELDOUT_J_HISTORY,
    K_RULE_NOTE,
    K_RULE_NOTE_4,
)


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
    if r.get("verdict_moves_with_seed"):
        missed.append("rejected with some seeds only")
    elif not r["rejected"] and r.get("ids_kept_across_seeds", 1) < 0.98:
        missed.append("seed moves > 2 %")
    if min(r.get("cents_vs_units_ari", 1), r.get("thousands_vs_units_ari", 1)) < 0.99:
        missed.append("units change result")
    return missed


def _seed_ks(r: dict) -> str:
    """The other seeds' k when any differs from the chosen one ("rejected" for no structure)."""
    ks = r.get("seed_ks", [])
    mine = None if r["rejected"] else r["k"]
    if all(k == mine for k in ks):
        return ""
    return " (other seeds: " + ", ".join("rejected" if k is None else str(k) for k in ks) + ")"


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
            f"{_f(r.get('ids_kept_across_seeds'))}{_seed_ks(r)} | {_f(r.get('cents_vs_units_ari'))} / {_f(r.get('thousands_vs_units_ari'))} | "
            f"{(_f(b['ari']) + ' / ' + _f(b['f1_smallest'])) if b else '–'} | "
            f"{(_f(o['kmeans_from_truth']) + ' / ' + _f(o['lda'])) if o else '–'} | {r['seconds']:.1f} | "
            f"{'met' if not missed else 'MISSED: ' + '; '.join(missed)} |"
        )
    return out


def k_rule_table(rows: list[dict]) -> list[str]:
    """Per family: the true k, then k chosen (ARI) by the default rule and each compared k rule,
    and how many families get the right answer under each (the true k, or rejected without one)."""
    rows = [r for r in rows if "k_candidates" in r]
    if not rows:
        return []
    names = list(dict.fromkeys(n for r in rows for n in r["k_candidates"]))

    def cell(got: dict) -> str:
        k = "rejected" if got["rejected"] else str(got["k"])
        return f"{k} ({_f(got['ari'])})" if "ari" in got else k

    def right(got: dict, true_k) -> bool:
        return got["rejected"] if true_k is None else (not got["rejected"] and got["k"] == true_k)

    out = ["| family | true k | default | " + " | ".join(names) + " |", "|---|---|---|" + "---|" * len(names)]
    for r in rows:
        default = {"k": r["k"], "rejected": r["rejected"], **({"ari": r["ari"]} if "ari" in r else {})}
        cells = [cell(default)] + [cell(r["k_candidates"][n]) for n in names]
        out.append(f"| {r['family']} | {r['true_k'] or '–'} | " + " | ".join(cells) + " |")
    counts = [sum(right({"k": r["k"], "rejected": r["rejected"]}, r["true_k"]) for r in rows)]
    counts += [sum(right(r["k_candidates"][n], r["true_k"]) for r in rows) for n in names]
    out.append(f"| **right (of {len(rows)})** | | " + " | ".join(str(c) for c in counts) + " |")
    return out


def candidate_table(rows: list[dict]) -> list[str]:
    """ARI / F1 at the true k per candidate; "–" where a candidate could not change the family
    (it was not fitted there), and the means over the families where it was."""
    rows = [r for r in rows if "candidates" in r]
    if not rows:
        return []
    names = list(dict.fromkeys(n for r in rows for n in r["candidates"]))
    out = [
        "| family | " + " | ".join(names) + " | baseline |",
        "|---|" + "---|" * (len(names) + 1),
    ]
    for r in rows:
        got = r["candidates"]
        cells = [f"{_f(got[n]['ari'])} / {_f(got[n]['f1_smallest'])}" if n in got else "–" for n in names]
        b = r["baseline"]
        out.append(
            f"| {r['family']} | " + " | ".join(cells) + f" | {_f(b['ari'])} / {_f(b['f1_smallest'])} |"
        )
    aris = [[r["candidates"][n]["ari"] for r in rows if n in r["candidates"]] for n in names]
    base = [r["baseline"]["ari"] for r in rows]
    out.append(
        "| **mean ARI** | "
        + " | ".join(_f(sum(a) / len(a)) for a in aris)
        + f" | {_f(sum(base) / len(base))} |"
    )
    out.append("| **worst ARI** | " + " | ".join(_f(min(a)) for a in aris) + f" | {_f(min(base))} |")
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


def write_report(results: dict, path: Path) -> None:
    fam, held = results.get("families", []), results.get("heldout", [])
    held_c, held_d = results.get("heldout_c", []), results.get("heldout_d", [])
    held_e, held_f = results.get("heldout_e", []), results.get("heldout_f", [])
    held_g, held_h = results.get("heldout_g", []), results.get("heldout_h", [])
    held_i, held_j = results.get("heldout_i", []), results.get("heldout_j", [])
    every = fam + held + held_c + held_d + held_e + held_f + held_g + held_h + held_i + held_j
    lines = [
        "# Segmentation evaluation",
        "",
        f"Produced by `{results['command']}` at commit `{results['commit']}`, "
        f"{results['seconds']:.0f} s in all. Every fit goes through `segmentation.ml.trainer.fit` "
        "with the service's default `TrainOptions` (below); nothing is tuned per family.",
        "",
        "Targets (issue 12): k chosen = true k, ARI >= 0.85 (>= 0.8 for overlapping segments), F1 >= 0.9 "
        "for a segment of <= 5 %, >= 98 % of customers keep their segment when only the seed changes "
        "(after matching labels; the worst of three other seeds, and a family rejected with some seeds but "
        "not with others misses), money in cents or thousands vs units gives ARI >= 0.99, no-structure "
        "families rejected with 'no clear segment structure'. The oracle columns say how far the family "
        "can be segmented at all when the truth is known (k-means in the trainer's prepared space started "
        "from the true centres; a supervised linear classifier on the same space).",
        "",
        "Development families: `generators.py` and `latent.py` (the latter were the first held-out set; "
        "they became development families when the method was changed after looking at them). Set B "
        "(`heldout.py`, commit f239c8f) was held out until session 3, when its k curves were looked at to "
        "change the k rule; set C (`heldout_c.py`) was held out until session 4, when its k curves were "
        "used to change the k rule again; set D (`heldout_d.py`) was held out until session 5, when two "
        "of its families were used to change the preparation; set E (`heldout_e.py`) was written and "
        "committed in session 5 before any method ran on it; set F (`heldout_f.py`) was written and "
        "committed in session 7 before any method ran on it, and its results were among those the spread "
        "weights of session 8 were judged on; set G (`heldout_g.py`) was written and committed in session "
        "7, first run in session 8 with the spread weights, and among the sets the segment splits of "
        "session 9 were designed on; set H (`heldout_h.py`) was written and committed in session 8 and "
        "first run in session 9, with the segment splits; set I (`heldout_i.py`) was written and committed "
        "in session 10 and first run in session 13, as the check of that session's changes (steadier k "
        "measures; segment splits on by default, turned off again after this check); set J "
        "(`heldout_j.py`) was written and committed in session 16 and is kept for the next method change.",
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
        "## Set D (`heldout_d.py`: held out in session 4, development data since session 5)",
        "",
        *family_table(held_d),
        "",
        *HELDOUT_D_HISTORY,
        "",
        "## Held-out set E (`heldout_e.py`: written in session 5 before any method was run on it)",
        "",
        *family_table(held_e),
        "",
        *HELDOUT_E_HISTORY,
        "",
        "## Set F (`heldout_f.py`: held out in session 7, development data since session 8)",
        "",
        *family_table(held_f),
        "",
        *HELDOUT_F_HISTORY,
        "",
        "## Set G (`heldout_g.py`: held out in session 7, development data since session 9)",
        "",
        *family_table(held_g),
        "",
        *HELDOUT_G_HISTORY,
        "",
        "## Held-out set H (`heldout_h.py`: written in session 8 before any method was run on it)",
        "",
        *family_table(held_h),
        "",
        *HELDOUT_H_HISTORY,
        "",
        "## Set I (`heldout_i.py`: written in session 10 before any method was run on it, first run in session 13)",
        "",
        *family_table(held_i),
        "",
        *HELDOUT_I_HISTORY,
        "",
        "## Held-out set J (`heldout_j.py`: written in session 16 before any method was run on it)",
        "",
        *family_table(held_j),
        "",
        *HELDOUT_J_HISTORY,
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
        "Set D:",
        "",
        *candidate_table(held_d),
        "",
        "Held-out set E:",
        "",
        *candidate_table(held_e),
        "",
        "Set F:",
        "",
        *candidate_table(held_f),
        "",
        "Set G:",
        "",
        *candidate_table(held_g),
        "",
        "Held-out set H:",
        "",
        *candidate_table(held_h),
        "",
        "Held-out set I:",
        "",
        *candidate_table(held_i),
        "",
        "Held-out set J:",
        "",
        *candidate_table(held_j),
        "",
        "## k rules compared (the whole fit, k chosen again; k and ARI)",
        "",
        "`default` is the service's rule; `segment splits` adds `ml/splits.py` (a segment whose rows "
        "hold two groups is split, while one does; `TrainOptions.split_segments`, off by default; measured "
        "on 40,000 rows of the data since session 13), measured in the same run.",
        "",
        *k_rule_table(every),
        "",
        "## k chosen by each criterion (from the same k curve)",
        "",
        *criteria_table(every),
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
    for r in every:
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
