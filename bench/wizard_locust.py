"""Part 2, the wizard under a deadline rush: 200 accountants at once, on SQLite and on PostgreSQL.

Per backend: a fresh database, the production-like server, then Locust (headless, as a library in a child
process: Locust monkey-patches the standard library with gevent, which must not leak into the harness)
with 200 users who each register, walk the nine steps and submit once. Afterwards the database must hold
exactly 200 submitted applications with one submission each.

A separate, sequential run counts the SQL statements and Redis round trips of every step: the same journey
against a one-thread server whose WSGI entry (bench/wsgi_counting.py) counts them per request. The app
itself carries no benchmark hook.

Child process: `python -m bench.locustfile --host URL --users 200 --out result.json`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict

from bench.server import ROOT, Backend, Server, prepare_backend
from bench.stats import percentile

TARGET_P95_MS = 150.0


def rush(server: Server, users: int, *, think: tuple[float, float], spawn_rate: float) -> dict:
    """Run Locust in a child process against `server`; return its raw JSON."""
    out = server.backend.workdir / f"locust-{users}.json"
    env = dict(os.environ, BENCH_THINK_MIN=str(think[0]), BENCH_THINK_MAX=str(think[1]), BENCH_USERS=str(users),
               PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "bench.locustfile", "--host", server.base_url, "--users", str(users),
         "--spawn-rate", str(spawn_rate), "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=400,
    )
    if done.returncode or not out.exists():
        raise RuntimeError(f"locust failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(out.read_text())


def _quarters(values: list[float]) -> list[list[float]]:
    size = max(1, len(values) // 4)
    return [chunk for chunk in (values[i:i + size] for i in range(0, len(values), size)) if chunk][:4]


def submitted_in_db(backend: Backend) -> dict[str, int]:
    from sqlalchemy import func, select

    from shared_models.models import Application, Submission

    engine = backend.engine()
    with engine.connect() as conn:
        counts = {
            "submitted": conn.execute(
                select(func.count()).select_from(Application).where(Application.status == "submitted")
            ).scalar_one(),
            "applications": conn.execute(select(func.count()).select_from(Application)).scalar_one(),
            "submissions": conn.execute(select(func.count()).select_from(Submission)).scalar_one(),
        }
    engine.dispose()
    return counts


def summarise_rush(raw: dict, users: int, db: dict[str, int]) -> dict:
    steps = []
    for name, values in raw["samples"].items():
        steps.append({
            "name": name, "requests": len(values), "failures": len(raw["failures"].get(name, [])),
            "p50": percentile(values, 50), "p95": percentile(values, 95), "max": max(values),
            # Four cohorts in arrival order: the spread of p95 within the run.
            "p95_cohorts": [percentile(c, 95) for c in _quarters(values)],
            "upload": "(upload)" in name, "register": name == "POST register",
        })
    order = ["register", "home", "commitment", "photos", "basics", "qualification", "education", "employer",
             "certificates", "attachments", "submit", "done"]
    steps.sort(key=lambda s: (next((i for i, o in enumerate(order) if o in s["name"]), 99), s["name"]))
    failures = sum(s["failures"] for s in steps)
    timed = [s for s in steps if not s["upload"] and not s["register"]]
    return {
        "users": users, "seconds": raw["seconds"], "steps": steps, "failures": failures,
        "failure_samples": [m for ms in raw["failures"].values() for m in ms][:5] + raw["journey_errors"][:5],
        "submitted_by_users": raw["submitted"], "timed_out": raw["timed_out"],
        "submissions_per_minute": raw["submitted"] / raw["seconds"] * 60 if raw["seconds"] else 0.0,
        "db": db, "db_ok": db["submitted"] == users and db["submissions"] == users,
        "worst_p95": max(s["p95"] for s in timed) if timed else float("nan"),
        "worst_p95_step": max(timed, key=lambda s: s["p95"])["name"] if timed else "",
    }


def count_statements(kind: str, users: int = 2) -> dict:
    """SQL statements and Redis round trips (and commands) per request name, averaged over `users` walks."""
    import requests

    from bench.journey import Answer, Request, drive, journey

    backend = prepare_backend(kind, f"wizard-count-{kind}")
    per_name: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    try:
        with Server(backend, workers=1, threads=1, wsgi="bench.wsgi_counting:app") as server:
            for index in range(users):
                session = requests.Session()

                def execute(item: Request, session=session) -> Answer:
                    response = session.request(item.method, server.base_url + item.path, data=item.fields or None,
                                               files=item.files or None, allow_redirects=False, timeout=60)
                    headers = response.headers
                    per_name[item.name].append((int(headers["X-Bench-SQL"]), int(headers["X-Bench-Redis-Trips"]),
                                                int(headers["X-Bench-Redis-Commands"])))
                    return Answer(response.status_code, response.text, headers.get("Location", ""))

                drive(journey(900_000 + index), execute, lambda _s: None)
    finally:
        backend.close()
    return {
        name: {"sql": sum(v[0] for v in rows) / len(rows), "redis_trips": sum(v[1] for v in rows) / len(rows),
               "redis_commands": sum(v[2] for v in rows) / len(rows)}
        for name, rows in per_name.items()
    }


def run(kinds: list[str], *, users: int = 200, quick: bool = False) -> dict:
    """The rush on every backend in `kinds`, then the statement counts on each."""
    results: dict = {"users": users, "think": (1.0, 3.0) if not quick else (0.2, 0.5), "backends": {},
                     "spawn_rate": 10.0}
    for kind in kinds:
        backend = prepare_backend(kind, f"wizard-{kind}")
        try:
            with Server(backend) as server:
                raw = rush(server, users, think=results["think"], spawn_rate=results["spawn_rate"])
            results["backends"][kind] = {"label": backend.label,
                                         **summarise_rush(raw, users, submitted_in_db(backend))}
        finally:
            backend.close()
    results["counts"] = {kind: count_statements(kind) for kind in kinds}
    backends = list(results["backends"].values())
    worst = max(backends, key=lambda b: b["worst_p95"])
    results["targets"] = {
        "failures": {"total": sum(b["failures"] for b in backends),
                     "met": all(b["failures"] == 0 and b["submitted_by_users"] == users for b in backends)},
        "p95": {"worst": worst["worst_p95"], "where": f"{worst['worst_p95_step']}, {worst['label']}",
                "target": TARGET_P95_MS, "met": all(b["worst_p95"] < TARGET_P95_MS for b in backends)},
        "db": {"shown": ", ".join(f"{b['label']}: {b['db']['submitted']}" for b in backends),
               "met": all(b["db_ok"] for b in backends)},
    }
    return results
