"""The WeChat API as the app calls it, under /sandbox/api (api.weixin.qq.com) and /sandbox/open
(open.weixin.qq.com), with WeChat's rules and error codes.

Token: https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Get_access_token.html
Menus: https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Creating_Custom-Defined_Menu.html
Templates: https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html
Web OAuth: https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html
Return codes: https://developers.weixin.qq.com/doc/offiaccount/Getting_Started/Global_Return_Code.html
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, current_app, jsonify, redirect, request

from wechat_sandbox import state, wire
from wechat_sandbox.menu_rules import menu_errcode

api = Blueprint("sandbox_api", __name__, url_prefix="/sandbox/api")
open_bp = Blueprint("sandbox_open", __name__, url_prefix="/sandbox/open")

TOKEN_TTL = 7200
OLD_TOKEN_GRACE = 300  # the previous token stays valid 5 more minutes after a new grant
CODE_TTL = 300
CLIENT_MSG_ID_TTL = 24 * 3600
ERRMSG = {
    -1: "system error", 40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type", 40003: "invalid openid", 40013: "invalid appid", 40029: "invalid code",
    40037: "invalid template_id", 40125: "invalid appsecret", 41001: "access_token missing",
    42001: "access_token expired", 43004: "require subscribe", 45009: "reach max api daily quota limit",
    46003: "menu no exist", 47001: "data format error", 40097: "invalid args",
}


def error(code: int, extra: str = "") -> Response:
    return jsonify(errcode=code, errmsg=ERRMSG.get(code, "error") + (f" {extra}" if extra else ""))


def ok(**data: Any) -> Response:
    return jsonify(errcode=0, errmsg="ok", **data)


def _fault(for_token: bool) -> Response | None:
    """Injected faults: slow answers, then -1 busy / 45009 quota / always 40001 (not on the token call)."""
    fault = state.faults()
    if fault["slow"]:
        time.sleep(fault["slow"])
    mode = fault["mode"]
    if mode == "busy":
        return error(-1)
    if mode == "quota" and not for_token:
        return error(45009)
    if mode == "40001" and not for_token:
        return error(40001)
    return None


def _token_refusal() -> Response | None:
    """None when access_token is valid; else WeChat's 41001 / 42001 / 40001 (and injected faults)."""
    fault = _fault(for_token=False)
    if fault is not None:
        return fault
    token = request.args.get("access_token", "")
    if not token:
        return error(41001)
    if state.r().exists(state.key("token", token)):
        return None
    return error(42001 if state.r().exists(state.key("token-known", token)) else 40001)


@api.get("/cgi-bin/token")
def token() -> Response:
    fault = _fault(for_token=True)
    if fault is not None:
        return fault
    args, cfg = request.args, current_app.config
    if args.get("grant_type") != "client_credential":
        return error(40002)
    if args.get("appid") != cfg["WECHAT_APPID"]:
        return error(40013)
    if not secrets.compare_digest(args.get("secret", ""), cfg["WECHAT_SECRET"]):
        return error(40125)
    state.count("token")
    r, new = state.r(), secrets.token_urlsafe(96)[:128]
    previous = r.get(state.key("token-current"))
    if previous and r.ttl(state.key("token", previous)) > OLD_TOKEN_GRACE:
        r.expire(state.key("token", previous), OLD_TOKEN_GRACE)
    r.set(state.key("token", new), "1", ex=TOKEN_TTL)
    r.set(state.key("token-known", new), "1", ex=TOKEN_TTL * 12)
    r.set(state.key("token-current"), new)
    return jsonify(access_token=new, expires_in=TOKEN_TTL)


def _json_body() -> dict[str, Any] | None:
    try:
        data = json.loads(request.get_data(as_text=True) or "null")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


@api.post("/cgi-bin/menu/create")
def menu_create() -> Response:
    refused = _token_refusal()
    if refused is not None:
        return refused
    data = _json_body()
    if data is None:
        return error(47001)
    code = menu_errcode(data)
    if code:
        return jsonify(errcode=code[0], errmsg=code[1])
    state.count("menu_create")
    state.set_menu({"button": data["button"]})
    return ok()


@api.get("/cgi-bin/menu/get")
def menu_get() -> Response:
    refused = _token_refusal()
    if refused is not None:
        return refused
    menu = state.menu()
    if menu is None:
        return error(46003)
    # WeChat's answer gives every leaf button an empty sub_button list.
    buttons = [{**b, "sub_button": b.get("sub_button", [])} for b in menu["button"]]
    return jsonify(menu={"button": buttons})


@api.get("/cgi-bin/menu/delete")
def menu_delete() -> Response:
    refused = _token_refusal()
    if refused is not None:
        return refused
    state.set_menu(None)
    return ok()


@api.post("/cgi-bin/message/template/send")
def template_send() -> Response:
    refused = _token_refusal()
    if refused is not None:
        return refused
    data = _json_body()
    if data is None or not isinstance(data.get("data", {}), dict):
        return error(47001)
    openid = str(data.get("touser") or "")
    subscribed = state.follower(openid)
    if subscribed is None:
        return error(40003)
    if data.get("template_id") not in _templates():
        return error(40037)
    if not subscribed:
        return error(43004)
    r = state.r()
    dedup = state.key("cmid", openid, str(data.get("client_msg_id") or ""))
    if data.get("client_msg_id") and (known := r.get(dedup)):
        return ok(msgid=int(known))  # same client_msg_id: WeChat does not send it again
    msgid = str(2_000_000_000 + int(r.incr(state.key("msgid"))))
    if data.get("client_msg_id"):
        r.set(dedup, msgid, ex=CLIENT_MSG_ID_TTL)
    state.count("send")
    state.chat_append(openid, {"from": "oa", "kind": "template", "msgid": msgid, "template_id": data["template_id"],
                               "url": data.get("url") or "", "data": data.get("data") or {}, "at": int(time.time())})
    wire.report_template_later(current_app.config, openid, msgid)
    return ok(msgid=int(msgid))


def _templates() -> set[str]:
    """The templates this sandbox account has in its library (fixed when the sandbox was mounted)."""
    return current_app.extensions.get("sandbox_templates", set())


@api.get("/cgi-bin/ticket/getticket")
def ticket() -> Response:
    refused = _token_refusal()
    if refused is not None:
        return refused
    if request.args.get("type") not in ("jsapi", "wx_card"):
        return error(40097)
    state.count("ticket")
    return ok(ticket=secrets.token_urlsafe(64), expires_in=TOKEN_TTL)


@api.get("/sns/oauth2/access_token")
def oauth_access_token() -> Response:
    """code → openid. A code is single-use and lives 5 minutes: a second exchange gets 40029."""
    fault = _fault(for_token=True)
    if fault is not None:
        return fault
    args, cfg = request.args, current_app.config
    if args.get("appid") != cfg["WECHAT_APPID"]:
        return error(40013)
    if not secrets.compare_digest(args.get("secret", ""), cfg["WECHAT_SECRET"]):
        return error(40125)
    if args.get("grant_type") != "authorization_code":
        return error(40002)
    state.count("oauth_exchange")
    openid = state.r().getdel(state.key("code", args.get("code", "")[:128]))
    if not openid:
        return error(40029)
    return jsonify(access_token=secrets.token_urlsafe(64), expires_in=7200, refresh_token=secrets.token_urlsafe(64),
                   openid=openid, scope="snsapi_base")


@open_bp.get("/connect/oauth2/authorize")
def authorize() -> Response:
    """Silent snsapi_base authorisation for the phone's follower: 302 to redirect_uri?code&state."""
    args, cfg = request.args, current_app.config
    redirect_uri = args.get("redirect_uri", "")
    if args.get("appid") != cfg["WECHAT_APPID"]:
        return _oauth_page("参数错误（appid 无效）", 400)
    if args.get("response_type") != "code" or args.get("scope") not in ("snsapi_base", "snsapi_userinfo"):
        return _oauth_page("参数错误（response_type 或 scope 无效）", 400)
    # WeChat's 10003: redirect_uri's domain must be the one configured for web authorisation.
    if urlsplit(redirect_uri).netloc != urlsplit(cfg["PUBLIC_BASE_URL"]).netloc:
        return _oauth_page("redirect_uri 域名与后台配置不一致（10003）", 400)
    openid = state.phone_openid()
    code = secrets.token_urlsafe(24)
    state.r().set(state.key("code", code), openid, ex=CODE_TTL)
    query = urlencode({"code": code, "state": args.get("state", "")})
    return redirect(f"{redirect_uri}{'&' if '?' in redirect_uri else '?'}{query}")


def _oauth_page(message: str, status: int) -> Response:
    html = ("<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>"
            f"<title>微信授权</title><p style='font:16px sans-serif;padding:24px;text-align:center'>{message}</p>")
    return Response(html, status=status, mimetype="text/html")
