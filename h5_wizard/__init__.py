"""Accountants' H5: registration, login, the home page and the nine-step collection wizard."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("h5", __name__, url_prefix="/h5", template_folder="templates")


def init_app(app: Flask) -> None:
    from h5_wizard import accounts, home  # noqa: F401 - route registration
    from h5_wizard import password  # noqa: F401 - password recovery, reset and change
    from h5_wizard.cli import accounts_cli

    app.register_blueprint(bp)
    app.cli.add_command(accounts_cli)
