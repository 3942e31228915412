"""Password recovery over real SMTP, single-use expiring links, session ending, change password (issue 6)."""

from __future__ import annotations

import re
import statistics
import time

import pytest

from tests.conftest import VALID_ID, FormClient, html

NEW_PASSWORD = "Xinmima#2026ok"
LINK_RE = re.compile(r"http://localhost(/h5/password/reset/[A-Za-z0-9_.\-]+)")


@pytest.fixture
def fast_forgot(settings):
    """Limits high enough to measure many requests (the limits themselves are tested separately)."""
    settings.update(PASSWORD_FORGOT_MAX_PER_ACCOUNT=1000, PASSWORD_FORGOT_MAX_PER_IP=1000)


def _forgot(client, id_number=VALID_ID, email="zhangsan@example.com", **kw):
    return client.submit("/h5/password/forgot", {"id_number": id_number, "email": email}, **kw)


def _reset_path(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = LINK_RE.search(text)
    assert match, text
    return match.group(1)


def test_login_page_links_to_recovery(client):
    page = html(client.get("/h5/login"))
    assert 'href="/h5/password/forgot"' in page
    assert "找回密码" in html(client.get("/h5/password/forgot"))


def test_recovery_over_smtp_resets_once_and_ends_other_sessions(mailbox, app, client, register):
    register()  # `client` is now logged in: the "other" session
    assert client.get("/h5/").status_code == 200
    browser = FormClient(app.test_client())
    response = _forgot(browser, id_number=VALID_ID.lower(), email="ZhangSan@Example.com")
    assert response.headers["Location"] == "/h5/password/forgot/sent"
    [mail] = mailbox.wait(1)
    assert mail["To"] == "zhangsan@example.com"
    assert str(mail["Subject"]) == "重置密码 - 山西省会计人员信息采集"
    assert "30分钟" in mail.get_body(preferencelist=("plain",)).get_content()
    path = _reset_path(mail)
    assert path in mail.get_body(preferencelist=("html",)).get_content()
    page = html(browser.get(path))
    assert "重置密码" in page and "1101**********002X" in page and VALID_ID not in page
    done = browser.submit(path, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert done.headers["Location"] == "/h5/login"
    assert "密码已重置" in html(browser.get("/h5/login"))
    # The other session is logged out; the old password is gone; the new one works.
    assert client.get("/h5/").headers["Location"].startswith("/h5/login")
    login = {"id_number": VALID_ID, "password": "Kuaiji@2026"}
    assert "账号或密码不正确" in html(browser.submit("/h5/login", login))
    assert browser.submit("/h5/login", {**login, "password": NEW_PASSWORD}).status_code == 302
    # Single use: the link is dead now.
    again = browser.get(path)
    assert again.status_code == 410 and "链接已失效" in html(again)
    notice = mailbox.wait(2)[1]
    assert str(notice["Subject"]) == "密码已修改 - 山西省会计人员信息采集"
    assert "通过邮件链接重置" in notice.get_body(preferencelist=("plain",)).get_content()


def test_reset_form_applies_the_password_rules_and_keeps_the_link(mailbox, app, client, register):
    register()
    _forgot(client)
    path = _reset_path(mailbox.wait(1)[0])
    weak = client.submit(path, {"password": "12345678", "password_confirm": "12345678"})
    assert weak.status_code == 200 and "密码过于常见" in html(weak)
    differ = html(client.submit(path, {"password": NEW_PASSWORD, "password_confirm": "other-2026"}))
    assert "两次填写的密码不一致" in differ and 'id="password_confirm-error"' in differ
    same_as_id = html(client.submit(path, {"password": VALID_ID, "password_confirm": VALID_ID}))
    assert "密码不能与证件号码相同" in same_as_id
    assert client.submit(path, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}).status_code == 302


def _token_signed_ago(app, monkeypatch, seconds: int) -> str:
    from itsdangerous.timed import TimestampSigner

    from h5_wizard.password_mail import make_token, recipient_of
    from shared_models.accounts import find_accounts

    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) - seconds)
    with app.test_request_context():
        from portal.extensions import db

        token = make_token(recipient_of(find_accounts(db.session, VALID_ID)[0]))
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    return token


def test_links_expire_after_thirty_minutes(app, client, register, monkeypatch):
    register()
    fresh_enough = _token_signed_ago(app, monkeypatch, 29 * 60)
    expired = _token_signed_ago(app, monkeypatch, 31 * 60)
    assert client.get(f"/h5/password/reset/{fresh_enough}").status_code == 200
    response = client.get(f"/h5/password/reset/{expired}")
    assert response.status_code == 410 and "链接已过期" in html(response)
    form = {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    posted = client.submit(f"/h5/password/reset/{expired}", form, form_url="/h5/password/forgot")
    assert posted.status_code == 410


@pytest.mark.parametrize("token", ["garbage", "eyJhIjoxLCJmIjoieCJ9.abc.def", "a" * 300])
def test_forged_links_are_refused(client, token):
    assert client.get(f"/h5/password/reset/{token}").status_code == 410


def _wait_quietly(mailbox, seconds: float = 1.0) -> int:
    time.sleep(seconds)
    return len(mailbox.messages())


def test_unknown_account_or_wrong_email_gets_the_same_answer_and_no_mail(mailbox, fast_forgot, app, client, register):
    register()
    client.post("/h5/logout", data={"csrf_token": client.csrf("/h5/")})
    answers = [
        _forgot(client, id_number="110101199003070011"),  # no such account
        _forgot(client, email="someone-else@example.com"),  # wrong e-mail
        _forgot(client),  # match
    ]
    assert {(r.status_code, r.headers["Location"]) for r in answers} == {(302, "/h5/password/forgot/sent")}
    assert mailbox.wait(1) and _wait_quietly(mailbox) == 1  # only the match was mailed
    sent_page = html(client.get("/h5/password/forgot/sent"))
    assert "如果您填写的证件号码和电子邮箱与账号登记的一致" in sent_page


def test_forgot_form_timing_does_not_tell_known_from_unknown(mailbox, fast_forgot, app, client, register):
    register()
    client.post("/h5/logout", data={"csrf_token": client.csrf("/h5/")})
    token = client.csrf("/h5/password/forgot")
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    cases = {"known": VALID_ID, "unknown": "110101199003070011"}
    for _ in range(3):  # warm up both paths (templates, code)
        for number in cases.values():
            client.post("/h5/password/forgot", data={"csrf_token": token, "id_number": number,
                                                      "email": "zhangsan@example.com"})
    for _ in range(12):
        for kind, number in cases.items():  # interleaved, so that machine load hits both alike
            started = time.perf_counter()
            response = client.post("/h5/password/forgot", data={"csrf_token": token, "id_number": number,
                                                                 "email": "zhangsan@example.com"})
            timings[kind].append(time.perf_counter() - started)
            assert response.status_code == 302
    known, unknown = statistics.median(timings["known"]), statistics.median(timings["unknown"])
    assert 0.5 < known / unknown < 2.0, (known, unknown)


def test_recovery_is_rate_limited_per_account_whether_or_not_it_exists(app, client):
    app.config.update(PASSWORD_FORGOT_MAX_PER_ACCOUNT=2)
    for number in (VALID_ID, "110101199003070011"):
        for _ in range(2):
            assert _forgot(client, id_number=number).status_code == 302
        page = html(_forgot(client, id_number=number))
        assert "操作过于频繁" in page and re.search(r"请于 \d\d:\d\d 后再试", page)


def test_recovery_is_rate_limited_per_ip(app, client):
    app.config.update(PASSWORD_FORGOT_MAX_PER_IP=3)
    for number in ("110101199003070011", "110101199003070038", "110101199003070054"):
        _forgot(client, id_number=number)
    assert "操作过于频繁" in html(_forgot(client, id_number="110101199003070070"))


def test_forgot_form_validates_its_fields(client):
    page = html(_forgot(client, id_number="", email="nope"))
    assert "请填写证件号码" in page and "电子邮箱格式不正确" in page
    assert 'value="nope"' in page  # what the user typed is kept


def test_change_password_ends_other_sessions_and_keeps_this_one(mailbox, app, client, register):
    register()
    other = FormClient(app.test_client())
    assert other.submit("/h5/login", {"id_number": VALID_ID, "password": "Kuaiji@2026"}).status_code == 302
    assert other.get("/h5/").status_code == 200
    wrong = html(client.submit("/h5/password/change", {
        "old_password": "Wrong@2026", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}))
    assert "当前密码不正确" in wrong
    same = html(client.submit("/h5/password/change", {
        "old_password": "Kuaiji@2026", "password": "Kuaiji@2026", "password_confirm": "Kuaiji@2026"}))
    assert "新密码不能与当前密码相同" in same
    done = client.submit("/h5/password/change", {
        "old_password": "Kuaiji@2026", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert done.headers["Location"] == "/h5/"
    assert "密码已修改" in html(client.get("/h5/"))
    assert other.get("/h5/").headers["Location"].startswith("/h5/login")
    [notice] = mailbox.wait(1)
    assert "登录密码已于刚才修改" in notice.get_body(preferencelist=("plain",)).get_content()


def test_change_password_needs_login_and_is_throttled(app, client, register):
    assert client.get("/h5/password/change").headers["Location"].startswith("/h5/login")
    register()
    app.config.update(LOGIN_MAX_FAILURES=2)
    form = {"old_password": "Wrong@2026", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    for _ in range(2):
        assert "当前密码不正确" in html(client.submit("/h5/password/change", form))
    assert "操作过于频繁" in html(client.submit("/h5/password/change", {**form, "old_password": "Kuaiji@2026"}))
