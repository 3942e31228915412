"""The composition root: settings, extensions, blueprints, error pages, security, CLI."""

from __future__ import annotations

from typing import Any

from flask import Flask

import h5_wizard
import review_desk
import wx_gateway
from portal import cli, health
from portal.errors import register_errors
from portal.extensions import csrf, db, login_manager, redis_store
from portal.logs import configure_logging
from portal.security import register_security
from portal.settings import load_settings

MAX_REQUEST_BYTES = 80 * 1024 * 1024  # up to five 15 MB images in one upload, plus the form


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    settings = load_settings(overrides)
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"], static_folder="static")
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="sxkj_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        WTF_CSRF_SSL_STRICT=False,  # behind WeChat's proxy the Referer is not always sent
        JSON_AS_ASCII=False,
    )
    app.config.update(settings)
    configure_logging()
    register_extensions(app)
    register_blueprints(app)
    register_errors(app)
    register_security(app)
    cli.register(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    redis_store.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    import portal.auth  # noqa: F401 - registers the user loader


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(health.bp)
    h5_wizard.init_app(app)
    review_desk.init_app(app)
    wx_gateway.init_app(app)
    if app.config.get("WECHAT_SANDBOX"):
        # Development and tests only: settings refuse the sandbox in production.
        import wechat_sandbox

        wechat_sandbox.init_app(app)
