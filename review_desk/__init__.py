"""Reviewers' desk: queue, detail, decisions, history, export (desktop layout)."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("review", __name__, url_prefix="/review", template_folder="templates")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
