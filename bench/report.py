"""docs/performance.md from the results of one run: machine, command, every figure with its spread, targets.

Figures are "median (min–max)" over the repetitions named in each section. The analysis paragraphs are
kept here next to the tables they explain (bench/notes.py), so the document is rewritten whole by every run.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from bench import notes
from bench.stats import verdict


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def fmt(summary: dict[str, float], digits: int = 1, unit: str = "") -> str:
    """"12.3 (11.9–13.0)" from a Summary.as_dict(); a single value without a range."""
    median = summary["median"]
    if isinstance(median, float) and math.isnan(median):
        return "–"
    if summary.get("n", 1) == 1 or summary["min"] == summary["max"]:
        return f"{median:.{digits}f}{unit}"
    return f"{median:.{digits}f}{unit} ({summary['min']:.{digits}f}–{summary['max']:.{digits}f})"


def mb(value: float) -> str:
    return f"{value / 1_000_000:.2f} MB"


def header(meta: dict) -> str:
    machine = table(["", ""], meta["machine"].items())
    return f"""# Performance

Measured by `{meta['command']}` on {meta['started']} ({meta['seconds']:.0f} s in all; load average before / after:
{meta['load_before']} / {meta['load_after']}). Every figure is the median of the repetitions named in its
section, with the range (min–max) in brackets; every part is compared with a baseline measured in the same
run, on the same server, so that the ratios hold on a noisy machine. Rerun with `make bench`
(`.venv/bin/python -m bench.run --only gateway,images --quick` for a smoke run, which does not touch this file).

## Machine

{machine}

Server: gunicorn with 2 gthread workers × 4 threads on 127.0.0.1, `APP_ENV=production`, a fresh database per
part (migrated with `flask db upgrade`). The load generators run on the same 2 cores as the server, so every
figure includes their cost; the baselines pay it too.
"""


def summary_table(results: dict) -> str:
    rows = []
    for part, key, label, shown in _targets(results):
        target = results.get(part, {}).get("targets", {}).get(key)
        if target is None:
            continue
        rows.append((label, shown(target), verdict(target["met"])))
    if not rows:
        return ""
    return "## Targets\n\n" + table(["target", "measured (worst case)", ""], rows) + "\n"


def _targets(results: dict):
    return (
        ("gateway", "ratio", "Gateway throughput ≥ 0.6 × baseline (every kind, every concurrency)",
         lambda t: f"{t['worst']:.2f} × baseline"),
        ("gateway", "p99_at_32", "Gateway p99 < 50 ms at 32 connections", lambda t: f"{t['worst']:.1f} ms"),
        ("gateway", "errors", "Gateway: no failed request", lambda t: f"{t['total']} failed"),
        ("wizard", "failures", "Wizard rush: 0 failures", lambda t: f"{t['total']} failed"),
        ("wizard", "p95", "Wizard step p95 < 150 ms (uploads and registration excluded)",
         lambda t: f"{t['worst']:.0f} ms ({t['where']})"),
        ("wizard", "db", "Wizard rush: exactly 200 submitted records in the database", lambda t: t["shown"]),
        ("images", "jpeg_p50", "Image: 12 MP JPEG normalised in ≤ 150 ms (p50)", lambda t: f"{t['worst']:.0f} ms"),
        ("images", "output", "Image: output < 1 MB", lambda t: mb(t["worst"])),
        ("review", "page_p50", "Review desk page p50 < 50 ms (100,000 applications)",
         lambda t: f"{t['worst']:.1f} ms"),
        ("review", "export_memory", "Review export peak worker memory < 200 MB", lambda t: f"{t['worst']:.0f} MB"),
    )


def gateway_section(result: dict) -> str:
    rows = [
        (r["concurrency"], r["label"], fmt(r["rps"], 0), fmt(r["p50"], 2), fmt(r["p99"], 2),
         "1.00" if r["kind"] == "baseline" else fmt(r["ratio"], 2), r["errors"])
        for r in result["rows"]
    ]
    return "\n".join([
        "## 1. WeChat gateway (`POST /wx`)",
        "",
        f"Backend: {result['backend']}. {result['repetitions']} repetitions of {result['seconds']:.1f} s per "
        "cell, interleaved (every kind at every concurrency once, then again). Keep-alive connections; requests "
        "signed (and encrypted) before the run; every event has a unique CreateTime, every text a unique MsgId.",
        "",
        table(["conn.", "request", "requests/s", "p50 ms", "p99 ms", "× baseline", "errors"], rows),
        "",
        notes.gateway(result),
    ])


def images_section(result: dict) -> str:
    rows = [
        (r["file"], mb(r["source_bytes"]), "×".join(map(str, r["source_size"])), fmt(r["decode_ms"], 0),
         fmt(r["normalise_ms"], 0), f"{r['normalise_ms']['median'] / r['decode_ms']['median']:.2f}",
         fmt(r["portrait_ms"], 0), mb(r["output_bytes"]), "×".join(map(str, r["output_size"])))
        for r in result["rows"]
    ]
    return "\n".join([
        "## 3. Image normalisation (`shared_models.images.normalise_image`)",
        "",
        f"{result['repetitions']} repetitions each, in-process (the function is pure). Baseline: a plain full "
        "decode (`Image.open` + `load()`) of the same bytes.",
        "",
        table(["file", "size", "pixels", "plain decode ms", "normalise ms", "÷ decode", "as portrait ms",
               "output", "output pixels"], rows),
        "",
        notes.images(result),
    ])


def wizard_section(result: dict) -> str:
    parts = ["## 2. Wizard under a deadline rush (Locust)", "", notes.wizard_method(result), ""]
    for data in result["backends"].values():
        parts += [f"### {data['label']}", "", table(["", ""], [
            ("users / failures", f"{data['users']} / {data['failures']}"),
            ("wall time", f"{data['seconds']:.0f} s"),
            ("submissions per minute", f"{data['submissions_per_minute']:.0f}"),
            ("database afterwards", f"{data['db']['submitted']} submitted applications, "
                                    f"{data['db']['submissions']} submissions ({'✅' if data['db_ok'] else '❌'})"),
        ]), ""]
        parts += [table(["request", "n", "p50 ms", "p95 ms (cohorts)", "max ms", "failures"], [
            (s["name"], s["requests"], f"{s['p50']:.0f}", _cohorts(s), f"{s['max']:.0f}", s["failures"])
            for s in data["steps"]
        ]), ""]
        if data["failure_samples"]:
            parts += ["Failures (first few): " + "; ".join(f"`{m}`" for m in data["failure_samples"]), ""]
    counts = result.get("counts", {})
    if counts:
        kinds = list(counts)
        names = list(next(iter(counts.values())))
        rows = [(name, *(f"{counts[k][name]['sql']:.0f} / {counts[k][name]['redis_trips']:.0f} / "
                         f"{counts[k][name]['redis_commands']:.0f}" for k in kinds)) for name in names]
        parts += ["### SQL statements and Redis round trips per request", "",
                  notes.counts_method(), "",
                  table(["request", *(f"{k}: SQL / Redis trips / commands" for k in kinds)], rows), ""]
    parts.append(notes.wizard(result))
    return "\n".join(parts)


def _cohorts(step: dict) -> str:
    cohorts = step.get("p95_cohorts")
    if not cohorts:
        return f"{step['p95']:.0f}"
    return f"{step['p95']:.0f} ({min(cohorts):.0f}–{max(cohorts):.0f})"


def review_section(result: dict) -> str:
    parts = [f"## 4. Review desk at {result['rows']:,} applications", "", notes.review_method(result), ""]
    names = list(next(iter(result["backends"].values()))["pages"])
    kinds = list(result["backends"])
    parts += [table(["page (p50 ms)", *(result["backends"][k]["label"] for k in kinds)],
                    [(name, *(fmt(result["backends"][k]["pages"][name], 1) for k in kinds)) for name in names]), ""]
    rows = []
    for k in kinds:
        data = result["backends"][k]
        export = data["export"]
        rows.append((data["label"], f"{data['generate_s']:.1f} s + {data['insert_s']:.1f} s",
                     export["scope"], f"{export['rows']:,}", fmt(export["seconds"], 1, " s"),
                     f"{export['rows'] / export['seconds']['median']:,.0f}", mb(export["bytes"]["median"]),
                     fmt(export["idle_mb"], 0, " MB"), fmt(export["peak_mb"], 0, " MB")))
    parts += [table(["backend", "generate + insert", "export", "rows", "time to last byte", "rows/s", "file",
                     "worker RSS before", "worker peak RSS"], rows), "", notes.review(result)]
    return "\n".join(parts)


def render(results: dict) -> str:
    sections = [header(results["meta"]), summary_table(results)]
    builders = (("gateway", gateway_section), ("wizard", wizard_section), ("images", images_section),
                ("review", review_section))
    for key, build in builders:
        if key in results:
            sections.append(build(results[key]))
        elif key in results.get("skipped", {}):
            sections.append(f"## {key}\n\nNot measured in this run: {results['skipped'][key]}\n")
    return "\n\n".join(s.rstrip() for s in sections if s) + "\n"
