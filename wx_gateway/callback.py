"""The callback WeChat's server calls: GET /wx (URL verification) and POST /wx (messages and events).

Every request is signed (signature = sha1(sort(token, timestamp, nonce))); in safe mode (encrypt_type=aes)
the body is AES-encrypted and signed again (msg_signature). WeChat waits 5 seconds for an answer and retries
3 times, so this view never calls WeChat's API and answers a retry it already handled with "success".
Access guide: https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html
Safe mode: https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Message_encryption_and_decryption_instructions.html
Passive replies: https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Passive_user_reply_message.html
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

from flask import Blueprint, Response, current_app, request
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.replies import TextReply

from portal.extensions import csrf, redis_store
from wx_gateway import handlers
from wx_gateway.xmlsafe import XmlRefused, parse_message_xml

log = logging.getLogger(__name__)
bp = Blueprint("wx", __name__)
csrf.exempt(bp)  # WeChat's server cannot send a CSRF token; every request is signed instead

MAX_BODY_BYTES = 64 * 1024
MAX_CLOCK_SKEW = 300  # seconds
DEDUP_SECONDS = 300  # WeChat retries within ~15 s; keep the key longer to be safe
clock = time.time  # the callback's clock (tests replaying 2014 vectors move it)


def _text(body: str, status: int = 200) -> Response:
    return Response(body, status=status, mimetype="text/plain")


def expected_signature(token: str, timestamp: str, nonce: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()


def _refusal() -> Response | None:
    """403 for a bad signature or a stale timestamp; None when the request is WeChat's."""
    args = request.args
    signature, timestamp, nonce = args.get("signature", ""), args.get("timestamp", ""), args.get("nonce", "")
    token = current_app.config.get("WECHAT_TOKEN") or ""
    if not (token and signature and timestamp and nonce):
        return _text("forbidden", 403)
    if not hmac.compare_digest(signature, expected_signature(token, timestamp, nonce)):
        return _text("invalid signature", 403)
    try:
        skew = abs(clock() - int(timestamp))
    except ValueError:
        return _text("invalid timestamp", 403)
    if skew > MAX_CLOCK_SKEW:
        return _text("stale timestamp", 403)
    return None


def _read_body() -> bytes | None:
    """The body, or None when it is over 64 KB (checked on Content-Length, then on the stream)."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        return None
    body = request.stream.read(MAX_BODY_BYTES + 1)
    return None if len(body) > MAX_BODY_BYTES else body


def _crypto() -> WeChatCrypto:
    cfg = current_app.config
    return WeChatCrypto(cfg["WECHAT_TOKEN"], cfg["WECHAT_AES_KEY"], cfg["WECHAT_APPID"])


@bp.route("/wx", methods=["GET", "POST"])
def callback() -> Response:
    refused = _refusal()
    if refused is not None:
        return refused
    if request.method == "GET":  # URL verification: echo echostr back
        return _text(request.args.get("echostr", ""))
    body = _read_body()
    if body is None:
        return _text("request body too large", 413)
    encrypted = request.args.get("encrypt_type", "raw").lower() == "aes"
    try:
        fields = _decode(body, encrypted)
    except InvalidSignatureException:
        return _text("invalid msg_signature", 403)
    except (XmlRefused, ValueError, TypeError, KeyError) as exc:
        log.info("refused a /wx body: %s", exc)
        return _text("bad request", 400)
    except Exception as exc:  # noqa: BLE001 - cryptography raises assorted types on garbage input
        log.info("undecryptable /wx body: %s", type(exc).__name__)
        return _text("bad request", 400)
    reply = _dispatch_once(fields)
    if reply is None:
        return _text("success")
    xml = TextReply(source=fields.get("ToUserName", ""), target=fields.get("FromUserName", ""),
                    content=reply).render()
    if encrypted:
        xml = _crypto().encrypt_message(xml, request.args.get("nonce", ""), request.args.get("timestamp"))
    return Response(xml, mimetype="application/xml")


def _decode(body: bytes, encrypted: bool) -> dict[str, str]:
    outer = parse_message_xml(body)
    if not encrypted:
        if "MsgType" not in outer or "FromUserName" not in outer:
            raise XmlRefused("not a WeChat message")
        return outer
    if not current_app.config.get("WECHAT_AES_KEY"):
        raise XmlRefused("safe mode message but WECHAT_AES_KEY is not configured")
    if not outer.get("Encrypt"):
        raise XmlRefused("no Encrypt element")
    # wechatpy's trap: the AES layer is signed by msg_signature, not signature.
    plain = _crypto().decrypt_message(
        {"Encrypt": outer["Encrypt"]},
        request.args.get("msg_signature", ""),
        request.args.get("timestamp", ""),
        request.args.get("nonce", ""),
    )
    inner = parse_message_xml(plain)
    if "MsgType" not in inner or "FromUserName" not in inner:
        raise XmlRefused("not a WeChat message")
    return inner


def dedup_key(fields: dict[str, str]) -> str:
    """MsgId for messages; FromUserName + CreateTime + Event (+ EventKey, MsgID) for events, as WeChat advises."""
    if fields.get("MsgId"):
        return f"wx:dedup:msg:{fields['MsgId']}"
    # EventKey and MsgID (template reports) tell apart two different events of one user within the same
    # second; a retry repeats them, so retries are still caught.
    ident = "|".join(fields.get(k, "") for k in ("FromUserName", "CreateTime", "Event", "EventKey", "MsgID"))
    return "wx:dedup:event:" + hashlib.sha1(ident.encode()).hexdigest()


def _dispatch_once(fields: dict[str, str]) -> str | None:
    key = dedup_key(fields)
    if not redis_store.client.set(key, "1", nx=True, ex=DEDUP_SECONDS):
        log.info("duplicate WeChat delivery %s answered success", key)
        return None
    try:
        return handlers.handle(fields)
    except Exception:
        # Let WeChat's retry try again rather than losing the message.
        redis_store.client.delete(key)
        raise
