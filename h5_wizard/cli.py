"""`flask accounts import-archive FILE [--dry-run] [--report PATH]`: legacy archive import (docs/archive-import.md)."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import click
from flask.cli import AppGroup

from portal.extensions import db
from shared_models.archive import import_archive
from shared_models.archive_reader import ArchiveFormatError, read_archive

accounts_cli = AppGroup("accounts", help="会计人员账号管理（原档案导入）")
log = logging.getLogger(__name__)
PROGRESS_EVERY = 2000


def _progress(started: float):
    shown = {"next": PROGRESS_EVERY}

    def report(done: int, total: int) -> None:
        # One line every PROGRESS_EVERY rows on stderr, so that stdout stays the summary alone.
        if done >= shown["next"] or done == total:
            click.echo(f"已处理 {done}/{total} 行（{time.monotonic() - started:.1f} 秒）", err=True)
            shown["next"] = done + PROGRESS_EVERY

    return report


@accounts_cli.command("import-archive")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只检查并报告将要发生的变化，不写入数据库")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="把完整报告（含每一条被拒绝的行及原因）写入该文件（UTF-8）")
def import_archive_command(file: Path, dry_run: bool, report_path: Path | None) -> None:
    """导入原有我省会计从业资格档案（.xlsx 或 .csv，UTF-8 或 GBK）。"""
    started = time.monotonic()
    try:
        archive = read_archive(file)
    except ArchiveFormatError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"读取 {file.name}：{len(archive.rows)} 个数据行", err=True)
    session = db.new_session()
    try:
        report = import_archive(session, archive, dry_run=dry_run, progress=_progress(started))
    finally:
        session.close()
    lines = report.lines()
    if report_path is not None:
        report_path.write_text("\n".join([f"文件：{file}", *lines]) + "\n", encoding="utf-8")
    click.echo(report.summary())
    shown = report.refused[:20]
    for note in shown:
        click.echo(f"  第{note.line}行（{note.masked_id}）：{note.reason}")
    if len(report.refused) > len(shown):
        hint = f"完整列表见 {report_path}" if report_path else "用 --report 文件 查看完整列表"
        click.echo(f"  ……另有 {len(report.refused) - len(shown)} 行被拒绝，{hint}")
    log.info("archive import of %s: %s (%.1fs)", file.name, report.summary(), time.monotonic() - started)
    if report.refused and not (report.created or report.updated or report.unchanged):
        sys.exit(1)  # nothing usable in the file: let scripts notice
