"""menu.json: the validation matrix (each WeChat rule broken once), the repository's menu, and the CLI."""

from __future__ import annotations

import json

import pytest

from wx_gateway import menu as menus


def leaf(name="帮助", **kw):
    return {"type": "click", "name": name, "key": kw.pop("key", f"K_{name}"), **kw}


def parent(name, subs):
    return {"name": name, "sub_button": subs}


@pytest.fixture
def check(app):
    def _check(buttons):
        return menus.validate({"button": buttons}, app)

    return _check


def test_a_valid_menu_passes(check):
    assert check([parent("行业信息", [{"type": "view", "name": "信息采集", "url": "http://localhost/h5/"},
                                    leaf("采集进度")]), leaf("帮助"), {"type": "view", "name": "官网",
                                                                   "url": "https://czt.shanxi.gov.cn/"}]) == []


@pytest.mark.parametrize(("buttons", "expected"), [
    ([], "一级菜单须为 1–3 个，现有 0 个"),
    ([leaf("一"), leaf("二"), leaf("三"), leaf("四")], "一级菜单须为 1–3 个，现有 4 个"),
    ([parent("行业信息", [leaf(f"子{i}") for i in range(6)])], "按钮“行业信息”：二级菜单须为 1–5 个，现有 6 个"),
    ([leaf("一二三四五六")], "按钮“一二三四五六”：名称超过 16 字节（现为 18 字节）"),
    ([parent("行业", [leaf("长" * 21)])], f"按钮“行业 › {'长' * 21}”：名称超过 60 字节"),
    ([leaf("帮助", key="K" * 129)], "按钮“帮助”：key 超过 128 字节"),
    ([{"type": "view", "name": "外链", "url": "https://example.com/" + "u" * 1010}], "按钮“外链”：链接超过 1024 字节"),
    ([{"type": "teleport", "name": "传送", "key": "T"}], "按钮“传送”：类型“teleport”不是微信允许的菜单类型"),
    ([leaf("甲", key="SAME"), leaf("乙", key="SAME")], "按钮“乙”：key “SAME” 与按钮“甲”重复"),
    ([{"type": "view", "name": "无链接"}], "按钮“无链接”：view 类型必须设置 url"),
    ([{"type": "click", "name": "无键"}], "按钮“无键”：click 类型必须设置 key"),
    ([{"type": "click", "key": "P", **parent("父级", [leaf("子")])}], "按钮“父级”：含二级菜单的一级菜单不能设置 type"),
    ([{"type": "view", "name": "坏链接", "url": "http://localhost/h5/no-such-page"}],
     "按钮“坏链接”：链接“http://localhost/h5/no-such-page”不是本系统的页面"),
    ([{"type": "view", "name": "只收POST", "url": "http://localhost/h5/logout"}], "不是本系统的页面"),
    ([{"type": "view", "name": "伪协议", "url": "javascript:alert(1)"}], "不是 http(s) 地址"),
    ([{"type": "click", "key": "X"}], "缺少名称"),
])
def test_each_rule_broken_once_is_reported_naming_the_button(check, buttons, expected):
    errors = check(buttons)
    assert len(errors) == 1, errors
    assert expected in errors[0]


def test_placeholder_expansion():
    menu = {"button": [{"type": "view", "name": "x", "url": "{PUBLIC_BASE_URL}/h5/"}]}
    assert menus.expand(menu, "https://kj.example.gov.cn/")["button"][0]["url"] == "https://kj.example.gov.cn/h5/"
    assert menu["button"][0]["url"] == "{PUBLIC_BASE_URL}/h5/"  # the source is untouched


def test_repository_menu_json_is_valid_and_every_view_url_resolves(app):
    menu = menus.expand(menus.load(), app.config["PUBLIC_BASE_URL"])
    assert menus.validate(menu, app) == []
    views = [b for b in menus._walk(menu) if b.get("type") == "view"]
    assert any(b["name"] == "信息采集" and b["url"] == "http://localhost/h5/" for b in views)
    for button in views:
        assert menus.route_exists(app, button["url"].removeprefix("http://localhost")), button


def test_entry_button_is_under_industry_information():
    top = next(b for b in menus.load()["button"] if b["name"] == "行业信息")
    entry = next(s for s in top["sub_button"] if s["name"] == "信息采集")
    assert entry == {"type": "view", "name": "信息采集", "url": "{PUBLIC_BASE_URL}/h5/"}


@pytest.fixture
def menu_file(tmp_path):
    path = tmp_path / "menu.json"
    path.write_text(json.dumps({"button": [
        {"name": "行业信息", "sub_button": [{"type": "view", "name": "信息采集", "url": "{PUBLIC_BASE_URL}/h5/"},
                                        {"type": "click", "name": "采集进度", "key": "MY_STATUS"}]},
        {"type": "click", "name": "帮助", "key": "HELP"}]}, ensure_ascii=False), encoding="utf-8")
    return path


def test_cli_publish_diff_show_delete_against_the_sandbox(live_server, menu_file):
    runner = live_server.app.test_cli_runner()
    diff = runner.invoke(args=["wx", "menu-diff", "--file", str(menu_file)])
    assert diff.exit_code == 1 and "+" in diff.output and "信息采集" in diff.output
    refused = runner.invoke(args=["wx", "menu-publish", "--file", str(menu_file)], input="n\n")
    assert refused.exit_code != 0 and "已取消" in refused.output
    published = runner.invoke(args=["wx", "menu-publish", "--yes", "--file", str(menu_file)])
    assert published.exit_code == 0, published.output
    assert "菜单已发布" in published.output
    assert live_server.get("/sandbox/control/phone").json()["menu"]["button"][0]["name"] == "行业信息"
    same = runner.invoke(args=["wx", "menu-diff", "--file", str(menu_file)])
    assert same.exit_code == 0 and "一致" in same.output
    shown = runner.invoke(args=["wx", "menu-show"])
    assert shown.exit_code == 0 and live_server.url + "/h5/" in shown.output
    deleted = runner.invoke(args=["wx", "menu-delete", "--yes"])
    assert deleted.exit_code == 0 and "微信当前没有自定义菜单" in runner.invoke(args=["wx", "menu-show"]).output


def test_cli_refuses_an_invalid_menu_naming_the_button(live_server, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"button": [{"type": "view", "name": "坏链接", "url": "{PUBLIC_BASE_URL}/h5/nope"}]}),
                    encoding="utf-8")
    result = live_server.app.test_cli_runner().invoke(args=["wx", "menu-publish", "--yes", "--file", str(path)])
    assert result.exit_code != 0 and "坏链接" in result.output and "未发布" in result.output
    assert live_server.counters()["menu_create"] == 0


def test_cli_reports_wechat_down(live_server, menu_file):
    live_server.faults("busy")
    result = live_server.app.test_cli_runner().invoke(args=["wx", "menu-publish", "--yes", "--file", str(menu_file)])
    assert result.exit_code != 0 and "系统繁忙" in result.output
