"""Web OAuth (snsapi_base): an accountant opening the H5 inside WeChat is identified by openid.

Flow: /h5/… without a session, in WeChat → WeChat's authorize page (silent for snsapi_base) → back to
/h5/oauth/callback?code&state → state checked against the session → code exchanged once for the openid
→ a bound account is logged in; an unbound openid is remembered (signed cookie) and bound after login or
registration (h5_wizard.hooks.after_login). Any failure falls back to the normal login page, once.
https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html
"""

from __future__ import annotations

import logging
import secrets
from urllib.parse import urlencode

import requests
from flask import Blueprint, Response, current_app, flash, g, redirect, request, session, url_for
from flask_login import login_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.auth import AccountantPrincipal, is_accountant, safe_next
from portal.extensions import db, redis_store
from shared_models.db import utcnow
from shared_models.models import Account
from shared_models.rules.identity import mask_id_number

log = logging.getLogger(__name__)
bp = Blueprint("wx_oauth", __name__)

PENDING_COOKIE = "sxkj_wx_pending"  # the unbound openid, until login/registration binds it
PENDING_SECONDS = 1800
SANDBOX_COOKIE = "wx_sandbox_phone"  # set by the sandbox phone page: its iframe stands for WeChat's browser
STATE_KEY, NEXT_KEY, FAILED_KEY = "wx_oauth_state", "wx_oauth_next", "wx_oauth_failed"


def in_wechat() -> bool:
    """WeChat's built-in browser (or, in development only, the sandbox phone's frame)."""
    if "MicroMessenger" in (request.user_agent.string or ""):
        return True
    return bool(current_app.config.get("WECHAT_SANDBOX")) and request.cookies.get(SANDBOX_COOKIE) == "1"


def should_authorize() -> bool:
    """Go to WeChat's authorize page? Only inside WeChat, once per session (no redirect loops)."""
    return (in_wechat() and bool(current_app.config.get("WECHAT_APPID"))
            and not session.get(FAILED_KEY) and pending_openid() is None)


def authorize_redirect(next_url: str) -> Response:
    """Start snsapi_base authorisation; the random state is kept in the session."""
    state = secrets.token_urlsafe(16)
    session[STATE_KEY] = state
    session[NEXT_KEY] = safe_next(next_url, "/h5/")
    cfg = current_app.config
    query = urlencode({
        "appid": cfg["WECHAT_APPID"],
        "redirect_uri": cfg["PUBLIC_BASE_URL"].rstrip("/") + "/h5/oauth/callback",
        "response_type": "code",
        "scope": "snsapi_base",
        "state": state,
    })
    return redirect(f"{cfg['WECHAT_OAUTH_BASE'].rstrip('/')}/connect/oauth2/authorize?{query}#wechat_redirect")


def _fail(message: str) -> Response:
    session[FAILED_KEY] = True
    flash(message, "warning")
    return redirect(url_for("h5.login", next=session.pop(NEXT_KEY, "/h5/")))


@bp.get("/h5/oauth/callback")
def callback() -> Response:
    """Check state, exchange the code once, then redirect to a clean URL (a reload replays nothing)."""
    expected = session.pop(STATE_KEY, None)
    state, code = request.args.get("state", ""), request.args.get("code", "")
    if is_accountant() and expected is None:
        return redirect(url_for("h5.home"))  # a reload of an already used callback URL
    if not expected or not secrets.compare_digest(state, expected):
        return _fail("微信授权已失效，请重新从公众号菜单进入，或使用账号密码登录。")
    if not code:
        return _fail("您未同意微信授权，请使用账号密码登录。")
    # WeChat codes are single-use; the Redis marker makes sure we never even try a code twice.
    if not redis_store.client.set(f"wx:oauth:code:{code[:128]}", "1", nx=True, ex=600):
        return _fail("微信授权已使用，请重新从公众号菜单进入。")
    try:
        openid = exchange_code(code)
    except OAuthError as exc:
        log.warning("OAuth code exchange failed: %s", exc)
        return _fail("暂时无法通过微信识别您的身份，请使用账号密码登录。")
    target = session.pop(NEXT_KEY, "/h5/")
    account = db.session.scalar(select(Account).where(Account.wx_openid == openid))
    if account is not None:
        session.clear()  # a fresh session on login: no fixation
        account.last_login_at = utcnow()
        db.session.commit()
        login_user(AccountantPrincipal(account))
        return redirect(safe_next(target, url_for("h5.home")))
    flash("首次从微信进入，请登录或注册。完成后将自动绑定本微信，下次进入无需再输入密码。", "info")
    response = redirect(url_for("h5.login", next=target))
    remember_openid(response, openid)
    return response


class OAuthError(RuntimeError):
    """The code could not be exchanged (invalid/used code 40029, WeChat down, malformed answer)."""


def exchange_code(code: str) -> str:
    """code → openid through /sns/oauth2/access_token (with a timeout; wechatpy's OAuth sets none)."""
    cfg = current_app.config
    try:
        res = requests.get(
            f"{cfg['WECHAT_API_BASE'].rstrip('/')}/sns/oauth2/access_token",
            params={"appid": cfg["WECHAT_APPID"], "secret": cfg["WECHAT_SECRET"], "code": code,
                    "grant_type": "authorization_code"},
            timeout=float(cfg.get("WECHAT_HTTP_TIMEOUT") or 4.0),
        )
        res.raise_for_status()
        data = res.json()
    except (requests.RequestException, ValueError) as exc:
        raise OAuthError(str(exc)) from exc
    if data.get("errcode") or not data.get("openid"):
        raise OAuthError(f"errcode={data.get('errcode')} errmsg={data.get('errmsg')}")
    return str(data["openid"])


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="wx-pending-openid")


def remember_openid(response: Response, openid: str) -> None:
    # A signed cookie rather than the session: login clears the session (no fixation) before binding.
    response.set_cookie(PENDING_COOKIE, _serializer().dumps(openid), max_age=PENDING_SECONDS, httponly=True,
                        samesite="Lax", secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))


def pending_openid() -> str | None:
    raw = request.cookies.get(PENDING_COOKIE)
    if not raw or g.get("wx_pending_cleared"):
        return None
    try:
        return str(_serializer().loads(raw, max_age=PENDING_SECONDS))
    except BadSignature:
        return None


def bind_pending_openid(account: Account) -> None:
    """After login/registration: bind the remembered openid (one openid ↔ one account)."""
    openid = pending_openid()
    if openid is None:
        return
    g.wx_pending_cleared = True  # the after_request hook deletes the cookie
    if account.wx_openid == openid:
        return
    owner = db.session.scalar(select(Account).where(Account.wx_openid == openid))
    if owner is not None:
        flash(f"该微信已绑定其他账号（{mask_id_number(owner.id_number)}），本次未绑定。"
              "如需更换，请联系所在地财政部门。", "warning")
        return
    if account.wx_openid:
        flash("您的账号已绑定其他微信，本次未更换绑定。如需更换，请联系所在地财政部门。", "warning")
        return
    account.wx_openid = openid
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash("该微信已绑定其他账号，本次未绑定。", "warning")
        return
    flash("已绑定微信，下次从公众号进入将自动登录。", "success")


def clear_pending_cookie(response: Response) -> Response:
    if g.get("wx_pending_cleared"):
        response.delete_cookie(PENDING_COOKIE)
    return response
