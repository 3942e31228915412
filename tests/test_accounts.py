"""Registration, login, logout, rate limiting, CSRF and the home page (issue: foundation)."""

import re

import pytest

from tests.conftest import VALID_ID, html

OTHER_ID = "110101199003070011"


def test_register_success_logs_in_and_shows_masked_id(client, register):
    response = register(id_number="11010519491231002x", follow_redirects=True)
    page = html(response)
    assert response.status_code == 200
    assert "注册成功！" in page
    assert "1101**********002X" in page
    assert VALID_ID not in page
    assert "未开始" in page


def test_registration_stores_upper_case_and_hashed_password(app, register, db_session):
    from shared_models.models import Account

    register(id_number="11010519491231002x")
    account = db_session.query(Account).one()
    assert account.id_number == VALID_ID
    assert account.password_hash.startswith("scrypt:")
    assert "Kuaiji@2026" not in account.password_hash


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"id_number": ""}, "id_number", "请填写证件号码"),
        ({"id_number": "110105194912310021"}, "id_number", "证件号码校验位不正确"),
        ({"id_number": "110105194902300021"}, "id_number", "证件号码中的出生日期不正确"),
        ({"name": ""}, "name", "请填写姓名"),
        ({"name": "张" * 51}, "name", "姓名不能超过50个字"),
        ({"name": "张\x07三"}, "name", "姓名不能包含控制字符"),
        ({"email": "not-an-email"}, "email", "电子邮箱格式不正确"),
        ({"email": ""}, "email", "请填写电子邮箱"),
        ({"password": "short1", "password_confirm": "short1"}, "password", "密码至少8位"),
        ({"password": "12345678", "password_confirm": "12345678"}, "password", "密码过于常见"),
        ({"password": VALID_ID, "password_confirm": VALID_ID}, "password", "密码不能与证件号码相同"),
        ({"password_confirm": "Different@2026"}, "password_confirm", "两次填写的密码不一致"),
    ],
)
def test_register_failures_show_message_at_field_and_keep_input(register, overrides, field, message):
    response = register(**overrides)
    page = html(response)
    assert response.status_code == 200
    assert message in page
    assert f'id="{field}-error"' in page  # at the field
    assert 'class="error-summary"' in page and f'href="#{field}"' in page  # and in the summary
    if field != "name":
        assert 'value="张三"' in page  # what the user typed is kept


def test_duplicate_registration_gets_a_clear_message(client, register):
    register()
    client.post("/h5/logout", data={"csrf_token": client.csrf("/h5/")})
    response = register()
    assert "该证件号码已注册，请直接登录" in html(response)


def test_rare_characters_in_names_are_accepted(register, db_session):
    from shared_models.models import Account

    register(name="𠈌䶮·阿依古丽")
    assert db_session.query(Account).one().name == "𠈌䶮·阿依古丽"


def _login(client, id_number=VALID_ID, password="Kuaiji@2026", **kw):
    return client.submit("/h5/login", {"id_number": id_number, "password": password}, **kw)


def _fresh_account(client, register):
    register()
    client.post("/h5/logout", data={"csrf_token": client.csrf("/h5/")})


def test_login_and_logout(client, register):
    _fresh_account(client, register)
    assert client.get("/h5/").status_code == 302
    response = _login(client, id_number=VALID_ID.lower(), follow_redirects=True)
    assert "1101**********002X" in html(response)
    client.post("/h5/logout", data={"csrf_token": client.csrf("/h5/")})
    assert client.get("/h5/").headers["Location"].startswith("/h5/login")


def test_login_failure_does_not_reveal_whether_the_account_exists(client, register):
    _fresh_account(client, register)
    wrong_password = html(_login(client, password="Wrong@2026"))
    unknown = html(_login(client, id_number=OTHER_ID))
    assert "账号或密码不正确" in wrong_password and "账号或密码不正确" in unknown


def test_login_requires_both_fields(client):
    page = html(_login(client, id_number="", password=""))
    assert "请填写账号（证件号码）" in page and "请填写密码" in page


def test_login_is_rate_limited_per_account(client, register):
    _fresh_account(client, register)
    for _ in range(4):
        assert "账号或密码不正确" in html(_login(client, password="Wrong@2026"))
    fifth = html(_login(client, password="Wrong@2026"))
    assert "登录失败次数过多" in fifth
    assert re.search(r"请于 \d\d:\d\d 后再试（约 1[45] 分钟）", fifth)
    # Even the right password is refused while locked, and says when to try again.
    assert "登录失败次数过多" in html(_login(client))
    assert client.get("/h5/").status_code == 302


def test_rate_limit_window_expires(client, register, redis_client):
    _fresh_account(client, register)
    for _ in range(5):
        _login(client, password="Wrong@2026")
    for key in redis_client.scan_iter("rl:h5-login:*"):
        redis_client.delete(key)
    assert _login(client).status_code == 302


def test_login_is_rate_limited_per_ip(app, client, register):
    app.config["LOGIN_MAX_FAILURES_PER_IP"] = 3
    for number in ("110101199003070011", "110101199003070038", "110101199003070054"):
        _login(client, id_number=number, password="Wrong@2026")
    assert "登录失败次数过多" in html(_login(client, id_number="110101199003070070"))


def test_rate_limit_keys_do_not_contain_id_numbers(client, register, redis_client):
    _fresh_account(client, register)
    _login(client, password="Wrong@2026")
    keys = list(redis_client.scan_iter("rl:*"))
    assert keys and not any(VALID_ID in k for k in keys)


def test_post_without_csrf_token_is_refused(client):
    response = client.post("/h5/register", data={"id_number": VALID_ID, "name": "张三"})
    assert response.status_code == 400
    assert "安全校验未通过" in html(response)


def test_logout_needs_csrf(client, register):
    register()
    assert client.post("/h5/logout").status_code == 400
    assert client.get("/h5/").status_code == 200


def test_open_redirect_is_refused(client, register):
    _fresh_account(client, register)
    response = client.submit("/h5/login?next=//evil.example/", {"id_number": VALID_ID, "password": "Kuaiji@2026"})
    assert response.headers["Location"] == "/h5/"


def test_next_parameter_is_followed(client, register):
    _fresh_account(client, register)
    response = client.submit("/h5/login?next=/h5/?from=menu", {"id_number": VALID_ID, "password": "Kuaiji@2026"})
    assert response.headers["Location"] == "/h5/?from=menu"
