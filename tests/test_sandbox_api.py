"""The sandbox behaves like WeChat: token rotation, error codes, menus, template send, OAuth codes."""

from __future__ import annotations

import pytest
import requests


def api(live, path: str, **params) -> dict:
    return live.get("/sandbox/api" + path, params=params).json()


def token(live) -> str:
    cfg = live.app.config
    return api(live, "/cgi-bin/token", grant_type="client_credential", appid=cfg["WECHAT_APPID"],
               secret=cfg["WECHAT_SECRET"])["access_token"]


def post(live, path: str, body: dict, access_token: str) -> dict:
    return requests.post(f"{live.url}/sandbox/api{path}", params={"access_token": access_token}, json=body,
                         timeout=10).json()


def test_token_checks_appid_and_secret(live_server):
    cfg = live_server.app.config
    assert api(live_server, "/cgi-bin/token", grant_type="client_credential", appid="wxnope",
               secret=cfg["WECHAT_SECRET"])["errcode"] == 40013
    assert api(live_server, "/cgi-bin/token", grant_type="client_credential", appid=cfg["WECHAT_APPID"],
               secret="wrong")["errcode"] == 40125
    assert api(live_server, "/cgi-bin/token", grant_type="password", appid=cfg["WECHAT_APPID"],
               secret=cfg["WECHAT_SECRET"])["errcode"] == 40002
    good = api(live_server, "/cgi-bin/token", grant_type="client_credential", appid=cfg["WECHAT_APPID"],
               secret=cfg["WECHAT_SECRET"])
    assert good["expires_in"] == 7200 and len(good["access_token"]) > 32


def test_token_rotation_keeps_the_previous_token_five_minutes(live_server):
    old = token(live_server)
    new = token(live_server)
    assert old != new
    redis = live_server.app.extensions["redis"]
    assert 0 < redis.ttl(f"sbx:token:{old}") <= 300
    assert api(live_server, "/cgi-bin/menu/get", access_token=old)["errcode"] == 46003  # still valid
    redis.delete(f"sbx:token:{old}")  # the grace period is over
    assert api(live_server, "/cgi-bin/menu/get", access_token=old)["errcode"] == 42001
    assert api(live_server, "/cgi-bin/menu/get", access_token="forged")["errcode"] == 40001
    assert api(live_server, "/cgi-bin/menu/get")["errcode"] == 41001


GOOD_MENU = {"button": [{"type": "click", "name": "帮助", "key": "HELP"},
                        {"name": "行业信息", "sub_button": [{"type": "view", "name": "信息采集",
                                                          "url": "http://127.0.0.1/h5/"}]}]}


@pytest.mark.parametrize(("menu", "errcode"), [
    ({"button": []}, 40016),
    ({"button": [{"type": "click", "name": f"b{i}", "key": f"k{i}"} for i in range(4)]}, 40016),
    ({"button": [{"type": "teleport", "name": "x", "key": "k"}]}, 40017),
    ({"button": [{"type": "click", "name": "一二三四五六", "key": "k"}]}, 40018),
    ({"button": [{"type": "click", "name": "x", "key": "k" * 129}]}, 40019),
    ({"button": [{"type": "view", "name": "x", "url": "http://a/" + "u" * 1024}]}, 40020),
    ({"button": [{"name": "x", "sub_button": [{"type": "click", "name": f"s{i}", "key": f"k{i}"}
                                              for i in range(6)]}]}, 40023),
    ({"button": [{"name": "x", "sub_button": [{"type": "nope", "name": "s", "key": "k"}]}]}, 40024),
    ({"button": [{"name": "x", "sub_button": [{"type": "click", "name": "长" * 21, "key": "k"}]}]}, 40025),
    ({"button": [{"name": "x", "sub_button": [{"type": "click", "name": "s", "key": "k" * 129}]}]}, 40026),
    ({"button": [{"name": "x", "sub_button": [{"type": "view", "name": "s", "url": "http://a/" + "u" * 1024}]}]},
     40027),
])
def test_menu_create_refuses_with_wechat_errcodes(live_server, menu, errcode):
    assert post(live_server, "/cgi-bin/menu/create", menu, token(live_server))["errcode"] == errcode


def test_menu_create_get_delete(live_server):
    tok = token(live_server)
    assert post(live_server, "/cgi-bin/menu/create", GOOD_MENU, tok) == {"errcode": 0, "errmsg": "ok"}
    got = api(live_server, "/cgi-bin/menu/get", access_token=tok)["menu"]["button"]
    assert got[0]["sub_button"] == [] and got[1]["sub_button"][0]["name"] == "信息采集"
    assert api(live_server, "/cgi-bin/menu/delete", access_token=tok)["errcode"] == 0
    assert api(live_server, "/cgi-bin/menu/get", access_token=tok)["errcode"] == 46003
    bad_json = requests.post(f"{live_server.url}/sandbox/api/cgi-bin/menu/create", params={"access_token": tok},
                             data=b"{not json", timeout=10).json()
    assert bad_json["errcode"] == 47001


def test_template_send_checks_and_dedup(live_server):
    tok = token(live_server)
    template = live_server.app.config["WECHAT_TEMPLATE_REVIEW_RESULT"]
    follower = live_server.follower(subscribed=True)
    gone = live_server.follower(subscribed=False)
    body = {"touser": follower, "template_id": template, "data": {"first": {"value": "hi"}}, "url": "http://x/"}
    assert post(live_server, "/cgi-bin/message/template/send", {**body, "touser": "oNobody"}, tok)["errcode"] == 40003
    assert post(live_server, "/cgi-bin/message/template/send", {**body, "template_id": "nope"}, tok)["errcode"] == 40037
    assert post(live_server, "/cgi-bin/message/template/send", {**body, "touser": gone}, tok)["errcode"] == 43004
    first = post(live_server, "/cgi-bin/message/template/send", {**body, "client_msg_id": "outbox-1"}, tok)
    again = post(live_server, "/cgi-bin/message/template/send", {**body, "client_msg_id": "outbox-1"}, tok)
    assert first["errcode"] == 0 and again["msgid"] == first["msgid"]
    assert live_server.counters()["send"] == 1
    templates = [m for m in live_server.chat(follower) if m["kind"] == "template"]
    assert len(templates) == 1 and templates[0]["data"]["first"]["value"] == "hi"


def test_oauth_code_is_single_use(live_server):
    cfg = live_server.app.config
    openid = live_server.follower()
    res = live_server.get("/sandbox/open/connect/oauth2/authorize", allow_redirects=False, params={
        "appid": cfg["WECHAT_APPID"], "redirect_uri": live_server.url + "/h5/oauth/callback",
        "response_type": "code", "scope": "snsapi_base", "state": "abc"})
    assert res.status_code == 302
    location = res.headers["Location"]
    assert location.startswith(live_server.url + "/h5/oauth/callback?code=") and location.endswith("&state=abc")
    code = location.split("code=")[1].split("&")[0]
    params = {"appid": cfg["WECHAT_APPID"], "secret": cfg["WECHAT_SECRET"], "code": code,
              "grant_type": "authorization_code"}
    first = api(live_server, "/sns/oauth2/access_token", **params)
    assert first["openid"] == openid and first["scope"] == "snsapi_base"
    assert api(live_server, "/sns/oauth2/access_token", **params)["errcode"] == 40029


def test_authorize_refuses_foreign_redirect_and_bad_appid(live_server):
    cfg = live_server.app.config
    base = {"appid": cfg["WECHAT_APPID"], "response_type": "code", "scope": "snsapi_base", "state": "s"}
    evil = live_server.get("/sandbox/open/connect/oauth2/authorize", allow_redirects=False,
                           params={**base, "redirect_uri": "https://evil.example/cb"})
    assert evil.status_code == 400 and "10003" in evil.text
    wrong = live_server.get("/sandbox/open/connect/oauth2/authorize", allow_redirects=False,
                            params={**base, "appid": "wxother", "redirect_uri": live_server.url + "/h5/oauth/callback"})
    assert wrong.status_code == 400


def test_controls_refuse_non_json_posts(live_server):
    assert requests.post(live_server.url + "/sandbox/control/reset", data={"a": "b"}, timeout=10).status_code == 415
    assert live_server.post_json("/sandbox/control/faults", {"mode": "explode"}).status_code == 400


def test_phone_page_renders(live_server):
    page = live_server.get("/sandbox/")
    assert page.status_code == 200 and "山西省会计之星" in page.text and "phone.js" in page.text
    assert "wx_sandbox_phone=1" in page.headers["Set-Cookie"]
    assert live_server.get("/sandbox/static/phone.js").status_code == 200


def test_sandbox_is_not_mounted_without_the_setting(client):
    assert client.get("/sandbox/").status_code == 404
    assert client.get("/sandbox/api/cgi-bin/token").status_code == 404
