"""`flask wx …`: the custom menu (validate, show, diff, publish, delete) and outbox delivery."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db
from wx_gateway import menu as menus
from wx_gateway.client import WeChatError, get_client, menu_create, menu_delete, menu_get

wx_cli = AppGroup("wx", help="微信公众号：自定义菜单、模板消息投递")


FILE_OPTION = click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                           default=None, help="菜单文件（默认为仓库根目录的 menu.json）")


def _wanted(path: Path | None) -> dict:
    try:
        raw = menus.load(path)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"无法读取 menu.json：{exc}") from exc
    return menus.expand(raw, current_app.config["PUBLIC_BASE_URL"])


def _valid_menu(path: Path | None = None) -> dict:
    wanted = _wanted(path)
    errors = menus.validate(wanted, current_app)
    if errors:
        for error in errors:
            click.echo(f"✗ {error}", err=True)
        raise click.ClickException(f"menu.json 有 {len(errors)} 处错误，未发布")
    return wanted


def _published() -> dict | None:
    try:
        return menu_get(get_client())
    except WeChatError as exc:
        raise click.ClickException(f"无法读取微信当前菜单：{exc}") from exc


@wx_cli.command("menu-validate")
@FILE_OPTION
def menu_validate(path: Path | None) -> None:
    """Check menu.json against WeChat's rules and this app's routes."""
    _valid_menu(path)
    click.echo("✓ menu.json 校验通过")


@wx_cli.command("menu-show")
def menu_show() -> None:
    """Print the menu WeChat currently has."""
    published = _published()
    if published is None:
        click.echo("微信当前没有自定义菜单")
        return
    click.echo(json.dumps(menus.normalise(published), ensure_ascii=False, indent=2))


@wx_cli.command("menu-diff")
@FILE_OPTION
def menu_diff(path: Path | None) -> None:
    """Show what publishing menu.json would change (exit 1 when different)."""
    lines = menus.diff(_published(), _valid_menu(path))
    if not lines:
        click.echo("微信当前菜单与 menu.json 一致")
        return
    click.echo("\n".join(lines))
    sys.exit(1)


@wx_cli.command("menu-publish")
@click.option("--yes", is_flag=True, help="不询问，直接发布")
@FILE_OPTION
def menu_publish(yes: bool, path: Path | None) -> None:
    """Validate menu.json, show the diff, publish it, and read it back."""
    wanted = _valid_menu(path)
    lines = menus.diff(_published(), wanted)
    if not lines:
        click.echo("微信当前菜单与 menu.json 一致，无需发布")
        return
    click.echo("\n".join(lines))
    if not yes and not click.confirm("确认发布以上菜单？", default=False):
        raise click.ClickException("已取消发布")
    try:
        menu_create(get_client(), wanted)
    except WeChatError as exc:
        raise click.ClickException(f"微信拒绝了菜单：{exc}") from exc
    if menus.diff(_published(), wanted):
        raise click.ClickException("发布后读取到的菜单与 menu.json 不一致，请检查")
    click.echo("✓ 菜单已发布（微信客户端约 5 分钟内更新，重新关注可立即看到）")


@wx_cli.command("menu-delete")
@click.option("--yes", is_flag=True, help="不询问，直接删除")
def menu_delete_cmd(yes: bool) -> None:
    """Delete the custom menu on WeChat."""
    if not yes and not click.confirm("确认删除公众号的自定义菜单？", default=False):
        raise click.ClickException("已取消")
    try:
        menu_delete(get_client())
    except WeChatError as exc:
        raise click.ClickException(f"删除失败：{exc}") from exc
    click.echo("✓ 自定义菜单已删除")


@wx_cli.command("deliver-outbox")
@click.option("--limit", default=100, show_default=True, help="本次最多发送的条数")
def deliver_outbox(limit: int) -> None:
    """Send due review-result notifications (retries with backoff; permanent failures are kept)."""
    from wx_gateway.notify import deliver_due

    session = db.new_session()
    try:
        report = deliver_due(session, get_client(), limit=limit)
    finally:
        session.close()
    click.echo(f"已发送 {report.sent}，待重试 {report.retried}，失败 {report.failed}，跳过 {report.skipped}")
    for error in report.errors:
        click.echo(f"  {error}", err=True)
