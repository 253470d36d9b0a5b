"""latest.md sections for the scale phase (``make bench-scale``) and, for every missed
target, where the time goes."""

from __future__ import annotations


def customers_lines(label: str, pages: dict | None) -> list[str]:
    """The customer list's pages (``scale.customers_latency``), one sentence."""
    if not pages:
        return []
    return [
        f"`GET /customers` at {label.upper()} customers (25 a page; median / max ms of keep-alive calls): "
        + ", ".join(f"{name.replace('_', ' ')} {m['median_ms']} / {m['max_ms']}" for name, m in pages.items())
        + " (the segment is the largest of the active model).",
        "",
    ]


def markdown(sc: dict | None, profile_lines) -> list[str]:
    if not sc:
        return [
            "## Scale (make bench-scale)",
            "",
            "Not measured in this file yet: run `make bench-scale` (10M customers, about 20 minutes).",
            "",
        ]
    n = f"{sc['customers']:,}"
    lines = [
        f"## Scale: {n} customers (make bench-scale)",
        "",
        f"Measured {sc.get('date', '')}, runtime {sc.get('runtime_s', 0):.0f} s. Seeding {n} demo customers: "
        f"{sc['seed_s']} s; database after seeding {sc['after_seed']['database_mb']:,} MB. "
        f"ASSIGNMENT_HISTORY_VERSIONS={sc['history_versions']}.",
        "",
        "| retrain | k | job done s (incl. re-segmenting) | served after s | worker peak RSS MB (job / sampled) "
        "| database MB after | assignment history MB | partitions (incl. default) | versions summarised |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    slowest = 1 + max(range(len(sc["trainings"])), key=lambda i: sc["trainings"][i]["job_done_s"])
    for i, t in enumerate(sc["trainings"], 1):
        z = t["sizes"]
        lines.append(
            f"| {i} | {t['k']} | {t['job_done_s']} | {t['served_s']} | {t['peak_rss_mb_job']} / "
            f"{t['peak_rss_mb_sampled']} | {z['database_mb']:,} | {z['assignments_mb']:,} | {z['partitions']} "
            f"| {z['versions_summarised']} |"
        )
    lines += [
        "",
        f"Run {len(sc['trainings'])} is sampled by py-spy (20 Hz) for the profile below. The figure reported "
        f"against the target is the slowest run's (run {slowest}).",
        "",
        "Stage seconds (job): "
        + "; ".join(
            f"run {i}: " + ", ".join(f"{k} {v:.2f}" for k, v in t["stage_seconds"].items())
            for i, t in enumerate(sc["trainings"], 1)
        ),
        "",
        f"`GET /segments`: median {sc['segments']['median_ms']} ms, max {sc['segments']['max_ms']} ms "
        f"over {sc['segments']['calls']} keep-alive calls."
        + "".join(
            f" `GET /{name}`: median {sc[name]['median_ms']} ms, max {sc[name]['max_ms']} ms over "
            f"{sc[name]['calls']} calls."
            for name in ("drift", "projection")
            if sc.get(name)
        ),
        "",
        *customers_lines(sc["label"], sc.get("customer_pages")),
        f"Export of every assignment: `GET assignments.csv` {sc['export_api']['rows']:,} rows "
        f"({sc['export_api']['mb']:,} MB) in {sc['export_api']['seconds']} s = "
        f"**{sc['export_api']['rows_per_s']:,} rows/s**; `flask export-assignments` (process start included) "
        f"{sc['export_cli']['seconds']} s = {sc['export_cli']['rows_per_s']:,} rows/s.",
        "",
    ]
    for i, t in enumerate(sc["trainings"], 1):
        if t.get("peak_rss_mb_by_stage"):
            lines += [
                f"Worker peak RSS by stage, run {i} (MB, sampled every 50 ms): "
                + ", ".join(f"{k} {v:,.0f}" for k, v in t["peak_rss_mb_by_stage"].items()),
                "",
            ]
    if sc.get("train_profile"):
        lines += profile_lines(f"Queue worker during the last {n}-customer retrain", sc["train_profile"])
    return lines


def _top(profile: dict | None, n: int = 3) -> str:
    if not profile or not profile.get("self"):
        return "no profile recorded"
    return ", ".join(f"{p['share']:.0%} `{p['function']}`" for p in profile["self"][:n])


def _stages(run: dict | None) -> str:
    if not run:
        return "not measured"
    ranked = sorted(run["stage_seconds"].items(), key=lambda kv: -kv[1])
    return ", ".join(f"{k} {v:.1f} s" for k, v in ranked)


def _memory(run: dict | None) -> str:
    stages = (run or {}).get("peak_rss_mb_by_stage")
    if not stages:
        return "not recorded"
    return ", ".join(f"{k} {v:,.0f}" for k, v in sorted(stages.items(), key=lambda kv: -kv[1]))


def _export(sc: dict) -> str:
    server = sc.get("export_server")
    if not server:
        return "PostgreSQL's COPY (join with customers, CSV formatting) and the WSGI stream"
    full, alone = server["export_query"], server["partition_alone"]
    api = sc["export_api"]
    return (
        f"on the server, the export's own COPY, read and dropped, takes {full['seconds']} s "
        f"({full['rows_per_s']:,} rows/s) of the API's {api['seconds']} s; a COPY of the version's "
        f"partition alone (ids only) takes {alone['seconds']} s ({alone['rows_per_s']:,} rows/s): the "
        "difference is the join with customers (the bank's ids) and the CSV formatting of five "
        "columns (segment names are literals in the query); the rest of the API's time is the stream through the WSGI worker"
        + _formatted(server.get("every_time_formatted"))
    )


def _formatted(every: dict | None) -> str:
    if not every:
        return ""
    return (
        f"; the same COPY with every row's time formatted (the export before the usual time is written "
        f"once) takes {every['seconds']} s ({every['rows_per_s']:,} rows/s)"
    )


def rounds(r: dict) -> str:
    """Each c16 round of ours: its p99 and how its connections were spread over the workers."""
    m = (r.get("serve") or {}).get("ours_c16") or {}
    held = m.get("connections_per_worker_rounds") or [None] * len(m.get("p99_ms_rounds", []))
    pairs = [
        f"{p} ms ({'/'.join(map(str, h)) if h else '?'})" for p, h in zip(m.get("p99_ms_rounds", []), held)
    ]
    return "p99 per round (connections per worker): " + ", ".join(pairs) if pairs else "no rounds recorded"


def _ceiling_over_baseline(r: dict) -> str:
    s = r.get("serve") or {}
    ceiling, baseline = (s.get(f"{n}_c16", {}).get("rps_rounds") or [] for n in ("ceiling", "baseline"))
    rounds = sorted(a / b for a, b in zip(ceiling, baseline) if b)
    if not rounds:
        return "no ceiling or baseline rounds recorded"
    return f"the ceiling itself is {rounds[len(rounds) // 2]:.2f}x the baseline (median of the same rounds)"


def misses(rows: list, r: dict) -> list[str]:
    """One line per missed target: where its time goes (stage seconds, top of its profile)."""
    sc = r.get("scale") or {}
    last = (sc.get("trainings") or [None])[-1]
    where = {
        "serving rps / naive": f"{_ceiling_over_baseline(r)}; serving worker profile (self): "
        f"{_top(r.get('serve_profile'))}",
        "serving rps": f"serving worker profile (self): {_top(r.get('serve_profile'))}",
        "p99": f"{rounds(r)}; serving worker profile (self): {_top(r.get('serve_profile'))}",
        "10k-row": f"batch profile (self): {_top(r.get('batch_profile'))}",
        "1M retrain": f"stages: {_stages(r.get('train_1m'))}; worker profile (self): {_top(r.get('train_profile'))}",
        "10M retrain, job": f"stages: {_stages(last)}; worker profile (self): {_top(sc.get('train_profile'))}",
        "10M retrain, worker peak RSS": f"peak RSS by stage (MB): {_memory(last)}",
        "GET /segments": "one indexed read of segment_summaries plus the model's segment rows; see the "
        "latency spread in the scale section",
        "GET /drift": "a sample of INSIGHT_SAMPLE_ROWS customers read with their features (random blocks "
        "of spending_profiles for amounts only, else of customers with each profile looked up by key), "
        "then binned against the training data",
        "GET /projection": "a sample of the version's assignments, then those customers' features",
        "streamed": _export(sc),
        "import": "see the import figures above",
        "hot reload": "see the reload rounds above",
    }
    lines = ["## Where the time goes (missed targets)", ""]
    missed = [row for row in rows if not row[3]]
    if not missed:
        return lines + ["Every target is met.", ""]
    for target, measured, _, _ in missed:
        reason = next((v for k, v in where.items() if target.startswith(k)), "")
        if measured == "not measured":
            reason = "not measured in this file (the scale figures come from `make bench-scale`)"
        lines.append(f"- **{target}** (measured {measured}): {reason}")
    return lines + [""]
