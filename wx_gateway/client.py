"""The WeChat API client: wechatpy's WeChatClient with a configurable base URL, timeouts on every call and
one access token in Redis shared by every worker.

Why a subclass (wechatpy 1.8.18 traps, verified):
- `fetch_access_token` hard-codes https://api.weixin.qq.com and sets no timeout;
- on 40001/40014/42001 `_handle_result` refetches and recurses without bound (RecursionError when WeChat
  keeps refusing). Here: at most one forced refresh and one retry, then `WeChatTokenRejected`.
Access token: https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Get_access_token.html
Global return codes: https://developers.weixin.qq.com/doc/offiaccount/Getting_Started/Global_Return_Code.html
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import redis
import requests
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

log = logging.getLogger(__name__)

TOKEN_ERRORS = frozenset({40001, 40014, 42001})  # invalid credential / invalid token / token expired
SYSTEM_BUSY = -1
QUOTA_EXCEEDED = 45009
TOKEN_SAFETY_MARGIN = 300  # seconds: refresh 5 minutes before WeChat's expiry


class WeChatError(Exception):
    """A WeChat API call failed. `transient` errors are worth retrying later; the others are not."""

    transient = False

    def __init__(self, errcode: int | None, errmsg: str | None, message: str) -> None:
        super().__init__(f"{message} (errcode={errcode}, errmsg={errmsg})")
        self.errcode = errcode
        self.errmsg = errmsg


class WeChatUnavailable(WeChatError):
    """WeChat could not be reached in time (timeout, connection refused, HTTP error)."""

    transient = True


class WeChatBusy(WeChatError):
    """errcode -1: 系统繁忙，此时请开发者稍候再试."""

    transient = True


class WeChatQuotaExceeded(WeChatError):
    """errcode 45009: the daily quota of this API is used up (reset at midnight or in the console)."""

    transient = True


class WeChatTokenRejected(WeChatError):
    """WeChat refused a freshly fetched access token too (wrong secret, IP whitelist, revoked token)."""


class WeChatAPIError(WeChatError):
    """Any other non-zero errcode: a permanent refusal of this request (e.g. 43004, 40003, 40037)."""


def _classify(errcode: int | None, errmsg: str | None) -> WeChatError:
    if errcode is None:
        return WeChatUnavailable(errcode, errmsg, "微信接口返回了HTTP错误")
    if errcode == SYSTEM_BUSY:
        return WeChatBusy(errcode, errmsg, "微信系统繁忙，请稍后重试")
    if errcode == QUOTA_EXCEEDED:
        return WeChatQuotaExceeded(errcode, errmsg, "微信接口调用次数已达上限")
    if errcode in TOKEN_ERRORS:
        return WeChatTokenRejected(errcode, errmsg, "微信拒绝了新获取的 access_token")
    return WeChatAPIError(errcode, errmsg, "微信接口返回错误")


class GatewayClient(WeChatClient):
    """WeChatClient whose token lives in Redis (key per appid), fetched by one worker at a time."""

    def __init__(self, appid: str, secret: str, *, api_base: str, redis_client: redis.Redis, timeout: float):
        super().__init__(appid, secret, timeout=timeout, auto_retry=False)
        self.api_base = api_base.rstrip("/")
        self.API_BASE_URL = f"{self.api_base}/cgi-bin/"
        self.redis = redis_client
        self.timeout = timeout

    @classmethod
    def from_config(cls, config: Mapping[str, Any], redis_client: redis.Redis) -> GatewayClient:
        return cls(
            config["WECHAT_APPID"],
            config["WECHAT_SECRET"],
            api_base=config["WECHAT_API_BASE"],
            redis_client=redis_client,
            timeout=float(config.get("WECHAT_HTTP_TIMEOUT") or 4.0),
        )

    @property
    def access_token_key(self) -> str:
        return f"wx:access_token:{self.appid}"

    @property
    def access_token(self) -> str:
        token = self.redis.get(self.access_token_key)
        return token or self._refresh(stale=None)

    def fetch_access_token(self) -> dict[str, Any]:
        """Force a new token (wechatpy's public name); returns {"access_token": ...}."""
        return {"access_token": self._refresh(stale=self.redis.get(self.access_token_key))}

    def _refresh(self, stale: str | None) -> str:
        """Fetch a token under a Redis lock; after waiting for the lock, re-read: another worker may have
        fetched it meanwhile (N cold workers -> 1 fetch). `stale` is a token known to be refused."""
        lock = self.redis.lock(f"{self.access_token_key}:lock", timeout=self.timeout * 3 + 5,
                               blocking_timeout=self.timeout * 3 + 5)
        if not lock.acquire():
            raise WeChatUnavailable(None, None, "等待 access_token 锁超时")
        try:
            current = self.redis.get(self.access_token_key)
            if current and current != stale:
                return current
            result = self._fetch_token_http()
            token = result["access_token"]
            ttl = max(60, int(result.get("expires_in", 7200)) - TOKEN_SAFETY_MARGIN)
            self.redis.set(self.access_token_key, token, ex=ttl)
            return token
        finally:
            try:
                lock.release()
            except redis.exceptions.LockError:  # expired while fetching: nothing to release
                log.warning("access token lock expired before release")

    def _fetch_token_http(self) -> dict[str, Any]:
        log.info("fetching a WeChat access token for %s", self.appid)
        try:
            res = self._http.get(
                f"{self.api_base}/cgi-bin/token",
                params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
                timeout=self.timeout,
            )
            res.raise_for_status()
            result = res.json()
        except (requests.RequestException, ValueError) as exc:
            raise WeChatUnavailable(None, str(exc), "无法获取微信 access_token") from exc
        if result.get("errcode"):
            raise _classify(int(result["errcode"]), result.get("errmsg"))
        return result

    def _request(self, method: str, url_or_endpoint: str, **kwargs: Any) -> Any:
        """One call, plus at most one forced token refresh and one retry on a token error."""
        for attempt in (1, 2):
            token = self.access_token
            call = dict(kwargs)
            call["params"] = {**(kwargs.get("params") or {}), "access_token": token}
            call["timeout"] = self.timeout
            try:
                return super()._request(method, url_or_endpoint, **call)
            except requests.RequestException as exc:
                raise WeChatUnavailable(None, str(exc), "无法连接微信接口") from exc
            except WeChatClientException as exc:
                errcode = None if exc.errcode is None else int(exc.errcode)
                if errcode in TOKEN_ERRORS and attempt == 1:
                    log.info("WeChat refused the access token (%s); refreshing once", errcode)
                    self._refresh(stale=token)
                    continue
                raise _classify(errcode, exc.errmsg) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    # -- the calls this service makes -------------------------------------------------------------

    def send_template(self, openid: str, template_id: str, data: dict, url: str, client_msg_id: str) -> str:
        """Template message; `client_msg_id` lets WeChat drop a resend of the same message. Returns msgid.
        https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html
        """
        body = {"touser": openid, "template_id": template_id, "url": url, "data": data,
                "client_msg_id": client_msg_id}
        result = self.post("message/template/send", data=body)
        return str(result.get("msgid", ""))

    def jsapi_ticket(self) -> str:
        """The JS-SDK ticket, cached in Redis like the token (its own 7200 s lifetime minus the margin).
        https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/JS-SDK.html
        """
        key = f"wx:jsapi_ticket:{self.appid}"
        ticket = self.redis.get(key)
        if ticket:
            return ticket
        result = self.get("ticket/getticket", params={"type": "jsapi"})
        ticket = result["ticket"]
        self.redis.set(key, ticket, ex=max(60, int(result.get("expires_in", 7200)) - TOKEN_SAFETY_MARGIN))
        return ticket

    def jsapi_config(self, url: str) -> dict[str, Any]:
        """wx.config parameters for the page at `url` (without its #fragment)."""
        nonce = f"{time.time_ns():x}"
        timestamp = int(time.time())
        signature = self.jsapi.get_jsapi_signature(nonce, self.jsapi_ticket(), timestamp, url.split("#")[0])
        return {"appId": self.appid, "timestamp": timestamp, "nonceStr": nonce, "signature": signature}


def get_client() -> GatewayClient:
    """The client for the current app (settings + the app's Redis)."""
    from flask import current_app

    from portal.extensions import redis_store

    return GatewayClient.from_config(current_app.config, redis_store.client)


def menu_get(client: GatewayClient) -> dict[str, Any] | None:
    """The published menu as {"button": [...]}, or None when there is none (errcode 46003).
    https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Querying_Custom_Menus.html
    """
    try:
        result = client.get("menu/get")
    except WeChatAPIError as exc:
        if exc.errcode == 46003:
            return None
        raise
    return result.get("menu") or None


def menu_create(client: GatewayClient, menu: dict[str, Any]) -> None:
    """https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Creating_Custom-Defined_Menu.html"""
    client.post("menu/create", data=menu)


def menu_delete(client: GatewayClient) -> None:
    """https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Deleting_Custom-Defined_Menu.html"""
    client.get("menu/delete")
