"""`flask review ...`: reviewer accounts from the command line (there is no self-registration for them)."""

from __future__ import annotations

import sys

import click
from flask import current_app

from portal.extensions import db
from review_desk import bp
from shared_models.reference import region_full_name
from shared_models.reviewers import (
    ROLES,
    ReviewerError,
    create_reviewer,
    disable_reviewer,
    ensure_demo_admin,
    find_reviewer,
    set_reviewer_password,
    validate_reviewer,
)

bp.cli.short_help = "审核人员账号管理"


def _read_password(from_stdin: bool) -> str:
    """From standard input (first line, for scripts) or an interactive prompt typed twice, never echoed."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")


def _fail(exc: ReviewerError) -> None:
    for message in exc.errors.values():
        click.echo(f"错误：{message}", err=True)
    raise SystemExit(1)


@bp.cli.command("create-user")
@click.argument("username")
@click.option("--name", required=True, help="姓名")
@click.option("--role", type=click.Choice(sorted(ROLES)), default="reviewer", show_default=True, help="角色")
@click.option("--region", required=True, help="辖区行政区划代码：140000（全省）、市或县级代码")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（第一行）")
def create_user(username: str, name: str, role: str, region: str, password_stdin: bool) -> None:
    """Create a reviewer or admin of a jurisdiction."""
    try:
        data = validate_reviewer(username, name, role, region)
        reviewer = create_reviewer(db.session, data, _read_password(password_stdin))
    except ReviewerError as exc:
        db.session.rollback()
        _fail(exc)
        return
    db.session.commit()
    scope = region_full_name(reviewer.region_code)
    click.echo(f"已创建{ROLES[reviewer.role]} {reviewer.username}（{reviewer.name}），辖区：{scope}")


@bp.cli.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（第一行）")
def set_password(username: str, password_stdin: bool) -> None:
    """Set a reviewer's password (ends their open sessions)."""
    reviewer = find_reviewer(db.session, username)
    if reviewer is None:
        click.echo(f"错误：没有用户名为 {username} 的审核人员", err=True)
        raise SystemExit(1)
    try:
        set_reviewer_password(reviewer, _read_password(password_stdin))
    except ReviewerError as exc:
        db.session.rollback()
        _fail(exc)
        return
    db.session.commit()
    click.echo(f"已为 {reviewer.username} 设置新密码，其已登录的会话均已失效")


@bp.cli.command("disable")
@click.argument("username")
def disable(username: str) -> None:
    """Disable a reviewer: no more logins, open sessions end at their next request."""
    reviewer = find_reviewer(db.session, username)
    if reviewer is None:
        click.echo(f"错误：没有用户名为 {username} 的审核人员", err=True)
        raise SystemExit(1)
    disable_reviewer(reviewer)
    db.session.commit()
    click.echo(f"已停用审核人员 {reviewer.username}")


@bp.cli.command("ensure-demo")
def ensure_demo() -> None:
    """Development only: create or refresh the province demo admin with a new password; print one line."""
    if current_app.config.get("APP_ENV") == "production":
        click.echo("错误：生产环境不创建演示账号", err=True)
        raise SystemExit(1)
    reviewer, password = ensure_demo_admin(db.session)
    db.session.commit()
    click.echo(f"演示审核账号：{reviewer.username} / {password}")
