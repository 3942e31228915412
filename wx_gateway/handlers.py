"""What the Official Account answers: events (subscribe, menu taps, template delivery reports) and text.

Replies are passive text messages, built without calling WeChat's API (WeChat waits 5 seconds at most).
Event reference: https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_event_pushes.html
Template delivery report (TEMPLATESENDJOBFINISH):
https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from flask import current_app
from sqlalchemy import select, update

from portal.extensions import db
from shared_models import status
from shared_models.models import Account, Application, NotificationOutbox

log = logging.getLogger(__name__)

_XML_INVALID = re.compile(r"[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
ECHO_MAX_CHARS = 20


def sanitise(text: str) -> str:
    """Text safe inside <![CDATA[...]]>: wechatpy's TextReply does not escape "]]>" (it would end the
    CDATA section and let user text inject XML), and characters XML forbids are dropped."""
    return _XML_INVALID.sub("", text).replace("]]>", "]]]]><![CDATA[>")


def entry_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/h5/"


def entry_link(label: str = "进入信息采集") -> str:
    return f'<a href="{entry_url()}">{label}</a>'


def welcome() -> str:
    return (
        "欢迎关注山西省会计之星！\n\n本号为山西省会计人员信息采集的官方入口。"
        f"请点击菜单“行业信息 → 信息采集”，或直接{entry_link('点此进入信息采集')}。\n\n"
        "回复“进度”查询采集审核进度，回复“帮助”查看使用说明。"
    )


def help_text() -> str:
    return (
        "【使用帮助】\n"
        "1. 菜单“行业信息 → 信息采集”进入填报页面，首次使用请注册或登录，之后从微信进入将自动登录；\n"
        "2. 按步骤填写并上传证件照片，可随时保存，下次继续；\n"
        "3. 全部填写完成后提交审核，审核结果将通过本公众号通知您；\n"
        "4. 回复“进度”查询审核进度。\n\n"
        f"{entry_link()}"
    )


def contact_text() -> str:
    return (
        "【联系我们】\n"
        "信息采集相关问题，请联系您所在市、县（区）财政局会计管理部门；\n"
        "咨询时间：工作日 9:00-12:00，14:30-17:30。\n"
        "请勿在咨询中发送密码等敏感信息。"
    )


def status_text(openid: str) -> str:
    """The bound account's collection status, or how to bind this WeChat to an account."""
    # One Core query for the two values the reply needs: loading the ORM entities would also pull the
    # application's sections (selectin), and this runs inside WeChat's 5-second reply window.
    row = db.session.execute(
        select(Account.name, Application.status)
        .outerjoin(Application, Application.account_id == Account.id)
        .where(Account.wx_openid == openid)
    ).first()
    if row is None:
        return (
            "您的微信尚未绑定采集账号。\n"
            f"请{entry_link('点此进入信息采集')}，登录或注册后即自动绑定，之后回复“进度”即可查询。"
        )
    name, current = row
    lines = [f"{sanitise(name)}，您的信息采集状态：{status.label(current)}"]
    if current == status.REJECTED:
        lines.append(f"审核未通过，请查看退回原因并修改后重新提交：{entry_link('查看并修改')}")
    elif current == status.SUBMITTED:
        lines.append("已提交，请耐心等待审核，审核结果将通过本公众号通知您。")
    elif current == status.APPROVED:
        lines.append("审核已通过，感谢您的配合。")
    else:
        lines.append(f"请尽快完成填报并提交审核：{entry_link('继续填报')}")
    return "\n".join(lines)


CLICK_HANDLERS: dict[str, Callable[[dict[str, str]], str]] = {
    "MY_STATUS": lambda f: status_text(f["FromUserName"]),
    "HELP": lambda f: help_text(),
    "CONTACT": lambda f: contact_text(),
}


def handle(fields: dict[str, str]) -> str | None:
    """The reply text for a message/event, or None to answer "success" (nothing to say)."""
    msg_type = fields.get("MsgType", "").lower()
    if msg_type == "event":
        return _event(fields)
    if msg_type == "text":
        return _text(fields)
    return "暂不支持此类消息。" + short_help()


def short_help() -> str:
    return f"回复“采集”进入信息采集，“进度”查询审核进度，“帮助”查看使用说明。\n{entry_link()}"


def _event(fields: dict[str, str]) -> str | None:
    event = fields.get("Event", "").upper()
    if event == "SUBSCRIBE":
        return welcome()
    if event == "CLICK":
        handler = CLICK_HANDLERS.get(fields.get("EventKey", ""))
        return handler(fields) if handler else None
    if event == "TEMPLATESENDJOBFINISH":
        record_delivery(fields.get("MsgID") or fields.get("MsgId", ""), fields.get("Status", ""))
        return None
    return None  # VIEW, unsubscribe, LOCATION...: nothing to answer


def _text(fields: dict[str, str]) -> str:
    content = fields.get("Content", "").strip()
    if content in ("信息采集", "采集"):
        return f"请点击进入：{entry_link('山西省会计人员信息采集')}\n首次使用请注册或登录，之后从微信进入将自动登录。"
    if content in ("进度", "状态"):
        return status_text(fields["FromUserName"])
    if content == "帮助":
        return help_text()
    echoed = sanitise(content[:ECHO_MAX_CHARS]) + ("…" if len(content) > ECHO_MAX_CHARS else "")
    return f"收到您的消息“{echoed}”。\n" + short_help()


def record_delivery(msgid: str, result: str) -> None:
    """Store WeChat's delivery report on the outbox row that sent this msgid."""
    if not msgid:
        return
    outcome = db.session.execute(
        update(NotificationOutbox).where(NotificationOutbox.wx_msgid == msgid).values(delivery_status=result[:64])
    )
    db.session.commit()
    log.info("template message %s delivery %s (%d row)", msgid, result, outcome.rowcount)
