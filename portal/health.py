"""/healthz: JSON with a database and a Redis check; 503 when either fails (for load balancers)."""

from __future__ import annotations

import time

from flask import Blueprint, jsonify
from sqlalchemy import text

from portal.extensions import db, redis_store

bp = Blueprint("health", __name__)


def _check(fn) -> dict:
    started = time.perf_counter()
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - a health check reports every failure
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


@bp.get("/healthz")
def healthz():
    checks = {
        "database": _check(lambda: db.session.execute(text("SELECT 1")).scalar_one()),
        "redis": _check(lambda: redis_store.client.ping()),
    }
    healthy = all(c["ok"] for c in checks.values())
    response = jsonify(status="ok" if healthy else "fail", checks=checks)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz/live")
def live():
    """Liveness: the process answers, without touching the database or Redis (also the benchmarks' baseline)."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
