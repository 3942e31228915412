"""Web OAuth over real HTTP: the app redirects to the sandbox's authorize page, which redirects back."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests
from sqlalchemy import select

from shared_models.accounts import register_account
from shared_models.models import Account
from tests.conftest import VALID_ID
from tests.fixtures_wx import CSRF_RE, form_post

PASSWORD = "Kuaiji@2026"


def register(session, live, id_number=VALID_ID, name="张三") -> requests.Response:
    return form_post(session, live.url + "/h5/register", {
        "id_type": "居民身份证", "id_number": id_number, "name": name, "password": PASSWORD,
        "password_confirm": PASSWORD, "email": "zhangsan@example.com"})


def login(session, live, id_number=VALID_ID) -> requests.Response:
    return form_post(session, live.url + "/h5/login", {"id_number": id_number, "password": PASSWORD})


def logout(session, live) -> None:
    token = CSRF_RE.search(session.get(live.url + "/h5/", timeout=10).text).group(1)
    assert session.post(live.url + "/h5/logout", data={"csrf_token": token}, timeout=10).ok
    session.cookies.pop("sxkj_session", None)


def account_by_openid(db_session, openid):
    db_session.expire_all()
    return db_session.scalar(select(Account).where(Account.wx_openid == openid))


def test_outside_wechat_the_normal_login_applies(live_server):
    res = live_server.get("/h5/", allow_redirects=False)
    assert res.status_code == 302 and urlsplit(res.headers["Location"]).path == "/h5/login"


def test_authorize_redirect_is_snsapi_base_with_state(live_server, wechat_browser):
    res = wechat_browser.get(live_server.url + "/h5/", allow_redirects=False)
    assert res.status_code == 302
    location = res.headers["Location"]
    assert location.startswith(live_server.url + "/sandbox/open/connect/oauth2/authorize?")
    assert location.endswith("#wechat_redirect")
    query = parse_qs(urlsplit(location).query)
    assert query["appid"] == [live_server.app.config["WECHAT_APPID"]]
    assert query["redirect_uri"] == [live_server.url + "/h5/oauth/callback"]
    assert query["response_type"] == ["code"] and query["scope"] == ["snsapi_base"]
    assert len(query["state"][0]) >= 16


def test_unbound_then_bound_then_straight_in(live_server, wechat_browser, db_session):
    openid = live_server.follower()
    first = wechat_browser.get(live_server.url + "/h5/")
    assert urlsplit(first.url).path == "/h5/login" and "首次从微信进入" in first.text
    assert "code=" not in first.url  # the callback redirected to a clean URL
    registered = register(wechat_browser, live_server)
    assert registered.ok and "已绑定微信" in registered.text
    assert account_by_openid(db_session, openid).id_number == VALID_ID
    logout(wechat_browser, live_server)
    again = wechat_browser.get(live_server.url + "/h5/")
    assert again.status_code == 200 and urlsplit(again.url).path == "/h5/" and "您好，张三" in again.text
    assert live_server.counters()["oauth_exchange"] == 2


def test_bound_openid_logs_straight_in_and_keeps_the_target(live_server, wechat_browser, db_session):
    account = register_account(db_session, {"id_type": "居民身份证", "id_number": VALID_ID, "name": "赵六",
                                            "email": "z@example.com", "password": PASSWORD})
    account.wx_openid = live_server.follower()
    db_session.commit()
    res = wechat_browser.get(live_server.url + "/h5/")
    assert res.status_code == 200 and "您好，赵六" in res.text
    history = [r.headers.get("Location", "") for r in res.history]
    assert any("/h5/oauth/callback?code=" in h for h in history)


def test_reloading_a_used_callback_never_replays_the_code(live_server, wechat_browser, db_session):
    account = register_account(db_session, {"id_type": "居民身份证", "id_number": VALID_ID, "name": "赵六",
                                            "email": "z@example.com", "password": PASSWORD})
    account.wx_openid = live_server.follower()
    db_session.commit()
    res = wechat_browser.get(live_server.url + "/h5/")
    callback_url = next(r.headers["Location"] for r in res.history if "/oauth/callback" in r.headers["Location"])
    reload = wechat_browser.get(callback_url, allow_redirects=False)
    assert reload.status_code == 302 and urlsplit(reload.headers["Location"]).path == "/h5/"
    stranger = requests.Session()  # same URL, another browser: no state in its session
    stranger.headers["User-Agent"] = wechat_browser.headers["User-Agent"]
    replay = stranger.get(callback_url)
    assert urlsplit(replay.url).path == "/h5/login" and "微信授权已失效" in replay.text
    assert live_server.counters()["oauth_exchange"] == 1


def test_state_mismatch_falls_back_to_login_without_loop(live_server, wechat_browser):
    live_server.follower()
    start = wechat_browser.get(live_server.url + "/h5/", allow_redirects=False).headers["Location"]
    to_callback = wechat_browser.get(start, allow_redirects=False).headers["Location"]
    forged = to_callback.replace("state=", "state=forged")
    res = wechat_browser.get(forged)
    assert urlsplit(res.url).path == "/h5/login" and "微信授权已失效" in res.text
    assert live_server.counters()["oauth_exchange"] == 0
    again = wechat_browser.get(live_server.url + "/h5/", allow_redirects=False)
    assert urlsplit(again.headers["Location"]).path == "/h5/login"  # no second trip to WeChat


def test_reused_code_refused_by_wechat_falls_back_to_login(live_server, wechat_browser):
    live_server.follower()
    start = wechat_browser.get(live_server.url + "/h5/", allow_redirects=False).headers["Location"]
    to_callback = wechat_browser.get(start, allow_redirects=False).headers["Location"]
    code = parse_qs(urlsplit(to_callback).query)["code"][0]
    cfg = live_server.app.config
    live_server.get("/sandbox/api/sns/oauth2/access_token", params={  # someone used the code first
        "appid": cfg["WECHAT_APPID"], "secret": cfg["WECHAT_SECRET"], "code": code, "grant_type": "authorization_code"})
    res = wechat_browser.get(to_callback)
    assert urlsplit(res.url).path == "/h5/login" and "暂时无法通过微信识别" in res.text


def test_openid_bound_elsewhere_is_not_rebound(live_server, wechat_browser, db_session):
    openid = live_server.follower()
    register_account(db_session, {"id_type": "居民身份证", "id_number": VALID_ID, "name": "张三",
                                  "email": "z@example.com", "password": PASSWORD})
    db_session.commit()
    wechat_browser.get(live_server.url + "/h5/")  # unbound: the openid is remembered
    other = register_account(db_session, {"id_type": "居民身份证", "id_number": "110105194912310029",
                                          "name": "钱七", "email": "q@example.com", "password": PASSWORD})
    other.wx_openid = openid  # meanwhile bound to another account
    db_session.commit()
    res = login(wechat_browser, live_server)
    assert res.ok and "该微信已绑定其他账号" in res.text
    assert account_by_openid(db_session, openid).name == "钱七"


def test_account_bound_to_another_wechat_keeps_its_binding(live_server, wechat_browser, db_session):
    account = register_account(db_session, {"id_type": "居民身份证", "id_number": VALID_ID, "name": "张三",
                                            "email": "z@example.com", "password": PASSWORD})
    account.wx_openid = "oOldPhone000000000000000000001"
    db_session.commit()
    openid = live_server.follower()
    wechat_browser.get(live_server.url + "/h5/")
    res = login(wechat_browser, live_server)
    assert "您的账号已绑定其他微信" in res.text
    assert account_by_openid(db_session, openid) is None
