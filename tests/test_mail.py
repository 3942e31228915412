"""Outgoing mail (portal.mail) over a real loopback SMTP server, and the sandbox outbox page (/sandbox/mail)."""

from __future__ import annotations

import logging

import pytest

from portal.mail import SmtpSettings, build_message, deliver, mask_email
from tests.conftest import html

SENDER = "山西省会计人员信息采集 <noreply@example.gov.cn>"


def test_message_is_multipart_utf8_with_encoded_chinese_headers():
    message = build_message(SENDER, "zhangsan@example.com", "重置密码", "正文 http://x/1", "<p>正文</p>")
    raw = message.as_bytes()
    assert b"=?utf-8?" in raw  # RFC 2047: no raw UTF-8 in the headers
    assert "重置密码".encode() not in raw.split(b"\n\n", 1)[0]
    assert message.get_content_type() == "multipart/alternative"
    assert message["From"].addresses[0].display_name == "山西省会计人员信息采集"
    assert message["Message-ID"].endswith("@example.gov.cn>") and message["Date"]
    plain = message.get_body(preferencelist=("plain",))
    assert plain.get_content_charset() == "utf-8" and plain.get_content().strip() == "正文 http://x/1"
    assert message.get_body(preferencelist=("html",)).get_content().strip() == "<p>正文</p>"


def test_delivery_over_real_smtp(mailbox):
    settings = SmtpSettings(server="127.0.0.1", port=mailbox.port, sender=SENDER, timeout=5)
    deliver(settings, build_message(SENDER, "lisi@example.com", "测试邮件", "你好"))
    [received] = mailbox.wait(1)
    assert str(received["Subject"]) == "测试邮件" and received["To"] == "lisi@example.com"
    assert received.get_body(preferencelist=("plain",)).get_content().strip() == "你好"


def test_async_delivery_failure_is_logged_with_the_address_masked(app, caplog):
    from wechat_sandbox.mailbox import free_port

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2.0)  # nobody listens
    with app.app_context(), caplog.at_level(logging.ERROR, logger="portal.mail"):
        from portal.mail import send_async

        future = send_async(build_message(SENDER, "wangwu@example.com", "主题", "正文"))
        assert future.result(timeout=10) is False
    assert "wa***@example.com" in caplog.text and "wangwu@" not in caplog.text


def test_mask_email():
    assert mask_email("zhangsan@example.com") == "zh***@example.com"
    assert mask_email("broken") == "***"


@pytest.fixture
def sandbox(settings):
    settings["WECHAT_SANDBOX"] = True


def test_sandbox_outbox_lists_and_shows_mail_with_clickable_links(mailbox, sandbox, app, client):
    settings = SmtpSettings(server="127.0.0.1", port=mailbox.port, sender=SENDER, timeout=5)
    body = "请打开 http://localhost/h5/password/reset/abc.def 设置新密码。<b>不是标签</b>"
    deliver(settings, build_message(SENDER, "zhangsan@example.com", "重置密码", body, "<p>HTML 版本</p>"))
    mailbox.wait(1)
    listing = html(client.get("/sandbox/mail/"))
    assert "沙箱邮箱" in listing and "重置密码" in listing and "zhangsan@example.com" in listing
    [mail_id] = [p.stem for p in mailbox.directory.glob("*.eml")]
    page = html(client.get(f"/sandbox/mail/{mail_id}"))
    assert '<a href="http://localhost/h5/password/reset/abc.def" rel="noopener">' in page
    assert "&lt;b&gt;不是标签&lt;/b&gt;" in page  # the text part is escaped, only URLs become links
    part = client.get(f"/sandbox/mail/{mail_id}/html")
    assert "HTML 版本" in html(part) and "sandbox" in part.headers["Content-Security-Policy"]


def test_sandbox_outbox_refuses_unknown_and_malformed_ids(mailbox, sandbox, client):
    assert "暂无邮件" in html(client.get("/sandbox/mail/"))
    for mail_id in ("1234567890123-deadbeef", "..%2F..%2Fetc%2Fpasswd", "x"):
        assert client.get(f"/sandbox/mail/{mail_id}").status_code == 404


def test_no_outbox_without_the_sandbox(client):
    assert client.get("/sandbox/mail/").status_code == 404
