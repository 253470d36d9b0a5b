"""latest.json (flat numbers, units in the names, plus the raw measurements) and latest.md."""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

import training_spark

COMMAND = "make bench  (= bench/run.sh)"


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def summary(r: dict) -> dict:
    s, b, t1 = r["serve"], r["batch"], r["train_1m"]
    base = r["train_1m_baseline"]
    return {
        "serve_rps_ours": s["ours_c16"]["rps"],
        "serve_rps_ceiling": s["ceiling_c16"]["rps"],
        "serve_rps_baseline": s["baseline_c16"]["rps"],
        "serve_rps_ours_nginx": s["ours_nginx_c16"]["rps"],
        "serve_rps_ours_c64": s["ours_c64"]["rps"],
        "serve_rps_ceiling_c64": s["ceiling_c64"]["rps"],
        "serve_rps_baseline_c64": s["baseline_c64"]["rps"],
        "serve_rps_ours_nginx_c64": s["ours_nginx_c64"]["rps"],
        **{f"serve_ratio_{k}": v["median"] for k, v in r["serve_ratios"].items()},
        "serve_p50_ms_c16": s["ours_c16"]["p50_ms"],
        "serve_p99_ms_c16": s["ours_c16"]["p99_ms"],
        "serve_p50_ms_c64": s["ours_c64"]["p50_ms"],
        "serve_p99_ms_c64": s["ours_c64"]["p99_ms"],
        "serve_errors": sum(v["errors"] for k, v in s.items() if k.startswith("ours")),
        "batch1k_rows_per_s": b["ours_1000"]["rows_per_s"],
        "batch10k_rows_per_s": b["ours_10000"]["rows_per_s"],
        "batch10k_rows_per_s_baseline": b["baseline_10000"]["rows_per_s"],
        "train_100k_s": r["train_100k"]["served_s"],
        "train_1m_s": t1["served_s"],
        "train_1m_job_done_s": t1["job_done_s"],
        "train_1m_baseline_s": base["total_s"],
        "train_1m_baseline_extrapolated": bool(base["extrapolated_ks"]),
        "train_1m_peak_rss_mb": max(t1["peak_rss_mb_job"] or 0, t1["peak_rss_mb_sampled"]),
        "seed_1m_s": r["seed_1m_s"],
        "import_1m_s": r["import_1m"]["first_s"],
        "import_1m_again_s": r["import_1m"]["again_s"],
        "reload_s": r["reload"]["max_s"],
        "reload_median_s": r["reload"]["median_s"],
        "worker_rss_mb": max(r["memory"]["ours"]),
        **training_spark.summary(r),
    }


def targets(f: dict) -> list[tuple[str, str, float, bool]]:
    """(target, measured, ratio measured/target oriented so >= 1 passes, pass)."""
    rows = []

    def at_least(name, value, goal, unit=""):
        rows.append((f"{name} >= {goal:g}{unit}", f"{value:g}{unit}", value / goal, value >= goal))

    def at_most(name, value, goal, unit=""):
        rows.append(
            (
                f"{name} <= {goal:g}{unit}",
                f"{value:g}{unit}",
                goal / value if value else float("inf"),
                value <= goal,
            )
        )

    at_least("serving rps / ceiling (c16, median of paired rounds)", f["serve_ratio_ours_ceiling_c16"], 0.9)
    at_least(
        "serving rps / naive baseline (c16, median of paired rounds)",
        f["serve_ratio_ours_baseline_c16"],
        5,
        "x",
    )
    at_most("p99 at c16", f["serve_p99_ms_c16"], 20, " ms")
    at_least("10k-row batches", f["batch10k_rows_per_s"], 200_000, " rows/s")
    at_most("1M train end to end, auto k", f["train_1m_s"], 30, " s")
    at_most("1M train worker peak RSS", f["train_1m_peak_rss_mb"], 1536, " MB")
    at_least("1M train speed-up vs naive", round(f["train_1m_baseline_s"] / f["train_1m_s"], 2), 5, "x")
    at_most("hot reload (max of rounds)", f["reload_s"], 2, " s")
    at_most("import 1M customers x 15 columns (CSV, CLI)", f["import_1m_s"], 60, " s")
    return rows


def profile_lines(title: str, prof: dict) -> list[str]:
    lines = [f"**{title}** ({prof['samples']} samples; share of samples, self time):", ""]
    lines += [f"- {p['share']:.0%} `{p['function']}`" for p in prof["self"]]
    lines += ["", "Inclusive (function or its callees):", ""]
    lines += [f"- {p['share']:.0%} `{p['function']}`" for p in prof["inclusive"]]
    return lines + [""]


def markdown(f: dict, r: dict, meta: dict) -> str:
    s = r["serve"]
    lines = [
        "# Benchmark results",
        "",
        f"{meta['date']} on {meta['cpu_model']} ({meta['cores']} cores), command `{meta['command']}`, "
        f"runtime {r['runtime_s']:.0f} s. gunicorn {r['settings']['workers']} workers x "
        f"{r['settings']['threads']} threads (gthread) for all three apps. Absolute numbers are noisy "
        "(shared machine, load generator on the same 2 cores); compare the ratios.",
        "",
        "## Serving: one profile per request (wrk -t2, 4 s after 1 s warm-up; 5 interleaved rounds, median)",
        "",
        "| app | conns | req/s | p50 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|",
    ]
    for c in (16, 64):
        for name in ("ours", "ours_nginx", "ceiling", "baseline"):
            m = s[f"{name}_c{c}"]
            lines.append(
                f"| {name} | {c} | {m['rps']:,.0f} | {m['p50_ms']} | {m['p99_ms']} | {m['errors']} |"
            )
    lines += [
        "",
        "req/s per round (ours): " + "; ".join(f"c{c} {s[f'ours_c{c}']['rps_rounds']}" for c in (16, 64)),
        "",
    ]
    lines += [f"- {k}: median {v['median']} (rounds {v['rounds']})" for k, v in r["serve_ratios"].items()]
    lines += [""]
    lines += [
        "## Batches (keep-alive client, median of 7)",
        "",
        "| app | rows/request | median ms | rows/s |",
        "|---|---|---|---|",
    ]
    for key, m in r["batch"].items():
        lines.append(f"| {key.split('_')[0]} | {m['rows']:,} | {m['median_ms']} | {m['rows_per_s']:,} |")
    t1, t100, base = r["train_1m"], r["train_100k"], r["train_1m_baseline"]
    lines += [
        "",
        "## Training (trigger -> new model served by every worker)",
        "",
        "| customers | k | served after s | job done s (incl. re-segmenting) | worker peak RSS MB (job / sampled) |",
        "|---|---|---|---|---|",
    ]
    for label, t in (("100k", t100), ("1M", t1)):
        lines.append(
            f"| {label} | {t['k']} | {t['served_s']} | {t['job_done_s']} | "
            f"{t['peak_rss_mb_job']} / {t['peak_rss_mb_sampled']} |"
        )
    lines += [
        "",
        "Stage seconds (job): "
        + "; ".join(
            f"{label}: " + ", ".join(f"{k} {v:.2f}" for k, v in t["stage_seconds"].items())
            for label, t in (("100k", t100), ("1M", t1))
        ),
        "",
        f"Naive baseline on the same 1M rows: read_sql {base['load_s']} s, per k (KMeans n_init=10 + "
        f"silhouette 20k) {base['per_k_s']}, best k {base['best_k']}, total **{base['total_s']} s**"
        + (
            f" (ks {base['extrapolated_ks']} NOT run, extrapolated at the slowest measured k to stay "
            f"within the 15-minute budget; a lower bound)"
            if base["extrapolated_ks"]
            else " (all ks measured)"
        )
        + f". Seeding 1M demo customers: {r['seed_1m_s']} s.",
        *training_spark.lines(r),
        "",
        f"Importing a 1M x 15 bank CSV (text ids, 2 % blank cells) with `import-customers`: "
        f"{r['import_1m']['first_s']} s into an empty database, {r['import_1m']['again_s']} s for the "
        f"same file again ({r['import_1m']['again_summary']}).",
        "",
        "## Hot reload and memory",
        "",
        f"Activation -> every worker serving it (50 fresh connections in a row): {r['reload']['seconds']} s "
        f"(median {r['reload']['median_s']}, max {r['reload']['max_s']}).",
        "",
        "RSS per gunicorn worker (MB): " + ", ".join(f"{k} {v}" for k, v in r["memory"].items()) + ".",
        "",
        "## Targets",
        "",
        "| target | measured | ratio (>= 1 passes) | result |",
        "|---|---|---|---|",
    ]
    for target, measured, ratio, ok in targets(f):
        lines.append(f"| {target} | {measured} | {ratio:.2f} | {'pass' if ok else 'MISS'} |")
    lines += ["", "## Profiles (py-spy)", ""]
    lines += profile_lines("One serving worker under c16 load", r["serve_profile"])
    lines += profile_lines("Our gunicorn workers serving 10k-row batches", r["batch_profile"])
    lines += profile_lines("Queue worker during the 1M training", r["train_profile"])
    return "\n".join(lines) + "\n"


def write(results: dict, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    meta = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "cpu_model": cpu_model(),
        "python": sys.version.split()[0],
        "command": COMMAND,
    }
    flat = summary(results)
    flat["targets"] = [
        {"target": t, "measured": m, "ratio": round(x, 3), "pass": ok} for t, m, x, ok in targets(flat)
    ]
    (out_dir / "latest.json").write_text(
        json.dumps({**flat, **meta, "runtime_s": results["runtime_s"], "raw": results}, indent=2, default=str)
        + "\n"
    )
    (out_dir / "latest.md").write_text(markdown(flat, results, meta))
