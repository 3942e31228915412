"""The queue (filters, search, pagination, counts, overdue), the statistics and the export."""

from __future__ import annotations

import io
import re
import tracemalloc
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select

from shared_models.models import AuditEvent
from shared_models.review import QueueFilter, queue_page, working_days_between
from shared_models.review.queue import BEIJING, PAGE_SIZE
from shared_models.review.reports import export_headers, export_rows
from tests.conftest import html
from tests.fixtures_review import DATONG_PINGCHENG, XIAODIAN, YINGZE, make_id


def _rows(page: str) -> list[str]:
    return re.findall(r'data-application="(\d+)"', page)


def _names(page: str) -> set[str]:
    return set(re.findall(r'data-application="\d+">\s*<td>(.*?)</td>', page))


def _days_ago(days: int) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 1, 5), date(2026, 1, 5), 0),  # same day
        (date(2026, 1, 5), date(2026, 1, 9), 4),  # Mon -> Fri
        (date(2026, 1, 9), date(2026, 1, 12), 1),  # Fri -> Mon: the weekend does not count
        (date(2026, 1, 10), date(2026, 1, 11), 0),  # Sat -> Sun
        (date(2026, 1, 5), date(2026, 1, 12), 5),  # one week
        (date(2026, 1, 5), date(2026, 1, 13), 6),  # over five working days
        (date(2026, 1, 1), date(2026, 3, 2), 42),
        (date(2026, 1, 9), date(2026, 1, 5), 0),  # reversed
    ],
)
def test_working_days(start, end, expected):
    assert working_days_between(start, end) == expected


def test_working_days_matches_counting_day_by_day():
    start = date(2025, 12, 20)
    for span in range(0, 40):
        end = start + timedelta(days=span)
        slow = sum(1 for i in range(1, span + 1) if (start + timedelta(days=i)).weekday() < 5)
        assert working_days_between(start, end) == slow


def test_overdue_after_five_working_days(review):
    review.application(name="新提交", submitted_at=_days_ago(1))
    review.application(name="等了两周", submitted_at=_days_ago(14))
    page = queue_page(review.fresh(), "140000", QueueFilter())
    by_name = {row.name: row for row in page.rows}
    assert by_name["等了两周"].overdue and by_name["等了两周"].working_days >= 10
    assert by_name["等了两周"].days_waiting == 14
    assert not by_name["新提交"].overdue
    # Oldest first in 待审核.
    assert [r.name for r in page.rows] == ["等了两周", "新提交"]


def test_queue_page_shows_overdue_masked_ids_and_counts(client, review, review_login):
    review.reviewer()
    old = review.application(name="赵久等", submitted_at=_days_ago(20), id_number=make_id(7))
    review.application(name="钱新", submitted_at=_days_ago(0))
    review.application(name="孙通过", status="approved")
    review.application(name="李退回", status="rejected")
    review_login()
    page = html(client.get("/review/"))
    assert _rows(page)[0] == str(old.id)
    assert "desk-row_overdue" in page and "已超期" in page
    assert make_id(7) not in page and make_id(7)[:4] + "**********" + make_id(7)[-4:] in page
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', page))
    assert counts == {"submitted": "2", "rejected": "1", "approved": "1", "all": "4"}
    assert "孙通过" not in page  # the default list is 待审核 only
    assert "孙通过" in html(client.get("/review/?status=approved"))


def test_drafts_are_not_listed(client, review, review_login):
    review.reviewer()
    review.application(name="草稿人", status="draft")
    review_login()
    page = html(client.get("/review/?status=all"))
    assert "草稿人" not in page


def test_filters_by_region_and_date(client, review, review_login):
    review.reviewer(region="140100")
    review.application(name="小店早", region=XIAODIAN, submitted_at=datetime(2026, 1, 5, 2, tzinfo=UTC))
    review.application(name="小店晚", region=XIAODIAN, submitted_at=datetime(2026, 1, 20, 2, tzinfo=UTC))
    review.application(name="迎泽人", region=YINGZE, submitted_at=datetime(2026, 1, 6, 2, tzinfo=UTC))
    review_login()
    page = html(client.get("/review/", query_string={"region": XIAODIAN}))
    assert _names(page) == {"小店早", "小店晚"}
    page = html(client.get("/review/", query_string={"region": "140100"}))
    assert _names(page) == {"小店早", "小店晚", "迎泽人"}
    page = html(client.get("/review/", query_string={"from": "2026-01-06", "to": "2026-01-10"}))
    assert _names(page) == {"迎泽人"}
    # Beijing day boundaries: 2026-01-05 02:00 UTC is 10:00 in Beijing on the 5th.
    page = html(client.get("/review/", query_string={"to": "2026-01-05"}))
    assert _names(page) == {"小店早"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2026-13-01"}, "提交日期（起）应为日期"),
        ({"from": "2026-02-01", "to": "2026-01-01"}, "提交日期（止）不能早于提交日期（起）"),
        ({"region": "999999"}, "所选地区不在您的辖区内"),
        ({"region": DATONG_PINGCHENG}, "所选地区不在您的辖区内"),
        ({"q": "张" * 51}, "搜索内容不能超过50个字"),
        ({"page": "abc", "status": "bogus"}, None),
    ],
)
def test_bad_filters_get_a_message_not_a_500(client, review, review_login, params, message):
    review.reviewer(region="140100")
    review.application(name="仍然列出", region=XIAODIAN)
    review_login()
    response = client.get("/review/", query_string=params)
    page = html(response)
    assert response.status_code == 200
    if message:
        assert message in page
    assert "仍然列出" in page  # the bad part is dropped, the rest still applies


def test_search_by_name_prefix_and_full_id_number(client, review, review_login):
    review.reviewer()
    review.application(name="欧阳娜娜", id_number=make_id(11))
    review.application(name="欧阳修", id_number=make_id(12))
    review.application(name="王五", id_number=make_id(13))
    review_login()
    page = html(client.get("/review/", query_string={"q": "欧阳"}))
    assert _names(page) == {"欧阳娜娜", "欧阳修"}
    page = html(client.get("/review/", query_string={"q": " 欧阳修 "}))
    assert _names(page) == {"欧阳修"}
    number = make_id(13)
    assert _names(html(client.get("/review/", query_string={"q": number}))) == {"王五"}
    assert make_id(11).endswith("X")
    page = html(client.get("/review/", query_string={"q": make_id(11).lower()}))  # normalised upper-case
    assert _names(page) == {"欧阳娜娜"}
    page = html(client.get("/review/", query_string={"q": number[:10]}))  # partial numbers do not match
    assert "没有符合条件的记录" in page
    page = html(client.get("/review/", query_string={"q": "%"}))  # wildcards are literal
    assert "没有符合条件的记录" in page


def test_pagination_and_two_queries_per_page(app, client, review, review_login):
    review.reviewer()
    review.bulk(PAGE_SIZE * 2 + 5)
    review_login()
    first = _rows(html(client.get("/review/")))
    second = _rows(html(client.get("/review/?page=2")))
    third_page = html(client.get("/review/?page=3"))
    assert len(first) == len(second) == PAGE_SIZE and len(_rows(third_page)) == 5
    assert not set(first) & set(second)
    assert first == sorted(first, key=int)  # bulk rows were submitted in id order: oldest first
    assert "第 3 / 3 页" in third_page
    assert len(_rows(html(client.get("/review/?page=99")))) == 5  # past the end: the last page

    statements: list[str] = []
    engine = app.extensions["db"]["engine"]

    def count(conn, cursor, statement, *args):
        if "applications" in statement:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get("/review/?page=2")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # One for the counts, one for the page (the reviewer's own row is loaded by the session loader).
    assert len(statements) == 2, statements


def test_stats_city_by_status(client, review, review_login):
    review.reviewer(region="140000")
    review.application(region=XIAODIAN)
    review.application(region=YINGZE, status="approved")
    review.application(region=DATONG_PINGCHENG, status="rejected")
    review.application(region="140000")
    review_login()
    page = html(client.get("/review/stats"))
    cells = dict(re.findall(r'<tr data-city="(\w+)">(.*?)</tr>', page, re.S))
    taiyuan = cells["140100"]
    assert re.search(r'data-status="submitted">.*?>1</a>', taiyuan)
    assert re.search(r'data-status="approved">.*?>1</a>', taiyuan)
    assert 'data-status="total">2<' in taiyuan
    assert re.search(r'data-status="rejected">.*?>1</a>', cells["140200"])
    assert re.search(r'data-status="submitted">.*?>1</a>', cells["140000"])  # 省直
    assert 'data-status="total">4<' in cells["total"]


def test_stats_of_a_county_reviewer_show_only_the_county(client, review, review_login):
    review.reviewer(region=XIAODIAN)
    review.application(region=XIAODIAN)
    review.application(region=YINGZE)
    review_login()
    page = html(client.get("/review/stats"))
    assert "小店区" in page and 'data-city="140100"' not in page
    assert re.search(r'<tr data-city="total">.*?data-status="total">1<', page, re.S)


def _sheet(response):
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_export_contents_match_the_database(client, review, review_login):
    review.reviewer(region="140100")
    application = review.application(name="导出人", region=XIAODIAN, id_number=make_id(21))
    review.application(name="已通过", region=YINGZE, status="approved")
    review_login()
    response = client.get("/review/export.xlsx")  # the queue's default filter: 待审核
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    headers, rows = _sheet(response)
    assert list(headers) == export_headers()
    assert len(rows) == 1
    row = dict(zip(headers, rows[0], strict=True))
    assert row["申请编号"] == application.id and row["姓名"] == "导出人"
    assert row["证件号码"] == make_id(21)  # in full: the export is for the finance department
    assert row["审核状态"] == "待审核"
    assert row["所属行政区划"] == "山西省太原市小店区"
    assert row["民族"] == "汉族" and row["全日制毕业院校"] == "山西财经大学" and row["工作状态"] == "在职"
    assert row["入职时间"] and row["专业技术资格级别"] == "中级"
    _, all_rows = _sheet(client.get("/review/export.xlsx?status=all"))
    assert sorted(r[1] for r in all_rows) == ["导出人", "已通过"]


def test_export_is_audited_and_streamed(client, review, review_login):
    reviewer = review.reviewer()
    review.application()
    review_login()
    response = client.get("/review/export.xlsx?status=all&q=王芳")
    assert response.is_streamed
    response.close()
    event_row = review.fresh().scalar(select(AuditEvent).where(AuditEvent.action == "review.export"))
    assert event_row.actor_id == reviewer.id
    assert event_row.details["filter"] == {"status": "all", "q": "王芳"}


def test_export_memory_does_not_grow_with_rows(app, review):
    """Peak memory of writing 800 rows is about that of 200 (rows are streamed, strings inline)."""
    from review_desk.queue_views import xlsx_chunks

    review.bulk(800)

    def peak(limit: int) -> int:
        with app.app_context():
            from portal.extensions import db

            rows = (r for i, r in enumerate(export_rows(db.session, "140000", QueueFilter())) if i < limit)
            tracemalloc.start()
            size = sum(len(chunk) for chunk in xlsx_chunks(export_headers(), rows))
            _, top = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            assert size > 0
            return top

    small, large = peak(200), peak(800)
    assert large < small * 1.5, (small, large)


def test_queue_dates_are_beijing_time(client, review, review_login):
    review.reviewer()
    review.application(submitted_at=datetime(2026, 1, 5, 17, 30, tzinfo=UTC))
    review_login()
    moment = datetime(2026, 1, 5, 17, 30, tzinfo=UTC).astimezone(BEIJING)
    assert f"{moment:%Y-%m-%d %H:%M}" in html(client.get("/review/"))  # 2026-01-06 01:30
