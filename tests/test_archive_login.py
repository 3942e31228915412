"""Archive accounts: legacy md5/sha1 and initial-password logins, rehash, forced change, prefilled draft."""

from __future__ import annotations

from sqlalchemy import select

from shared_models.models import Account, Application
from tests.conftest import html
from tests.fixtures_archive import archive_row, make_id, md5_of, sha1_of, write_csv

NEW_PASSWORD = "Zhanghu#2026new"


def _login(client, id_number, password, **kw):
    return client.submit("/h5/login", {"id_number": id_number, "password": password}, **kw)


def _reload(in_db, account_id) -> Account:
    return in_db(lambda s: s.get(Account, account_id))


def test_md5_login_rehashes_with_scrypt(client, archive_account, in_db):
    account = archive_account(1, password_hash=md5_of("laomima123"))
    response = _login(client, make_id(1), "laomima123")
    assert response.status_code == 302 and response.headers["Location"] == "/h5/"
    stored = _reload(in_db, account.id).password_hash
    assert stored.startswith("scrypt:") and "laomima123" not in stored
    assert client.get("/h5/").status_code == 200  # no forced change for a legacy digest
    # The new hash works, the old digest is gone.
    client.post("/h5/logout", data={"csrf_token": client.csrf("/h5/")})
    assert _login(client, make_id(1), "laomima123").status_code == 302


def test_sha1_login_rehashes_and_wrong_password_changes_nothing(client, archive_account, in_db):
    account = archive_account(2, password_hash=sha1_of("旧密码abc"))
    assert "账号或密码不正确" in html(_login(client, make_id(2), "wrong-one"))
    assert _reload(in_db, account.id).password_hash == sha1_of("旧密码abc")
    assert _login(client, make_id(2), "旧密码abc").status_code == 302
    assert _reload(in_db, account.id).password_hash.startswith("scrypt:")


def test_initial_password_forces_a_change_before_anything_else(client, archive_account, in_db, redis_client):
    id_number = "11010519491231002X"
    account = archive_account(id_number=id_number)
    assert account.password_hash.startswith("initial:")
    assert "账号或密码不正确" in html(_login(client, id_number, "1231002"))
    response = _login(client, id_number, "31002x")  # the last 6 characters; x in either case
    assert response.status_code == 302
    account = _reload(in_db, account.id)
    assert account.password_hash.startswith("scrypt:") and account.must_change_password
    # Logging in again before the change: the initial password still works, in either case.
    client.post("/h5/logout", data={"csrf_token": client.csrf("/h5/password/change")})
    assert _login(client, id_number, "31002x").status_code == 302
    for url in ("/h5/", "/h5/steps/commitment", "/h5/steps/basics"):
        assert client.get(url).headers["Location"] == "/h5/password/change", url
    page = html(client.get("/h5/password/change"))
    assert "请先修改初始密码" in page and "返回首页" not in page
    # The initial password is too short to be kept, and the new one follows the rules.
    same = html(client.submit("/h5/password/change", {
        "old_password": "31002X", "password": "31002X", "password_confirm": "31002X"}))
    assert "密码至少8位" in same
    weak = html(client.submit("/h5/password/change", {
        "old_password": "31002X", "password": "12345678", "password_confirm": "12345678"}))
    assert "密码过于常见" in weak
    done = client.submit("/h5/password/change", {
        "old_password": "31002X", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert done.headers["Location"] == "/h5/"
    assert "密码已修改" in html(client.get("/h5/"))  # still logged in, no more redirect
    assert not _reload(in_db, account.id).must_change_password


def test_logout_stays_possible_during_a_forced_change(client, archive_account):
    archive_account(3)
    _login(client, make_id(3), make_id(3)[-6:])
    response = client.post("/h5/logout", data={"csrf_token": client.csrf("/h5/password/change")})
    assert response.headers["Location"] == "/h5/login"
    assert client.get("/h5/").headers["Location"].startswith("/h5/login")


def _agree_commitment(client):
    return client.submit("/h5/steps/commitment", {"commitment_agreed": "y", "action": "continue"})


def test_prefilled_draft_is_editable_and_resumable(app, client, in_db, tmp_path):
    row = archive_row(1)  # md5 legacy password Old-pass-1
    runner = app.test_cli_runner()
    assert runner.invoke(args=["accounts", "import-archive", str(write_csv(tmp_path / "a.csv", [row]))]).exit_code == 0
    assert _login(client, make_id(1), "Old-pass-1").status_code == 302
    assert "信息采集" in html(client.get("/h5/"))
    assert _agree_commitment(client).status_code == 302
    page = html(client.get("/h5/steps/basics"))
    assert row["address"] in page and "030006" in page and "13900000001" in page
    # Edit one imported value and save (保存): the others keep their archive origin.
    form = {
        "country": "中国", "ethnicity": "01", "political_status": "01", "phone": row["phone"],
        "email": row["email"], "address": "山西省晋中市榆次区新地址1号", "postal_code": "030006",
        "region_code": "140105", "action": "save",
    }
    saved = client.submit("/h5/steps/basics", form)
    assert saved.status_code in (200, 302)
    application = in_db(lambda s: s.scalar(
        select(Application).join(Account).where(Account.id_number == make_id(1))))
    basics = application.section("basics")
    assert basics.data["address"] == "山西省晋中市榆次区新地址1号"
    assert "address" not in basics.origins and basics.origins["postal_code"] == "archive"
    assert application.section("employer").origins["employer_name"] == "archive"
    # Resumable: another day, another login, the same answers.
    client.post("/h5/logout", data={"csrf_token": client.csrf("/h5/")})
    _login(client, make_id(1), "Old-pass-1")
    page = html(client.get("/h5/steps/basics"))
    assert "山西省晋中市榆次区新地址1号" in page and "030006" in page
    assert "山西某某会计服务有限公司" in html(client.get("/h5/steps/employer"))
