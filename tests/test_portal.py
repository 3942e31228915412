"""The skeleton: settings, health, error pages, security headers, migrations match the models."""

import logging

import pytest
from alembic import command

from portal.cli import alembic_config
from portal.logs import MaskIdNumbers, mask_ids
from portal.settings import SettingsError, load_settings
from tests.conftest import html


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["checks"]["database"]["ok"] and body["checks"]["redis"]["ok"]


def test_healthz_503_when_redis_is_down(settings, db_engine):
    from portal.factory import create_app

    app = create_app({**settings, "REDIS_URL": "redis://127.0.0.1:1/0"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"]["ok"] is False


def test_healthz_503_when_database_is_down(settings, tmp_path):
    from portal.factory import create_app

    app = create_app({**settings, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"]["ok"] is False


def test_chinese_404_page(client):
    response = client.get("/h5/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in html(response)


def test_413_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/h5/register", data={"x": "y" * 5000})
    assert response.status_code == 413
    assert "文件过大" in html(response)


def test_500_page_is_chinese_and_logged(app, client, caplog):
    @app.get("/boom-test")
    def boom():
        raise RuntimeError("boom")

    response = client.get("/boom-test")
    assert response.status_code == 500
    assert "系统繁忙" in html(response)


def test_security_headers(client):
    response = client.get("/h5/login")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_session_cookie_is_http_only(client, register):
    response = register()
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_environment_wins_over_committed_defaults():
    settings = load_settings({"APP_ENV": "testing"}, environ={"WECHAT_TOKEN": "from-env", "LOGIN_MAX_FAILURES": "7"})
    assert settings["WECHAT_TOKEN"] == "from-env"
    assert settings["LOGIN_MAX_FAILURES"] == 7


def test_production_refuses_to_start_without_secret_key():
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        load_settings(environ={"APP_ENV": "production"})


def test_production_refuses_the_sandbox():
    env = {"APP_ENV": "production", "SECRET_KEY": "x" * 32, "WECHAT_APPID": "wx1", "WECHAT_SECRET": "s",
           "WECHAT_TOKEN": "t", "WECHAT_SANDBOX": "1"}
    with pytest.raises(SettingsError, match="sandbox"):
        load_settings(environ=env)


def test_production_starts_with_its_secrets():
    env = {"APP_ENV": "production", "SECRET_KEY": "x" * 32, "WECHAT_APPID": "wx1", "WECHAT_SECRET": "s",
           "WECHAT_TOKEN": "t"}
    settings = load_settings(environ=env)
    assert settings["SESSION_COOKIE_SECURE"] is True and settings["WECHAT_SANDBOX"] is False


def test_models_match_migrations(database_url):
    """alembic check: fails when a model changes without a migration."""
    command.check(alembic_config(database_url))


def test_id_numbers_are_masked_in_logs():
    assert mask_ids("login 11010519491231002X from 1.2.3.4") == "login 1101**********002X from 1.2.3.4"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "user %s", ("11010519491231002x",), None)
    MaskIdNumbers().filter(record)
    assert record.getMessage() == "user 1101**********002X"


def test_liveness_is_constant_and_touches_nothing(settings, db_engine):
    from portal.factory import create_app

    app = create_app({**settings, "REDIS_URL": "redis://127.0.0.1:1/0"})
    response = app.test_client().get("/healthz/live")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok"
