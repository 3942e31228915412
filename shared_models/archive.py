"""Legacy archive import (原有我省会计从业资格档案): accounts plus a prefilled draft, one row at a time.

Each row is validated with the shared rules (identity, name, e-mail, the legacy password digest, and every
profile step with validate_partial). A row whose account data is invalid is refused; invalid profile values
are left out of an otherwise good row and reported. Rows are written in batches; when a batch fails (a
concurrent registration of the same number) it is rolled back and replayed row by row, so a row either
fully lands or not at all. Re-importing the same file changes nothing; an existing account keeps its
password and whatever its owner saved: only empty fields of steps not yet confirmed are filled.
No password is ever hashed here: legacy digests are stored as they are and replaced at the first login.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, lazyload

from shared_models import status
from shared_models.archive_reader import ArchiveFile, profile_keys
from shared_models.archive_rows import ArchiveRow, parse_row
from shared_models.db import utcnow
from shared_models.models import Account, Application, ApplicationSection
from shared_models.reference import division
from shared_models.rules.identity import mask_id_number
from shared_models.rules.wizard import Applicant, validate_partial

BATCH_SIZE = 500
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
ARCHIVE = "archive"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RowNote:
    line: int
    masked_id: str
    reason: str


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[RowNote] = field(default_factory=list)
    warnings: list[RowNote] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def summary(self) -> str:
        prefix = "（试运行，未写入任何数据）" if self.dry_run else ""
        return (
            f"{prefix}数据行 {self.rows}：新建 {self.created}，更新 {self.updated}，"
            f"无变化 {self.unchanged}，拒绝 {len(self.refused)}"
        )

    def lines(self) -> list[str]:
        """The full report in Chinese: counts, ignored columns, every refused row, every partial row."""
        out = ["山西省会计人员档案导入报告", self.summary()]
        if self.ignored_columns:
            out.append("未识别（已忽略）的列：" + "、".join(self.ignored_columns))
        out.append(f"被拒绝的行（{len(self.refused)}）：")
        out += [f"  第{n.line}行（{n.masked_id}）：{n.reason}" for n in self.refused] or ["  无"]
        out.append(f"已导入但部分字段未导入的行（{len(self.warnings)}）：")
        out += [f"  第{n.line}行（{n.masked_id}）：{n.reason}" for n in self.warnings] or ["  无"]
        return out


def import_archive(
    session: Session,
    archive: ArchiveFile,
    *,
    dry_run: bool = False,
    today: date | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Validate every row, then upsert the good ones in batches (commits, unless dry_run)."""
    today = today or date.today()
    report = ImportReport(dry_run=dry_run, rows=len(archive.rows), ignored_columns=list(archive.ignored_columns))
    good = _validated_rows(archive, today, report)
    done = len(archive.rows) - len(good)
    for start in range(0, len(good), batch_size):
        batch = good[start : start + batch_size]
        for row, outcome in _write_batch(session, batch, today, dry_run):
            if outcome in (CREATED, UPDATED, UNCHANGED):
                report.count(outcome)
            else:
                report.refused.append(RowNote(row.line, mask_id_number(row.id_number), outcome))
        done += len(batch)
        if progress:
            progress(done, len(archive.rows))
    report.refused.sort(key=lambda n: n.line)
    return report


def _validated_rows(archive: ArchiveFile, today: date, report: ImportReport) -> list[ArchiveRow]:
    keys = profile_keys()
    seen: dict[tuple[str, str], int] = {}
    good: list[ArchiveRow] = []
    for line, raw in archive.rows:
        row, reason = parse_row(line, raw, keys, today)
        if row is None:
            report.refused.append(RowNote(line, mask_id_number(raw.get("id_number", "").upper()), reason or ""))
            continue
        first = seen.setdefault((row.id_type, row.id_number), line)
        if first != line:
            report.refused.append(RowNote(line, mask_id_number(row.id_number), f"与第{first}行的证件号码重复，未导入"))
            continue
        if row.warnings:
            report.warnings.append(RowNote(line, mask_id_number(row.id_number), "；".join(row.warnings)))
        good.append(row)
    return good


def _write_batch(session: Session, batch: list[ArchiveRow], today: date, dry_run: bool) -> list[tuple[ArchiveRow, str]]:
    try:
        results = _apply_rows(session, batch, today, write=not dry_run)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    except IntegrityError:
        # Someone registered one of these numbers meanwhile: replay the batch one row per transaction.
        session.rollback()
        results = []
        for row in batch:
            try:
                results += _apply_rows(session, [row], today, write=True)
                session.commit()
            except IntegrityError:
                session.rollback()
                results.append((row, "该证件号码的账号正在被其他操作写入，请稍后重新导入"))
    session.expunge_all()  # keep memory flat on large files
    return results


def _apply_rows(session: Session, rows: list[ArchiveRow], today: date, *, write: bool) -> list[tuple[ArchiveRow, str]]:
    accounts, applications = _preload(session, rows)
    results, new_rows = [], []
    for row in rows:
        account = accounts.get((row.id_type, row.id_number))
        if account is None:
            new_rows.append(row)
            results.append((row, CREATED))
            continue
        application = applications.get(account.id)
        changed = _update_account(account, row, write=write)
        changed |= _fill_answers(session, account, application, row, today, write=write)
        results.append((row, UPDATED if changed else UNCHANGED))
    if write:
        session.flush()
        if new_rows:
            _create_all(session, new_rows)
    return results


def _preload(session: Session, rows: list[ArchiveRow]) -> tuple[dict[tuple[str, str], Account], dict[int, Application]]:
    """Existing accounts and applications of a batch in two queries (no per-row SELECT)."""
    numbers = sorted({r.id_number for r in rows})
    found = session.scalars(select(Account).where(Account.id_number.in_(numbers)))
    accounts = {(a.id_type, a.id_number): a for a in found}
    ids = [a.id for a in accounts.values()]
    applications = {}
    if ids:
        # The accounts are in the identity map already: no join back to them.
        query = select(Application).options(lazyload(Application.account)).where(Application.account_id.in_(ids))
        rows = session.scalars(query)
        applications = {a.account_id: a for a in rows}
    return accounts, applications


def _create_all(session: Session, rows: list[ArchiveRow]) -> None:
    """New accounts, their drafts and sections as three multi-row INSERTs (the ORM unit of work per object
    would cost milliseconds per row; a file of tens of thousands of rows must import in seconds)."""
    now = utcnow()
    account_ids = session.scalars(
        insert(Account).returning(Account.id, sort_by_parameter_order=True),
        [
            {
                "id_type": r.id_type, "id_number": r.id_number, "name": r.name, "email": r.email,
                "phone": r.phone or None, "password_hash": r.password_hash, "session_version": 1,
                "must_change_password": r.initial_password, "origin": ARCHIVE, "created_at": now,
            }
            for r in rows
        ],
    ).all()
    drafts = []
    for account_id, row in zip(account_ids, rows, strict=True):
        region = division(row.answers.get("basics", {}).get("region_code"))
        drafts.append({
            "account_id": account_id, "status": status.DRAFT, "created_at": now, "updated_at": now, "version": 1,
            "region_code": region.code if region else None, "city_code": region.city_code if region else None,
        })
    application_ids = session.scalars(
        insert(Application).returning(Application.id, sort_by_parameter_order=True), drafts
    ).all()
    sections = [
        {"application_id": app_id, "step": step, "data": dict(data), "origins": dict.fromkeys(data, ARCHIVE),
         "completed": False, "saved_at": now}
        for app_id, row in zip(application_ids, rows, strict=True)
        for step, data in row.answers.items()
    ]
    if sections:
        session.execute(insert(ApplicationSection), sections)


def _set_region(application: Application, code: str | None) -> None:
    region = division(code)
    if region is not None and application.region_code is None:
        application.region_code, application.city_code = region.code, region.city_code


def _update_account(account: Account, row: ArchiveRow, *, write: bool) -> bool:
    """Only an archive account nobody has used yet takes corrected credentials and contact data from the file."""
    if account.origin != ARCHIVE or account.last_login_at is not None or account.password_changed_at is not None:
        return False
    wanted = {
        "name": row.name,
        "email": row.email,
        "phone": row.phone or None,
        "password_hash": row.password_hash,
        "must_change_password": row.initial_password,
    }
    changes = {k: v for k, v in wanted.items() if getattr(account, k) != v}
    if write:
        for key, value in changes.items():
            setattr(account, key, value)
    return bool(changes)


def _fill_answers(
    session: Session, account: Account, application: Application | None, row: ArchiveRow, today: date, *, write: bool
) -> bool:
    """Add imported values to empty fields of steps the owner has not confirmed; never overwrite."""
    if not row.answers:
        return False
    if application is None:
        if write:
            application = Application(account_id=account.id, status=status.DRAFT)
            session.add(application)
        else:
            return True
    if not status.is_editable(application.status):
        return False
    applicant = Applicant.from_account(account, today=today)
    answers = application.answers()
    changed = False
    for step, imported in row.answers.items():
        if step == "basics" and "email" in imported:
            # The contact address of an existing account is the account's own, not the archive's.
            imported = {**imported, "email": account.email} if account.email else _without(imported, "email")
        additions = _additions(step, imported, application.section(step), applicant, answers)
        if not additions:
            continue
        changed = True
        if write:
            _merge_section(application, step, additions)
            if step == "basics":
                _set_region(application, additions.get("region_code"))
    return changed


def _without(values: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != key}


def _additions(step: str, imported: dict[str, Any], section: ApplicationSection | None, applicant, answers) -> dict:
    if section is not None and section.completed:
        return {}
    saved = {k: v for k, v in ((section.data if section else None) or {}).items() if v not in (None, "", [])}
    if all(k in saved for k in imported):
        return {}  # the common case of a re-import: nothing empty left to fill, no need to validate
    # Re-validate together with what is saved, so that no value is added that does not apply next to it.
    result = validate_partial(step, {**imported, **saved}, applicant, answers)
    return {k: v for k, v in result.data.items() if k in imported and k not in saved}


def _merge_section(application: Application, step: str, additions: dict[str, Any]) -> None:
    section = application.section(step)
    if section is None:
        section = ApplicationSection(step=step, data={}, origins={}, completed=False)
        application.sections.append(section)
    # New dicts (not in-place updates): the JSON columns only notice assignment.
    section.data = {**(section.data or {}), **additions}
    section.origins = {**(section.origins or {}), **dict.fromkeys(additions, ARCHIVE)}
