"""Test fixtures of the wx capability (loaded by tests/conftest.py through pytest_plugins).

`live_server`: the real app (test settings, sandbox mounted) served over HTTP on a loopback port, with
WECHAT_API_BASE / WECHAT_OAUTH_BASE / PUBLIC_BASE_URL pointing at itself, so the gateway and the sandbox
talk over real HTTP as they would to WeChat. Ask for `live_server` instead of (or before) `app`; add
settings (e.g. WECHAT_AES_KEY) to the `settings` fixture before asking for it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from werkzeug.serving import make_server

WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
    "Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F30) "
    "WeChat/arm64 Weixin NetType/WIFI Language/zh_CN"
)
TEST_AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"  # wechatpy's published test key


@dataclass
class LiveServer:
    url: str
    app: Any

    def get(self, path: str, **kw) -> requests.Response:
        return requests.get(self.url + path, timeout=10, **kw)

    def post_json(self, path: str, body: dict) -> requests.Response:
        return requests.post(self.url + path, json=body, timeout=10)

    # -- sandbox controls ----------------------------------------------------------------------
    def counters(self) -> dict[str, int]:
        return self.get("/sandbox/control/counters").json()

    def faults(self, mode: str = "", slow: float = 0) -> None:
        assert self.post_json("/sandbox/control/faults", {"mode": mode, "slow": slow}).ok

    def follower(self, openid: str | None = None, subscribed: bool = True, current: bool = True) -> str:
        body = {"subscribed": subscribed, "current": current, **({"openid": openid} if openid else {})}
        return self.post_json("/sandbox/control/followers", body).json()["openid"]

    def send(self, **body) -> dict:
        res = self.post_json("/sandbox/control/send", body)
        assert res.ok, res.text
        return res.json()

    def chat(self, openid: str) -> list[dict]:
        return self.get("/sandbox/control/messages", params={"openid": openid}).json()["chat"]

    def wx_params(self, timestamp: int | None = None, token: str | None = None) -> dict[str, str]:
        """Query parameters of a signed WeChat callback request."""
        token = token or self.app.config["WECHAT_TOKEN"]
        ts, nonce = str(timestamp or int(time.time())), str(secrets.randbelow(10**9))
        sig = hashlib.sha1("".join(sorted([token, ts, nonce])).encode()).hexdigest()
        return {"signature": sig, "timestamp": ts, "nonce": nonce}


@pytest.fixture
def live_server(settings, request):
    settings.setdefault("WECHAT_SANDBOX", True)
    settings["WECHAT_SANDBOX"] = True
    settings.setdefault("WECHAT_HTTP_TIMEOUT", 3.0)
    app = request.getfixturevalue("app")
    assert "sandbox" in app.blueprints, "ask for live_server before app (the sandbox is mounted at creation)"
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config.update(PUBLIC_BASE_URL=base, WECHAT_API_BASE=f"{base}/sandbox/api",
                      WECHAT_OAUTH_BASE=f"{base}/sandbox/open")
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(base, app)
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def wechat_browser(live_server):
    """A requests session that identifies as WeChat's built-in browser."""
    session = requests.Session()
    session.headers["User-Agent"] = WECHAT_UA
    yield session
    session.close()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def form_post(session: requests.Session, url: str, data: dict, **kw) -> requests.Response:
    """Fetch the form page, take its CSRF token, post (as a browser does)."""
    page = session.get(url, timeout=10)
    match = CSRF_RE.search(page.text)
    assert match, f"no csrf_token on {url}"
    return session.post(url, data={**data, "csrf_token": match.group(1)}, timeout=10, **kw)
