"""Accountants' H5: registration, login, the home page and the nine-step collection wizard."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint(
    "h5", __name__, url_prefix="/h5", template_folder="templates", static_folder="static", static_url_path="/static"
)


def init_app(app: Flask) -> None:
    from h5_wizard import (  # noqa: F401 - route registration
        accounts,
        files,  # the wizard: files, steps, submit, uploads
        home,
        password,  # password recovery, reset and change
        steps,
        submit,
        uploads,
    )
    from h5_wizard.cli import accounts_cli
    from h5_wizard.guide import guide  # noqa: F401 - /h5/guide, the accountants' 操作指南

    app.register_blueprint(bp)
    app.cli.add_command(accounts_cli)
