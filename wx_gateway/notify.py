"""Review-result notifications: deliver NotificationOutbox rows as WeChat template messages.

The review desk writes a pending row in the decision's transaction; `flask wx deliver-outbox` (run
periodically by `make run`, by cron or a timer in production) sends due rows. Transient failures (WeChat
busy, quota, timeouts, connection refused) are retried with exponential backoff; permanent refusals
(43004 not subscribed, 40003 invalid openid, 40037 invalid template) fail the row with the reason.
client_msg_id = "outbox-<id>" lets WeChat drop a resend after a crash between its answer and our commit.
https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared_models.models import Account, NotificationOutbox
from wx_gateway.client import GatewayClient, WeChatError

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
BEIJING = timezone(timedelta(hours=8), "北京时间")
MAX_BACKOFF = timedelta(hours=6)
PERMANENT_REASONS = {
    43004: "用户未关注公众号",
    40003: "openid 无效",
    40037: "模板 ID 无效",
}


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the n-th failure, at most 6 hours."""
    return min(timedelta(minutes=2 ** max(0, attempts - 1)), MAX_BACKOFF)


def _now() -> datetime:
    return datetime.now(UTC)


def template_data(payload: dict) -> dict:
    """The review-result template's fields (first / keyword1-3 / remark)."""
    approved = payload.get("outcome") == "approved"
    reasons = "；".join(str(r) for r in payload.get("reasons") or [])
    if len(reasons) > 180:
        reasons = reasons[:179] + "…"
    decided = str(payload.get("decided_at") or "")[:16].replace("T", " ")
    return {
        "first": {"value": "您的会计人员信息采集审核结果已出" if approved else "您的会计人员信息采集需要修改"},
        "keyword1": {"value": str(payload.get("name") or "")},
        "keyword2": {"value": "审核通过" if approved else "审核未通过", "color": "#07c160" if approved else "#fa5151"},
        "keyword3": {"value": decided},
        "remark": {"value": "感谢您的配合。" if approved else f"退回原因：{reasons}\n请点击进入修改后重新提交。"},
    }


def deliver_due(session: Session, client: GatewayClient, *, now: datetime | None = None,
                limit: int = 100) -> DeliveryReport:
    """Send every due pending row (one transaction per row, locked with SKIP LOCKED so that two runs
    never send the same row). Returns counts."""
    report = DeliveryReport()
    now = now or _now()
    for _ in range(limit):
        row = session.scalar(
            select(NotificationOutbox)
            .where(NotificationOutbox.status == "pending", NotificationOutbox.next_attempt_at <= now)
            .order_by(NotificationOutbox.next_attempt_at, NotificationOutbox.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if row is None:
            break
        _deliver_one(session, client, row, now, report)
        session.commit()
    return report


def _deliver_one(session: Session, client: GatewayClient, row: NotificationOutbox, now: datetime,
                 report: DeliveryReport) -> None:
    account = session.get(Account, row.account_id) if row.account_id else None
    if account is None or not account.wx_openid:
        row.status, row.last_error = "skipped", "账号未绑定微信"
        report.skipped += 1
        return
    cfg = current_app.config
    try:
        msgid = client.send_template(
            account.wx_openid, cfg["WECHAT_TEMPLATE_REVIEW_RESULT"], template_data(row.payload or {}),
            cfg["PUBLIC_BASE_URL"].rstrip("/") + "/h5/", f"outbox-{row.id}",
        )
    except WeChatError as exc:
        row.attempts += 1
        row.last_error = str(exc)[:500]
        if exc.transient and row.attempts < MAX_ATTEMPTS:
            row.next_attempt_at = now + backoff(row.attempts)
            report.retried += 1
        else:
            row.status = "failed"
            reason = PERMANENT_REASONS.get(exc.errcode or 0)
            row.last_error = f"{reason}：{exc}"[:500] if reason else row.last_error
            report.failed += 1
        report.errors.append(f"#{row.id}: {exc}")
        log.warning("outbox %s not sent (attempt %s): %s", row.id, row.attempts, exc)
        return
    row.attempts += 1
    row.status, row.wx_msgid, row.sent_at, row.last_error = "sent", msgid, now, None
    report.sent += 1


def delivery_state(row: NotificationOutbox) -> str:
    """The delivery state in Chinese, for the review desk."""
    if row.status == "sent":
        if row.delivery_status == "success":
            return "已送达"
        if row.delivery_status:
            return "已发送，微信投递失败（用户拒收或系统失败）"
        return "已发送"
    if row.status == "failed":
        return f"发送失败：{row.last_error or '未知原因'}"
    if row.status == "skipped":
        return "未发送：账号未绑定微信"
    if row.attempts:
        at = row.next_attempt_at if row.next_attempt_at.tzinfo else row.next_attempt_at.replace(tzinfo=UTC)
        return f"待重试（已尝试 {row.attempts} 次，下次 {at.astimezone(BEIJING):%m-%d %H:%M}）"
    return "待发送"
