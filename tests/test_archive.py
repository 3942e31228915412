"""Legacy archive import: files, validation, report, idempotence, dry run, existing accounts (issue 6)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shared_models.models import Account, Application, ApplicationSection
from tests.fixtures_archive import archive_row, make_id, md5_of, write_csv, write_xlsx


def _import(app, path, *extra):
    return app.test_cli_runner().invoke(args=["accounts", "import-archive", str(path), *extra])


def _count(in_db, model) -> int:
    return in_db(lambda s: s.scalar(select(func.count()).select_from(model)))


def _big_rows(n: int) -> tuple[list[dict[str, str]], dict[int, str]]:
    """n rows; some refused on purpose (line number -> expected reason)."""
    rows, refused = [], {}
    for i in range(n):
        line = i + 2
        if i % 997 == 5:
            bad = make_id(i)[:-1] + ("0" if make_id(i)[-1] != "0" else "1")
            rows.append(archive_row(i, id_number=bad))
            refused[line] = "证件号码校验位不正确"
        elif i % 1499 == 7:
            rows.append(archive_row(i, email="not-an-email"))
            refused[line] = "电子邮箱格式不正确"
        elif i % 1999 == 9:
            rows.append(archive_row(i, password_hash="plain-text-password"))
            refused[line] = "密码摘要格式不正确"
        else:
            rows.append(archive_row(i))
    return rows, refused


def test_twenty_thousand_row_gbk_csv_imports_with_a_full_report(app, in_db, tmp_path):
    rows, refused = _big_rows(20_000)
    path = write_csv(tmp_path / "archive.csv", rows, encoding="gbk")
    report = tmp_path / "report.txt"
    # Speed is measured by `make bench`, not asserted here (no timed unit tests).
    result = _import(app, path, "--report", str(report))
    assert result.exit_code == 0, result.output
    valid = 20_000 - len(refused)
    assert f"数据行 20000：新建 {valid}，更新 0，无变化 0，拒绝 {len(refused)}" in result.output
    assert "已处理 20000/20000 行" in result.stderr  # progress on stderr
    text = report.read_text(encoding="utf-8")
    for line, reason in refused.items():
        assert f"第{line}行" in text and reason in text.split(f"第{line}行", 1)[1].split("\n", 1)[0]
    assert make_id(5) not in text  # ID numbers are masked in the report
    assert _count(in_db, Account) == valid
    assert _count(in_db, Application) == valid
    # Second run of the same file: nothing changes, nothing is duplicated.
    again = _import(app, path)
    assert again.exit_code == 0, again.output
    assert f"新建 0，更新 0，无变化 {valid}，拒绝 {len(refused)}" in again.output
    assert _count(in_db, Account) == valid


def test_imported_account_holds_legacy_digest_and_prefilled_draft(app, db_session, tmp_path):
    path = write_csv(tmp_path / "a.csv", [archive_row(1), archive_row(3)], encoding="utf-8-sig")
    assert _import(app, path).exit_code == 0
    db_session.rollback()
    legacy = db_session.scalar(select(Account).where(Account.id_number == make_id(1)))
    initial = db_session.scalar(select(Account).where(Account.id_number == make_id(3)))
    assert legacy.password_hash == md5_of("Old-pass-1") and not legacy.must_change_password
    assert legacy.origin == "archive" and legacy.phone == "13900000001"
    assert initial.password_hash.startswith("initial:") and initial.must_change_password
    assert make_id(3)[-6:] not in initial.password_hash  # never the plaintext initial password
    application = db_session.scalar(select(Application).where(Application.account_id == legacy.id))
    assert application.status == "draft" and application.region_code == "140105"
    assert application.city_code == "140100"
    basics = application.section("basics")
    assert basics.data["ethnicity"] == "01" and basics.data["political_status"] == "01"  # labels -> codes
    assert basics.data["postal_code"] == "030006" and basics.completed is False
    assert basics.origins == dict.fromkeys(basics.data, "archive")
    assert application.section("employer").data == {"work_status": "在职", "employer_name": "山西某某会计服务有限公司"}
    assert application.section("qualification").data == {"title": "会计师", "title_appointed_on": "2015-07-01"}


def test_xlsx_with_mixed_rows_numbers_dates_and_invalid_profile_values(app, db_session, tmp_path):
    from datetime import datetime

    rows = [
        archive_row(10, postal_code=30006, phone=13900000010, title_appointed_on=datetime(2012, 5, 1)),
        archive_row(11, postal_code="0300", region_code="北京市"),  # imported without the two bad values
        archive_row(12, work_status="待业"),  # employer_name does not apply: left out
        archive_row(13, name=""),
        archive_row(14, id_type="驾驶证"),
        archive_row(10, name="重复"),
        {},  # blank spreadsheet row: skipped, not a record
    ]
    path = write_xlsx(tmp_path / "archive.xlsx", rows)
    report = tmp_path / "report.txt"
    result = _import(app, path, "--report", str(report))
    assert result.exit_code == 0, result.output
    assert "数据行 6：新建 3，更新 0，无变化 0，拒绝 3" in result.output
    text = report.read_text(encoding="utf-8")
    assert "第5行" in text and "请填写姓名" in text
    assert "第6行" in text and "证件类型“驾驶证”不正确" in text
    assert "第7行" in text and "与第2行的证件号码重复" in text
    assert "邮政编码" in text.split("第3行", 1)[1].split("\n", 1)[0]
    assert "所属行政区划" in text.split("第3行", 1)[1].split("\n", 1)[0]
    assert "工作单位名称与其他信息不符（不适用），未导入" in text
    db_session.rollback()
    first = db_session.scalar(select(Account).where(Account.id_number == make_id(10)))
    answers = db_session.scalar(select(Application).where(Application.account_id == first.id)).answers()
    assert answers["basics"]["postal_code"] == "030006"
    assert answers["basics"]["phone"] == "13900000010"
    assert answers["qualification"]["title_appointed_on"] == "2012-05-01"
    second = db_session.scalar(select(Account).where(Account.id_number == make_id(11)))
    basics = db_session.scalar(select(Application).where(Application.account_id == second.id)).answers()["basics"]
    assert "postal_code" not in basics and "region_code" not in basics and basics["address"]


def test_dry_run_reports_and_writes_nothing(app, in_db, tmp_path):
    path = write_csv(tmp_path / "a.csv", [archive_row(i) for i in range(5)])
    result = _import(app, path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "（试运行，未写入任何数据）数据行 5：新建 5" in result.output
    assert _count(in_db, Account) == 0


def test_registered_account_keeps_password_name_and_saved_answers(app, in_db, register, tmp_path):
    from tests.conftest import VALID_ID

    register()

    def saved_draft(session):
        account = session.scalar(select(Account))
        application = Application(account_id=account.id, status="draft")
        application.sections.append(ApplicationSection(step="basics", data={"address": "我自己填的地址"}, origins={}))
        application.sections.append(ApplicationSection(step="employer", data={"work_status": "待业"}, completed=True))
        session.add(application)
        session.flush()
        return account.password_hash

    before = in_db(saved_draft)
    row = archive_row(1, id_number=VALID_ID, name="档案姓名", email="archive@example.com")
    result = _import(app, write_csv(tmp_path / "a.csv", [row]))
    assert "更新 1" in result.output
    account = in_db(lambda s: s.scalar(select(Account)))
    assert account.password_hash == before and account.name == "张三" and account.email == "zhangsan@example.com"
    sections = {x.step: x for x in in_db(lambda s: s.scalar(select(Application)).sections)}
    assert sections["basics"].data["address"] == "我自己填的地址"  # never overwritten
    assert sections["basics"].data["postal_code"] == "030006"  # empty fields filled
    assert sections["basics"].data["email"] == "zhangsan@example.com"  # the account's own address, not the file's
    assert sections["basics"].origins["postal_code"] == "archive" and "address" not in sections["basics"].origins
    assert sections["employer"].data == {"work_status": "待业"}  # a confirmed step is left alone
    again = _import(app, write_csv(tmp_path / "b.csv", [row]))
    assert "无变化 1" in again.output


def test_used_archive_account_and_submitted_application_are_not_touched(app, in_db, archive_account, tmp_path):
    from shared_models.db import utcnow

    account = archive_account(20, password_hash=md5_of("Old-pass-20"), last_login_at=utcnow())
    in_db(lambda s: s.add(Application(account_id=account.id, status="submitted")))
    result = _import(app, write_csv(tmp_path / "a.csv", [archive_row(20)]))
    assert "无变化 1" in result.output
    stored = in_db(lambda s: s.get(Account, account.id))
    assert stored.email == "old@example.com"  # the owner may have changed it since: kept
    assert in_db(lambda s: s.scalar(select(Application)).sections) == []


def test_corrected_export_updates_an_unused_archive_account(app, in_db, tmp_path):
    _import(app, write_csv(tmp_path / "a.csv", [archive_row(1)]))
    result = _import(app, write_csv(tmp_path / "b.csv", [archive_row(1, email="fixed@example.com")]))
    assert "更新 1" in result.output
    assert in_db(lambda s: s.scalar(select(Account.email))) == "fixed@example.com"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.txt", b"x", "仅支持 .xlsx 和 .csv"),
        ("a.csv", "姓名,电子邮箱\n张三,a@b.cn\n".encode(), "缺少必需的列：证件号码"),
        ("a.csv", b"", "文件为空"),
        ("a.xlsx", b"not a zip", "无法读取 Excel 文件"),
    ],
)
def test_unreadable_files_get_a_clear_message(app, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = _import(app, path)
    assert result.exit_code != 0 and message in result.output


def test_utf8_english_headers_and_unknown_columns(app, tmp_path):
    path = tmp_path / "a.csv"
    write_csv(path, [archive_row(2)], encoding="utf-8", chinese=False)
    text = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([text[0] + ",备注", text[1] + ",随便"]) + "\n", encoding="utf-8")
    report = tmp_path / "r.txt"
    assert "新建 1" in _import(app, path, "--report", str(report)).output
    assert "未识别（已忽略）的列：备注" in report.read_text(encoding="utf-8")


def test_batch_replays_row_by_row_when_a_number_is_taken_meanwhile(app, db_session, in_db):
    """A concurrent registration (simulated by a stale preload) fails the batch; the replay merges that row."""
    from datetime import date

    from shared_models import archive
    from shared_models.archive_reader import ArchiveFile

    rows = [(i + 2, archive_row(i)) for i in range(3)]
    taken = Account(id_type="居民身份证", id_number=make_id(1), name="抢先", email="a@b.cn", password_hash="x")
    original = archive._preload

    def stale_preload(session, batch):
        found = original(session, batch)
        if len(batch) > 1 and session.scalar(select(func.count()).select_from(Account)) == 0:
            session.add(taken)
            session.commit()  # lands between the preload and the batch's flush
        return found

    archive._preload = stale_preload
    try:
        report = archive.import_archive(db_session, ArchiveFile(rows=rows), today=date.today())
    finally:
        archive._preload = original
    assert (report.created, report.updated, report.refused) == (2, 1, [])
    assert _count(in_db, Account) == 3
