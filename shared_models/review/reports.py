"""Statistics (city × status) and the export rows of a queue filter, read in chunks (constant memory)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from shared_models import status
from shared_models.models import Account, Application, Submission
from shared_models.reference import PROVINCE_CODE, cities, division
from shared_models.review.history import answers_of, applicant_of
from shared_models.review.queue import (
    BEIJING,
    QUEUE_STATUSES,
    QueueFilter,
    as_utc,
    filtered,
    jurisdiction_clause,
    order_by,
)
from shared_models.rules.wizard import FIELDS, summary
from shared_models.steps import STEPS

EXPORT_CHUNK = 500
# Steps without answers worth a column (the commitment is a checkbox, submit has none).
EXPORT_SKIP_STEPS = ("commitment", "submit")
FIXED_HEADERS = (
    "申请编号", "姓名", "有效身份证件类型", "证件号码", "电子邮箱（账号）", "审核状态",
    "首次提交时间", "最近提交时间", "审核时间",
)


@dataclass(frozen=True)
class StatsRow:
    code: str
    label: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def city_status_counts(session: Session, scope_code: str) -> tuple[list[StatsRow], StatsRow]:
    """Counts per city (省直 for the province itself) × queue status inside the jurisdiction, and the totals."""
    stmt = (
        select(Application.city_code, Application.status, func.count())
        .where(jurisdiction_clause(scope_code), Application.status.in_(QUEUE_STATUSES))
        .group_by(Application.city_code, Application.status)
    )
    by_city: dict[str, dict[str, int]] = {}
    for city_code, state, count in session.execute(stmt):
        by_city.setdefault(city_code or "", dict.fromkeys(QUEUE_STATUSES, 0))[state] = int(count)
    empty = dict.fromkeys(QUEUE_STATUSES, 0)
    rows = [StatsRow(code, label, by_city.get(city, empty)) for code, label, city in _stats_rows(scope_code)]
    totals = {s: sum(r.counts[s] for r in rows) for s in QUEUE_STATUSES}
    return rows, StatsRow("", "合计", totals)


def _stats_rows(scope_code: str) -> list[tuple[str, str, str]]:
    """(filter code, label, city_code) of each line: 省直 and every city, one city, or one county."""
    scope = division(scope_code)
    if scope is None:
        return []
    if scope.level == "province":
        return [(PROVINCE_CODE, "省直", PROVINCE_CODE), *((c.code, c.name, c.code) for c in cities())]
    return [(scope.code, scope.name, scope.city_code)]


def export_columns() -> list[tuple[str, str, str]]:
    """(step, field key, header) of every answer column, headers in Chinese from the wizard's labels."""
    specs = [
        (step.slug, spec)
        for step in STEPS
        if step.slug not in EXPORT_SKIP_STEPS
        for spec in FIELDS.get(step.slug, ())
        if not spec.readonly  # name and ID come from the account (fixed columns)
    ]
    names = [spec.name for _, spec in specs]
    titles = {s.slug: s.title for s in STEPS}
    return [
        (slug, spec.key, spec.name if names.count(spec.name) == 1 else f"{titles[slug]}-{spec.name}")
        for slug, spec in specs
    ]


def export_headers() -> list[str]:
    return [*FIXED_HEADERS, *(header for _, _, header in export_columns())]


def _when(moment: datetime | None) -> str:
    moment = as_utc(moment)
    return f"{moment.astimezone(BEIJING):%Y-%m-%d %H:%M}" if moment else ""


def export_rows(session: Session, scope_code: str, flt: QueueFilter) -> Iterator[list[Any]]:
    """One list per application of the filter (every field, full ID numbers), read EXPORT_CHUNK at a time.

    yield_per streams the result (a server-side cursor on PostgreSQL), so memory does not grow with the
    number of rows.
    """
    earlier = aliased(Submission)
    latest = (
        select(func.max(earlier.id)).where(earlier.application_id == Application.id)
        .correlate(Application).scalar_subquery()
    )
    stmt = (
        select(
            Application.id, Application.status, Application.first_submitted_at,
            Application.submitted_at, Application.decided_at, Account.name, Account.id_type,
            Account.id_number, Account.email, Submission.snapshot,
        )
        .join(Account, Account.id == Application.account_id)
        .join(Submission, Submission.id == latest)
        .where(*filtered(scope_code, flt))
    )
    stmt = order_by(stmt, flt).execution_options(yield_per=EXPORT_CHUNK)
    columns = export_columns()
    for row in session.execute(stmt):
        snapshot = row.snapshot or {}
        shown = {
            (step.slug, key): value
            for step, items in summary(answers_of(snapshot), applicant_of(snapshot))
            for key, _label, value in items
        }
        yield [
            row.id, row.name, row.id_type, row.id_number, row.email, status.label(row.status),
            _when(row.first_submitted_at), _when(row.submitted_at),
            _when(row.decided_at),
            *(str(shown.get((slug, key), "")) for slug, key, _ in columns),
        ]
