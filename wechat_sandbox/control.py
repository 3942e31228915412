"""The sandbox's own surface: the phone page (/sandbox/) and JSON controls (/sandbox/control/...).

Controls are for tests and the phone page: follower, messages to /wx, chat log, fault switches, counters.
State-changing controls accept only application/json bodies, which a cross-site form cannot send.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request

from wechat_sandbox import state, wire

bp = Blueprint("sandbox", __name__, url_prefix="/sandbox", template_folder="templates",
               static_folder="static", static_url_path="/static")
FAULT_MODES = ("", "40001", "busy", "quota")
EVENTS = {"subscribe", "unsubscribe", "CLICK", "VIEW"}


def _json() -> dict[str, Any]:
    if not request.is_json:
        abort(415)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400)
    return data


@bp.get("/")
def phone() -> Response:
    openid = state.phone_openid()
    response = current_app.make_response(render_template("sandbox/phone.html", openid=openid))
    # The phone's frame stands for WeChat's built-in browser (the gateway honours this only in the sandbox).
    response.set_cookie("wx_sandbox_phone", "1", httponly=True, samesite="Lax")
    return response


@bp.get("/control/phone")
def phone_state() -> Response:
    openid = state.phone_openid()
    return jsonify(openid=openid, subscribed=bool(state.follower(openid)), menu=state.menu(),
                   chat=state.chat(openid), aes=bool(current_app.config.get("WECHAT_AES_KEY")),
                   faults=state.faults())


@bp.post("/control/reset")
def reset() -> Response:
    _json()
    state.reset()
    return jsonify(ok=True)


@bp.get("/control/counters")
def counters() -> Response:
    return jsonify(state.counters())


@bp.post("/control/faults")
def faults() -> Response:
    data = _json()
    mode = str(data.get("mode") or "")
    if mode not in FAULT_MODES:
        abort(400)
    state.set_faults(mode, float(data.get("slow") or 0))
    return jsonify(state.faults())


@bp.post("/control/followers")
def followers() -> Response:
    """Create or update a follower without events; {"current": true} hands them the phone."""
    data = _json()
    openid = str(data.get("openid") or state.new_openid())
    state.set_follower(openid, bool(data.get("subscribed", True)))
    if data.get("current", True):
        state.set_phone_openid(openid)
    return jsonify(openid=openid, subscribed=bool(state.follower(openid)))


@bp.get("/control/messages")
def messages() -> Response:
    openid = request.args.get("openid") or state.phone_openid()
    return jsonify(openid=openid, chat=state.chat(openid))


@bp.post("/control/send")
def send() -> Response:
    """The follower sends a text or an event to the Official Account; the reply is added to the chat."""
    data = _json()
    openid = str(data.get("openid") or state.phone_openid())
    kind = data.get("kind")
    if kind == "text":
        content = str(data.get("content") or "")[:2000]
        if not content.strip():
            abort(400)
        fields: dict[str, Any] = {"MsgType": "text", "Content": content,
                                  "MsgId": int(time.time() * 1000) * 1000 + secrets.randbelow(1000)}
        state.chat_append(openid, {"from": "user", "kind": "text", "text": content, "at": int(time.time())})
    elif kind == "event" and data.get("event") in EVENTS:
        event = data["event"]
        fields = {"MsgType": "event", "Event": event}
        if event in ("CLICK", "VIEW"):
            fields["EventKey"] = str(data.get("key") or "")
        if event in ("subscribe", "unsubscribe"):
            state.set_follower(openid, event == "subscribe")
            state.chat_append(openid, {"from": "system", "kind": "event",
                                       "text": "已关注公众号" if event == "subscribe" else "已取消关注",
                                       "at": int(time.time())})
    else:
        abort(400)
    state.count("wx_post")
    delivery = wire.post_to_app(current_app.config, wire.message_xml(openid, fields))
    if delivery.reply:
        state.chat_append(openid, {"from": "oa", "kind": "text", "text": delivery.reply, "at": int(time.time())})
    elif delivery.status != 200:
        state.chat_append(openid, {"from": "system", "kind": "error", "at": int(time.time()),
                                   "text": f"该公众号暂时无法提供服务，请稍后再试（HTTP {delivery.status}）"})
    return jsonify(status=delivery.status, reply=delivery.reply, openid=openid)
