"""Outbox delivery over the sandbox: sent, retried with backoff, failed permanently, skipped, reported."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from shared_models.models import Account, NotificationOutbox
from wx_gateway.client import GatewayClient
from wx_gateway.notify import MAX_ATTEMPTS, backoff, deliver_due, delivery_state, template_data

PAYLOAD = {"outcome": "rejected", "name": "张三", "reasons": ["学历证书照片不清晰", "工作单位名称有误"],
           "decided_at": "2026-11-20T09:30:00+08:00"}


def make_row(db_session, openid: str | None, payload: dict | None = None) -> NotificationOutbox:
    account = Account(id_type="居民身份证", id_number=f"14{time.time_ns() % 10**16:016d}", name="张三",
                      email="z@example.com", password_hash="x", wx_openid=openid)
    db_session.add(account)
    db_session.flush()
    row = NotificationOutbox(kind="review_result", account_id=account.id, payload=payload or PAYLOAD)
    db_session.add(row)
    db_session.commit()
    return row


def deliver(live, db_session, now=None):
    client = GatewayClient.from_config(live.app.config, live.app.extensions["redis"])
    with live.app.app_context():
        report = deliver_due(db_session, client, now=now)
    db_session.expire_all()
    return report


def test_pending_row_is_sent_with_the_right_openid_and_data(live_server, db_session):
    openid = live_server.follower(subscribed=True)
    row = make_row(db_session, openid)
    report = deliver(live_server, db_session)
    assert report.sent == 1
    row = db_session.get(NotificationOutbox, row.id)
    assert row.status == "sent" and row.wx_msgid and row.attempts == 1 and row.sent_at
    [message] = [m for m in live_server.chat(openid) if m["kind"] == "template"]
    assert message["template_id"] == live_server.app.config["WECHAT_TEMPLATE_REVIEW_RESULT"]
    assert message["url"] == live_server.url + "/h5/"
    assert message["data"]["keyword1"]["value"] == "张三" and message["data"]["keyword2"]["value"] == "审核未通过"
    assert "学历证书照片不清晰" in message["data"]["remark"]["value"]
    # WeChat's TEMPLATESENDJOBFINISH report comes back to /wx a moment later.
    for _ in range(50):
        db_session.expire_all()
        if db_session.get(NotificationOutbox, row.id).delivery_status:
            break
        time.sleep(0.1)
    row = db_session.get(NotificationOutbox, row.id)
    assert row.delivery_status == "success" and delivery_state(row) == "已送达"
    assert deliver(live_server, db_session).sent == 0  # nothing sent twice


def test_nothing_is_lost_while_wechat_is_busy(live_server, db_session):
    openid = live_server.follower(subscribed=True)
    row = make_row(db_session, openid)
    live_server.faults("busy")
    start = datetime.now(UTC)
    report = deliver(live_server, db_session, now=start)
    assert report.retried == 1
    row = db_session.get(NotificationOutbox, row.id)
    assert row.status == "pending" and row.attempts == 1 and "-1" in row.last_error
    assert "待重试" in delivery_state(row)
    assert deliver(live_server, db_session, now=start + timedelta(seconds=30)).retried == 0  # not due yet
    live_server.faults("")
    assert deliver(live_server, db_session, now=start + timedelta(minutes=1, seconds=1)).sent == 1
    assert db_session.get(NotificationOutbox, row.id).status == "sent"
    assert len([m for m in live_server.chat(openid) if m["kind"] == "template"]) == 1


def test_backoff_grows_and_gives_up(live_server, db_session):
    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert backoff(20) == timedelta(hours=6)
    openid = live_server.follower(subscribed=True)
    row = make_row(db_session, openid)
    live_server.faults("quota")
    now = datetime.now(UTC)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        deliver(live_server, db_session, now=now)
        row = db_session.get(NotificationOutbox, row.id)
        assert row.attempts == attempt
        now = now + backoff(attempt) + timedelta(seconds=1)
    assert row.status == "failed" and "45009" in row.last_error


def test_unsubscribed_user_fails_permanently(live_server, db_session):
    row = make_row(db_session, live_server.follower(subscribed=False))
    assert deliver(live_server, db_session).failed == 1
    row = db_session.get(NotificationOutbox, row.id)
    assert row.status == "failed" and row.attempts == 1 and "用户未关注公众号" in row.last_error
    assert delivery_state(row).startswith("发送失败：用户未关注公众号")


def test_invalid_openid_and_template_fail_permanently(live_server, db_session):
    row = make_row(db_session, "oNeverFollowed000000000000001")
    deliver(live_server, db_session)
    assert "openid 无效" in db_session.get(NotificationOutbox, row.id).last_error
    live_server.app.config["WECHAT_TEMPLATE_REVIEW_RESULT"] = "deleted-template"
    row2 = make_row(db_session, live_server.follower(subscribed=True))
    deliver(live_server, db_session)
    assert "模板 ID 无效" in db_session.get(NotificationOutbox, row2.id).last_error


def test_no_openid_is_skipped(live_server, db_session):
    row = make_row(db_session, None)
    assert deliver(live_server, db_session).skipped == 1
    row = db_session.get(NotificationOutbox, row.id)
    assert row.status == "skipped" and delivery_state(row) == "未发送：账号未绑定微信"
    assert live_server.counters()["send"] == 0


def test_approved_template_data():
    data = template_data({"outcome": "approved", "name": "李四", "reasons": [], "decided_at": "2026-11-20T09:30:00"})
    assert data["keyword2"]["value"] == "审核通过" and data["keyword3"]["value"] == "2026-11-20 09:30"


def test_cli_deliver_outbox(live_server, db_session):
    make_row(db_session, live_server.follower(subscribed=True))
    make_row(db_session, None)
    result = live_server.app.test_cli_runner().invoke(args=["wx", "deliver-outbox"])
    assert result.exit_code == 0 and "已发送 1" in result.output and "跳过 1" in result.output
