"""The /wx callback over real HTTP: verification, plain and safe mode, refusals, dedup, handlers."""

from __future__ import annotations

import time

import pytest
import requests
import xmltodict
from wechatpy.crypto import WeChatCrypto

from shared_models.models import Account, Application, NotificationOutbox
from tests.fixtures_wx import TEST_AES_KEY
from wechat_sandbox import wire
from wx_gateway import callback


def post_wx(live, body: bytes | str, params: dict | None = None, **kw) -> requests.Response:
    data = body.encode() if isinstance(body, str) else body
    return requests.post(live.url + "/wx", params=params or live.wx_params(), data=data, timeout=10,
                         headers={"Content-Type": "text/xml"}, **kw)


def text_xml(openid: str, content: str, msgid: int = 6054768590064713728) -> str:
    return wire.message_xml(openid, {"MsgType": "text", "Content": content, "MsgId": msgid})


def reply_content(response: requests.Response) -> str:
    return xmltodict.parse(response.text)["xml"]["Content"]


def test_url_verification_echoes_echostr(live_server):
    params = {**live_server.wx_params(), "echostr": "7423958342198374"}
    res = live_server.get("/wx", params=params)
    assert res.status_code == 200 and res.text == "7423958342198374"


def test_url_verification_with_bad_signature_is_403(live_server):
    params = {**live_server.wx_params(token="not-the-token"), "echostr": "x"}
    assert live_server.get("/wx", params=params).status_code == 403
    assert live_server.get("/wx", params={"echostr": "x"}).status_code == 403


def test_plain_text_round_trip(live_server):
    res = post_wx(live_server, text_xml("oUser0000000000000000000001", "帮助"))
    assert res.status_code == 200
    doc = xmltodict.parse(res.text)["xml"]
    assert doc["ToUserName"] == "oUser0000000000000000000001" and doc["MsgType"] == "text"
    assert "使用帮助" in doc["Content"] and live_server.url + "/h5/" in doc["Content"]


@pytest.fixture
def aes_settings(settings):
    settings["WECHAT_AES_KEY"] = TEST_AES_KEY
    return settings


def test_safe_mode_round_trip_reply_is_encrypted(aes_settings, live_server):
    reply = live_server.send(openid=live_server.follower(), kind="text", content="信息采集")
    assert reply["status"] == 200 and "山西省会计人员信息采集" in reply["reply"]
    # And by hand: the answer on the wire carries only Encrypt + MsgSignature.
    cfg = live_server.app.config
    crypto = WeChatCrypto(cfg["WECHAT_TOKEN"], TEST_AES_KEY, cfg["WECHAT_APPID"])
    params = live_server.wx_params()
    encrypted = crypto.encrypt_message(text_xml("oUserAes00000000000000000001", "帮助"), params["nonce"],
                                       params["timestamp"])
    enc = xmltodict.parse(encrypted)["xml"]
    params.update(encrypt_type="aes", msg_signature=enc["MsgSignature"])
    res = post_wx(live_server, f"<xml><ToUserName>gh_x</ToUserName><Encrypt>{enc['Encrypt']}</Encrypt></xml>", params)
    assert res.status_code == 200 and "<Content>" not in res.text and "<Encrypt>" in res.text
    doc = xmltodict.parse(res.text)["xml"]
    plain = crypto.decrypt_message(res.text, doc["MsgSignature"], doc["TimeStamp"], doc["Nonce"])
    assert "使用帮助" in xmltodict.parse(plain)["xml"]["Content"]


# wechatpy's published vector (tests/test_crypto.py): token 123456, this key, id wx49f0ab532d5d035a.
VECTOR_XML = """<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>
<Encrypt><![CDATA[RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=]]></Encrypt>
<AgentID><![CDATA[1]]></AgentID>
</xml>"""


@pytest.fixture
def vector_settings(settings):
    settings.update(WECHAT_TOKEN="123456", WECHAT_AES_KEY="kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
                    WECHAT_APPID="wx49f0ab532d5d035a")
    return settings


def test_published_crypto_vector_is_decrypted_and_answered(vector_settings, live_server, monkeypatch):
    # The vector was signed in 2014: move the callback's clock there (nothing else can make it fresh).
    monkeypatch.setattr(callback, "clock", lambda: 1411525903)
    params = {**live_server.wx_params(timestamp=1411525903), "nonce": "461056294"}
    params["signature"] = wire.signature("123456", "1411525903", "461056294")
    params.update(encrypt_type="aes", msg_signature="74d92dfeb87ba7c714f89d98870ae5eb62dff26d")
    res = post_wx(live_server, VECTOR_XML, params)
    assert res.status_code == 200
    crypto = WeChatCrypto("123456", vector_settings["WECHAT_AES_KEY"], "wx49f0ab532d5d035a")
    doc = xmltodict.parse(res.text)["xml"]
    plain = xmltodict.parse(crypto.decrypt_message(res.text, doc["MsgSignature"], doc["TimeStamp"], doc["Nonce"]))
    assert plain["xml"]["ToUserName"] == "messense"  # the vector's sender, decrypted by the gateway
    assert "收到您的消息“test”" in plain["xml"]["Content"]
    # A tampered msg_signature is refused.
    params["msg_signature"] = "0" * 40
    assert post_wx(live_server, VECTOR_XML, params).status_code == 403


def test_garbage_base64_is_400(aes_settings, live_server):
    params = live_server.wx_params()
    encrypt = "%%%not base64!!!"
    params.update(encrypt_type="aes",
                  msg_signature=wire.signature("testtoken", params["timestamp"], params["nonce"], encrypt))
    res = post_wx(live_server, f"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>", params)
    assert res.status_code == 400
    valid_b64 = "QUJDREVGR0hJSktMTU5PUA=="  # base64, but not a WeChat ciphertext
    params["msg_signature"] = wire.signature("testtoken", params["timestamp"], params["nonce"], valid_b64)
    assert post_wx(live_server, f"<xml><Encrypt>{valid_b64}</Encrypt></xml>", params).status_code == 400


def test_bad_signature_is_403(live_server):
    params = live_server.wx_params()
    params["signature"] = "f" * 40
    assert post_wx(live_server, text_xml("oX", "帮助"), params).status_code == 403


def test_stale_timestamp_is_refused(live_server):
    stale = int(time.time()) - 301
    res = post_wx(live_server, text_xml("oX", "帮助"), live_server.wx_params(timestamp=stale))
    assert res.status_code == 403 and "stale" in res.text


XXE = """<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>gh</ToUserName><FromUserName>oX</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&xxe;</Content><MsgId>1</MsgId></xml>"""
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + ']><xml><MsgType>text</MsgType><FromUserName>oX</FromUserName><Content>&lol9;</Content></xml>')


@pytest.mark.parametrize("body", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_entity_attacks_are_400_fast(live_server, body):
    post_wx(live_server, "<xml/>")  # warm the connection path
    started = time.perf_counter()
    res = post_wx(live_server, body)
    elapsed = time.perf_counter() - started
    assert res.status_code == 400 and "root:" not in res.text
    assert elapsed < 0.1, f"took {elapsed:.3f}s"


@pytest.mark.parametrize("body", ["<xml><MsgType>text", "not xml at all", "<other><a>1</a></other>",
                                  b"\xff\xfe<xml/>", "<xml><Content>no sender</Content></xml>"])
def test_malformed_bodies_are_400(live_server, body):
    assert post_wx(live_server, body).status_code == 400


def test_one_megabyte_body_is_413(live_server):
    body = "<xml><Content>" + "a" * (1024 * 1024) + "</Content></xml>"
    assert post_wx(live_server, body).status_code == 413


def test_body_over_64k_without_content_length_is_413(live_server):
    chunks = (b"<xml><Content>", b"a" * 70_000, b"</Content></xml>")
    res = requests.post(live_server.url + "/wx", params=live_server.wx_params(), data=iter(chunks), timeout=10)
    assert res.status_code == 413


def test_same_message_three_times_is_handled_once(live_server, db_session):
    account = _account(db_session, "oDup0000000000000000000000001")
    body = text_xml(account.wx_openid, "进度", msgid=7123456789012345678)
    answers = [post_wx(live_server, body) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert "未提交" in reply_content(answers[0]) or "未开始" in reply_content(answers[0])
    assert [a.text for a in answers[1:]] == ["success", "success"]
    # Events are deduplicated on FromUserName + CreateTime + Event.
    event = wire.message_xml("oEvt", {"MsgType": "event", "Event": "subscribe"}, create_time=1700000000)
    first, again = post_wx(live_server, event), post_wx(live_server, event)
    assert "欢迎关注" in reply_content(first) and again.text == "success"


def _account(db_session, openid: str, status: str | None = None, name: str = "李四") -> Account:
    account = Account(id_type="居民身份证", id_number=f"1401{abs(hash(openid)) % 10**14:014d}", name=name,
                      email="li@example.com", password_hash="x", wx_openid=openid)
    db_session.add(account)
    db_session.flush()
    if status:
        db_session.add(Application(account_id=account.id, status=status))
    db_session.commit()
    return account


def _say(live, openid: str, **body) -> str:
    return live.send(openid=openid, **body)["reply"] or ""


def test_handlers_answer_menu_keys_and_keywords(live_server, db_session):
    openid = live_server.follower()
    assert "欢迎关注" in _say(live_server, openid, kind="event", event="subscribe")
    assert "尚未绑定" in _say(live_server, openid, kind="event", event="CLICK", key="MY_STATUS")
    assert "使用帮助" in _say(live_server, openid, kind="event", event="CLICK", key="HELP")
    assert "联系我们" in _say(live_server, openid, kind="event", event="CLICK", key="CONTACT")
    assert live_server.send(openid=openid, kind="event", event="CLICK", key="NO_SUCH_KEY")["reply"] is None
    assert live_server.send(openid=openid, kind="event", event="VIEW", key=live_server.url + "/h5/")["reply"] is None
    for word in ("信息采集", "采集"):
        assert live_server.url + "/h5/" in _say(live_server, openid, kind="text", content=word)
    assert "使用帮助" in _say(live_server, openid, kind="text", content="帮助")
    assert "尚未绑定" in _say(live_server, openid, kind="text", content="状态")
    other = _say(live_server, openid, kind="text", content="你好")
    assert "收到您的消息“你好”" in other and "回复“采集”" in other
    assert live_server.send(openid=openid, kind="event", event="unsubscribe")["reply"] is None


def test_status_reply_for_bound_accounts(live_server, db_session):
    rejected = _account(db_session, "oRej0000000000000000000000001", status="rejected", name="王五]]>")
    reply = _say(live_server, rejected.wx_openid, kind="text", content="进度")
    assert "审核未通过" in reply and "查看并修改" in reply and live_server.url + "/h5/" in reply
    assert "王五]]>" in reply  # sanitised in the XML, intact on the phone
    submitted = _account(db_session, "oSub0000000000000000000000001", status="submitted")
    assert "待审核" in _say(live_server, submitted.wx_openid, kind="event", event="CLICK", key="MY_STATUS")


def test_user_text_with_cdata_terminator_cannot_inject_xml(live_server):
    sneaky = "x]]><Evil>1</Evil>"
    res = post_wx(live_server, text_xml("oSneaky", sneaky, msgid=42))
    doc = xmltodict.parse(res.text)["xml"]
    assert "Evil" not in doc and isinstance(doc["Content"], str) and sneaky in doc["Content"]


def test_template_job_finish_is_recorded(live_server, db_session):
    account = _account(db_session, "oTpl0000000000000000000000001")
    row = NotificationOutbox(kind="review_result", account_id=account.id, payload={}, status="sent",
                             wx_msgid="2000000123")
    db_session.add(row)
    db_session.commit()
    event = wire.message_xml(account.wx_openid, {"MsgType": "event", "Event": "TEMPLATESENDJOBFINISH",
                                                 "MsgID": 2000000123, "Status": "failed:user block"})
    assert post_wx(live_server, event).text == "success"
    db_session.expire_all()
    assert db_session.get(NotificationOutbox, row.id).delivery_status == "failed:user block"
