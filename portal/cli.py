"""Cross-cutting commands: `flask db upgrade|check|current`."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from flask.cli import AppGroup

ROOT = Path(__file__).resolve().parent.parent
db_cli = AppGroup("db", help="数据库迁移（Alembic）")


def alembic_config(database_url: str) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["database_url"] = database_url
    return cfg


@db_cli.command("upgrade")
@click.argument("revision", default="heads")
def upgrade(revision: str) -> None:
    """Apply migrations (default: every head)."""
    command.upgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)
    click.echo("数据库已迁移到最新版本")


@db_cli.command("check")
def check() -> None:
    """Fail when the models and the migrations differ."""
    command.check(alembic_config(current_app.config["DATABASE_URL"]))


@db_cli.command("current")
def current() -> None:
    command.current(alembic_config(current_app.config["DATABASE_URL"]), verbose=True)


def register(app: Flask) -> None:
    app.cli.add_command(db_cli)
