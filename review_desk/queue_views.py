"""The queue, the statistics and the export of the reviewer's jurisdiction."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote

from flask import Response, render_template, request
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy.orm import Session

from portal.auth import current_reviewer, reviewer_required
from portal.extensions import db
from review_desk import bp
from review_desk.forms import parse_filter
from shared_models import status
from shared_models.reference import region_full_name
from shared_models.review import (
    ALL,
    OVERDUE_WORKING_DAYS,
    QUEUE_STATUSES,
    QueueFilter,
    queue_page,
    record_event,
    region_options,
)
from shared_models.review.queue import BEIJING
from shared_models.review.reports import city_status_counts, export_headers, export_rows

STREAM_CHUNK = 64 * 1024
STATUS_TABS = (
    (status.SUBMITTED, "待审核"), (status.REJECTED, "审核未通过"), (status.APPROVED, "审核通过"), (ALL, "全部"),
)


@bp.get("/")
@reviewer_required
def queue():
    reviewer = current_reviewer()
    flt, errors = parse_filter(request.args, reviewer.region_code)
    page = queue_page(db.session, reviewer.region_code, flt)
    return render_template(
        "review/queue.html",
        page=page,
        flt=flt,
        errors=errors,
        tabs=STATUS_TABS,
        regions=region_options(reviewer.region_code),
        scope_name=region_full_name(reviewer.region_code),
        overdue_days=OVERDUE_WORKING_DAYS,
        page_title="审核队列",
    )


@bp.get("/stats")
@reviewer_required
def stats():
    reviewer = current_reviewer()
    rows, totals = city_status_counts(db.session, reviewer.region_code)
    return render_template(
        "review/stats.html",
        rows=rows,
        totals=totals,
        statuses=[(s, status.label(s)) for s in QUEUE_STATUSES],
        scope_name=region_full_name(reviewer.region_code),
        page_title="统计",
    )


def xlsx_chunks(headers: list[str], rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """The workbook in chunks: rows go through openpyxl's write-only sheet (spooled to a temporary file,
    strings inline), the zip is written to a temporary file and read back in STREAM_CHUNK pieces, so
    memory stays flat whatever the number of rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("会计人员信息")
    sheet.freeze_panes = "C2"
    bold = Font(bold=True)
    sheet.append([_bold(WriteOnlyCell(sheet, value=h), bold) for h in headers])
    for row in rows:
        sheet.append(row)
    with tempfile.TemporaryFile() as fh:
        workbook.save(fh)
        fh.seek(0)
        while chunk := fh.read(STREAM_CHUNK):
            yield chunk


def _bold(cell: WriteOnlyCell, font: Font) -> WriteOnlyCell:
    cell.font = font
    return cell


def _export_stream(session: Session, scope_code: str, flt: QueueFilter) -> Iterator[bytes]:
    """The rows are read while the response is sent, after the request's own session has been closed:
    the stream owns a session of its own and closes it (ending its transaction) when done or aborted."""
    try:
        yield from xlsx_chunks(export_headers(), export_rows(session, scope_code, flt))
    finally:
        session.close()


@bp.get("/export.xlsx")
@reviewer_required
def export():
    """Every field of the current filter, ID numbers in full (for the finance department): audited."""
    reviewer = current_reviewer()
    flt, _errors = parse_filter(request.args, reviewer.region_code)
    params = flt.params(page=1)
    record_event(db.session, reviewer, "review.export", {"format": "xlsx", "filter": params})
    db.session.commit()
    chunks = _export_stream(db.new_session(), reviewer.region_code, flt)
    stamp = f"{datetime.now(BEIJING):%Y%m%d-%H%M}"
    response = Response(
        chunks,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    # RFC 6266: an ASCII name for old clients, the Chinese one as filename* (headers must stay latin-1).
    response.headers["Content-Disposition"] = (
        f'attachment; filename="kuaiji-{stamp}.xlsx"; filename*=UTF-8\'\'{quote(f"会计人员信息-{stamp}.xlsx")}'
    )
    return response
