"""The wizard once at 1280×800 as a PC user without WeChat: register, log out, log in by ID number and
password, fill the nine steps, submit."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import wizard
from tests.browser.helpers import Recorder, id_number

pytestmark = pytest.mark.browser

PC_ID = id_number(area="140105", birth="19880615", seq="242")  # 太原市小店区, 女
PASSWORD = "Zhuce#2026pc"


def test_pc_wizard_by_id_number_and_password(desktop, live_server, tmp_path):
    rec = Recorder("journey-pc")
    page = desktop.new_page()

    with rec.step("register", page):
        page.goto("/h5/login")
        rec.visit(page, "login")
        page.get_by_role("link", name="没有账号？立即注册").click()
        rec.visit(page, "register")
        wizard.register(page, PC_ID, "王晓梅", PASSWORD, "wangxm@example.com")
        expect(page.get_by_test_id("status")).to_have_text("未开始")
        rec.visit(page, "home-new")

    with rec.step("logout-login", page):
        page.get_by_role("button", name="退出").click()
        expect(page.get_by_text("您已安全退出")).to_be_visible()
        page.get_by_label(re.compile(r"^账号")).fill(PC_ID.lower())  # a lower-case x/X and spaces must not matter
        page.get_by_label(re.compile(r"^密码")).fill("wrong-password")
        page.get_by_role("button", name="登录").click()
        expect(page.locator("[data-error-summary]")).to_be_focused()
        rec.visit(page, "login-error")
        page.get_by_label(re.compile(r"^密码")).fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page).to_have_url(f"{live_server.url}/h5/")
        expect(page.get_by_test_id("masked-id")).to_have_text(PC_ID[:4] + "*" * 10 + PC_ID[-4:])

    wizard.fill_all(page, rec, tmp_path, wizard.Person(id_number=PC_ID, name="王晓梅"))
    with rec.step("submit", page):
        wizard.submit(page, rec)
        expect(page.get_by_test_id("status")).to_have_text("待审核")
        rec.visit(page, "home-submitted")
    rec.assert_accessible()
