"""`make bench`: run the four parts and rewrite docs/performance.md (under 10 minutes on 2 cores).

    .venv/bin/python -m bench.run                       # everything, rewrites docs/performance.md
    .venv/bin/python -m bench.run --only gateway,images # some parts (report to bench/results/performance.md)
    .venv/bin/python -m bench.run --quick               # a smoke run: small counts, same code paths

Only a full, non-quick run writes docs/performance.md (unless --output says otherwise), so that the committed
document always comes from a complete run. Raw results go to bench/results/results.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path

from bench import machine, report
from bench.server import RESULTS, ROOT, postgres_available

PARTS = ("gateway", "wizard", "images", "review")
DOC = ROOT / "docs" / "performance.md"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated parts: " + ", ".join(PARTS))
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke run of the harness")
    parser.add_argument("--full-export", action="store_true",
                        help="export all 100,000 rows on SQLite too (adds ~2 minutes)")
    parser.add_argument("--output", type=Path, help="where to write the report")
    parser.add_argument("--render", type=Path, metavar="RESULTS_JSON",
                        help="only rewrite the report from a results.json of an earlier run")
    args = parser.parse_args(argv)
    args.parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        parser.error("unknown part(s): " + ", ".join(sorted(unknown)))
    if args.output is None:
        complete = not args.quick and set(args.parts) == set(PARTS)
        args.output = DOC if complete else RESULTS / "performance.md"
    return args


def run_parts(args: argparse.Namespace) -> dict:
    results: dict = {"skipped": {}}
    kinds = ["sqlite", "postgresql"] if postgres_available() else ["sqlite"]
    if "postgresql" not in kinds:
        results["skipped"]["postgresql"] = "PostgreSQL or Redis on 127.0.0.1 did not answer; SQLite only."
    for part in PARTS:
        if part not in args.parts:
            continue
        began = time.monotonic()
        print(f"• {part} …", flush=True)
        results[part] = _run(part, args, kinds)
        print(f"  {part}: {time.monotonic() - began:.0f} s", flush=True)
    return results


def _run(part: str, args: argparse.Namespace, kinds: list[str]) -> dict:
    quick = args.quick
    if part == "images":
        from bench import images

        return images.run(repetitions=3 if quick else 7)
    if part == "gateway":
        from bench import gateway
        from bench.server import running

        kind = kinds[-1]  # PostgreSQL + Redis when available: the production stack
        reps, seconds = (1, 0.5) if quick else (3, 1.0)
        with running(kind, "gateway") as (backend, server):
            result = gateway.run(server, repetitions=reps, seconds=seconds)
        return {**result, "backend": backend.label, "repetitions": reps, "seconds": seconds}
    if part == "wizard":
        from bench import wizard_locust

        return wizard_locust.run(kinds, users=20 if quick else 200, quick=quick)
    from bench import review_scale

    return review_scale.run(kinds, rows=5_000 if quick else review_scale.ROWS, full_export=args.full_export)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.render:
        args.output.write_text(report.render(json.loads(args.render.read_text())))
        print(f"✓ {args.output} (from {args.render})", flush=True)
        return 0
    started, load_before, described = datetime.now().astimezone(), machine.load_average(), machine.describe()
    began = time.monotonic()
    results = run_parts(args)
    command = "make bench" if args.output == DOC else "python -m bench.run " + " ".join(sys.argv[1:])
    results["meta"] = {
        "command": command.strip(), "started": f"{started:%Y-%m-%d %H:%M %Z}", "seconds": time.monotonic() - began,
        "load_before": load_before, "load_after": machine.load_average(), "machine": described,
        "quick": args.quick,
    }
    (RESULTS / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report.render(results))
    print(f"✓ {args.output.relative_to(ROOT)} ({results['meta']['seconds']:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
