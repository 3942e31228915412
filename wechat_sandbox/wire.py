"""How the sandbox talks to the app's /wx, as WeChat's server does: signed, and encrypted in safe mode.

The request goes over real HTTP to PUBLIC_BASE_URL + "/wx" (the app may run in another process).
Signature: https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html
Safe mode: https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Message_encryption_and_decryption_instructions.html
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
import xmltodict
from wechatpy.crypto import WeChatCrypto

log = logging.getLogger(__name__)
OA_ID = "gh_5a1e6b2c3d4f"  # the sandbox account's original id (ToUserName)
WECHAT_TIMEOUT = 5.0  # WeChat gives up on a callback after 5 seconds


@dataclass
class Delivery:
    status: int
    reply: str | None  # the text of the passive reply, None for "success"/empty
    raw: str


def cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def message_xml(openid: str, fields: Mapping[str, Any], create_time: int | None = None) -> str:
    body = {"ToUserName": OA_ID, "FromUserName": openid, "CreateTime": create_time or int(time.time()), **fields}
    parts = [f"<{k}>{v}</{k}>" if isinstance(v, int) else f"<{k}>{cdata(str(v))}</{k}>" for k, v in body.items()]
    return "<xml>" + "".join(parts) + "</xml>"


def signature(*values: str) -> str:
    return hashlib.sha1("".join(sorted(values)).encode()).hexdigest()


def post_to_app(config: Mapping[str, Any], xml: str, *, timestamp: str | None = None) -> Delivery:
    """POST one message to /wx as WeChat would (encrypted when WECHAT_AES_KEY is set); decode the reply."""
    token, aes_key = config["WECHAT_TOKEN"], config.get("WECHAT_AES_KEY") or ""
    timestamp = timestamp or str(int(time.time()))
    nonce = str(secrets.randbelow(10**9))
    params = {"signature": signature(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
              "openid": _first(xml, "FromUserName")}
    body = xml
    crypto = WeChatCrypto(token, aes_key, config["WECHAT_APPID"]) if aes_key else None
    if crypto is not None:
        encrypted = crypto.encrypt_message(xml, nonce, timestamp)
        encrypt = _first(encrypted, "Encrypt")
        params.update(encrypt_type="aes", msg_signature=signature(token, timestamp, nonce, encrypt))
        body = f"<xml><ToUserName>{cdata(OA_ID)}</ToUserName><Encrypt>{cdata(encrypt)}</Encrypt></xml>"
    url = config["PUBLIC_BASE_URL"].rstrip("/") + "/wx"
    try:
        res = requests.post(url, params=params, data=body.encode("utf-8"),
                            headers={"Content-Type": "text/xml"}, timeout=WECHAT_TIMEOUT)
    except requests.RequestException as exc:
        log.warning("sandbox could not reach %s: %s", url, exc)
        return Delivery(0, None, str(exc))
    return Delivery(res.status_code, _reply_text(res.text, crypto) if res.ok else None, res.text)


def _first(xml: str, tag: str) -> str:
    match = re.search(rf"<{tag}>(?:<!\[CDATA\[(.*?)\]\]>|([^<]*))</{tag}>", xml, re.S)
    return (match.group(1) or match.group(2) or "") if match else ""


def _reply_text(text: str, crypto: WeChatCrypto | None) -> str | None:
    if not text or text == "success":
        return None
    try:
        doc = xmltodict.parse(text)["xml"]
        if crypto is not None and "Encrypt" in doc:
            plain = crypto.decrypt_message(text, doc["MsgSignature"], doc["TimeStamp"], doc["Nonce"])
            doc = xmltodict.parse(plain)["xml"]
    except Exception as exc:  # WeChat shows nothing for a reply it cannot read; say so in the chat
        log.warning("unreadable reply from /wx: %s", exc)
        return f"（公众号的回复无法解析：{type(exc).__name__}）"
    return doc.get("Content")


def report_template_later(config: Mapping[str, Any], openid: str, msgid: str, status: str = "success") -> None:
    """WeChat reports a template message's fate with a TEMPLATESENDJOBFINISH event, after its API answer."""
    xml = message_xml(openid, {"MsgType": "event", "Event": "TEMPLATESENDJOBFINISH", "MsgID": int(msgid),
                               "Status": status})
    cfg = dict(config)

    def _send() -> None:
        time.sleep(0.2)
        post_to_app(cfg, xml)

    threading.Thread(target=_send, name=f"sandbox-template-{msgid}", daemon=True).start()
