"""The whole journey in WeChat (the sandbox) on a phone, with a reviewer on a desktop next to it.

Phone, 375×667 with WeChat's user agent: follow the account in the sandbox phone page, tap 行业信息 →
信息采集, register, fill the nine steps with real files (one 4032×3024 phone photo), reload in the middle
of a step and find the typing kept, check the answers, change one through 修改, submit.
Desktop, 1280×800: the reviewer logs in, finds the record, rejects it with a reason on the education step.
Phone: the template message is in the chat; its 详情 link opens the home with the reason next to the
education step; fix, resubmit; the reviewer approves; the second message arrives.

The sandbox draws WeChat's built-in browser as an iframe in its phone; the H5 pages are then driven in a
page of the same browser context (same cookies, same WeChat user agent), which is what WeChat's full-screen
webview is, and gives each page its own full-page screenshot and accessibility smoke.
Notifications are delivered deterministically with `flask wx deliver-outbox` right after each decision.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser import wizard
from tests.browser.helpers import Recorder, assert_accessible, id_number

pytestmark = pytest.mark.browser

WX_ID = id_number(area="140105", birth="19900307", seq="135")  # 太原市小店区, 男
NAME = "李建国"
PASSWORD = "Kuaiji#Sx2026"
REVIEWER, REVIEWER_PASSWORD = "ty-reviewer", "Shenhe#Taiyuan2026"
REASON = "全日制毕业证书编号未填写，请按毕业证书补充"
JOURNEY_BUDGET_SECONDS = 300


def web_frame(chat: Page):
    """The H5 page the sandbox phone shows in its in-app browser frame."""
    return chat.frame_locator("#web-frame")


def frame_url(chat: Page) -> str:
    handle = chat.locator("#web-frame").element_handle()
    frame = handle.content_frame() if handle else None
    assert frame is not None, "the sandbox phone shows no web page"
    return frame.url


def follow_and_open(chat: Page, rec: Recorder) -> str:
    """Follow the account, tap 行业信息 → 信息采集; returns the URL the phone's browser landed on."""
    with rec.step("follow", chat):
        chat.goto("/sandbox/")
        chat.get_by_role("button", name="关注公众号").click()
        expect(chat.locator("#chat")).to_contain_text("已关注公众号")
        expect(chat.locator("#subscribed")).to_have_text("已关注")
        rec.visit(chat, "wechat-followed", check=False)  # the sandbox draws WeChat, not a page of the service
    with rec.step("menu", chat):
        chat.get_by_role("button", name="行业信息").click()
        expect(chat.get_by_role("button", name="信息采集")).to_be_visible()
        rec.visit(chat, "wechat-menu", check=False)
        chat.get_by_role("button", name="信息采集").click()
        # Silent OAuth (snsapi_base) ran in the frame: an unknown openid lands on the login page.
        expect(web_frame(chat).get_by_text("首次从微信进入")).to_be_visible()
        rec.visit(chat, "wechat-h5-login", check=False)
        url = frame_url(chat)
        chat.get_by_role("button", name="关闭网页").click()  # back to the chat; the webview page carries on
        expect(chat.locator("#web")).to_be_hidden()
        return url


def register_in_webview(web: Page, rec: Recorder, url: str) -> None:
    with rec.step("register", web):
        web.goto(url)
        expect(web.get_by_role("heading", name="会计人员信息采集")).to_be_visible()
        rec.visit(web, "login")
        web.get_by_role("link", name="注册新账号").click()
        expect(web.get_by_role("heading", name="注册账号")).to_be_visible()
        rec.visit(web, "register")
    with rec.step("register-errors", web):
        web.get_by_label(re.compile(r"^证件号码")).fill(WX_ID[:-1] + ("0" if WX_ID[-1] != "0" else "1"))
        web.get_by_role("button", name="注册").click()
        summary = web.locator("[data-error-summary]")
        expect(summary).to_be_focused()
        expect(summary.get_by_role("link", name="证件号码校验位不正确，请核对后重新输入")).to_be_visible()
        rec.visit(web, "register-errors")
        summary.get_by_role("link").first.click()
        expect(web.locator("#id_number")).to_be_focused()
    with rec.step("register-ok", web):
        wizard.register(web, WX_ID, NAME, PASSWORD, "lijianguo@example.com")
        expect(web.get_by_test_id("status")).to_have_text("未开始")


def basics_with_reload(web: Page) -> None:
    """In the middle of 基础信息: type, let autosave keep it, reload, find it; then one invalid 继续."""
    web.get_by_label(re.compile(r"^联系电话")).fill("13912345678")
    web.get_by_label(re.compile(r"^通信地址")).fill("山西省太原市小店区长治路111号")
    expect(web.locator("[data-autosave-status]")).to_contain_text("已自动暂存")
    web.reload()
    expect(web.get_by_text("已恢复您上次未保存的输入")).to_be_visible()
    expect(web.get_by_label(re.compile(r"^联系电话"))).to_have_value("13912345678")
    expect(web.get_by_label(re.compile(r"^通信地址"))).to_have_value("山西省太原市小店区长治路111号")
    # An invalid step once: the error summary takes focus and links to the field.
    web.get_by_label(re.compile(r"^邮政编码")).fill("03000")
    wizard.press_continue(web)
    summary = web.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name="邮政编码应为6位数字")
    expect(link).to_have_attribute("href", "#postal_code")
    link.click()
    expect(web.locator("#postal_code")).to_be_focused()
    expect(web.get_by_label(re.compile(r"^通信地址"))).to_have_value("山西省太原市小店区长治路111号")


def change_through_edit_link(web: Page, rec: Recorder) -> None:
    """On the check-answers page: 修改 基础信息, change the phone, come back to the summary."""
    with rec.step("edit-basics", web):
        web.get_by_role("link", name="修改基础信息").click()
        expect(web).to_have_url(re.compile(r"/h5/steps/basics\?return=submit$"))
        rec.visit(web, "step-basics-edit")
        web.get_by_label(re.compile(r"^联系电话")).fill("13800138000")
        web.get_by_role("button", name="保存并返回确认页").click()
        expect(web).to_have_url(re.compile(r"/h5/steps/submit$"))
        expect(web.locator('[data-field="phone"]')).to_contain_text("13800138000")
        rec.visit(web, "step-submit")


def reviewer_login(desk: Page, rec: Recorder) -> None:
    with rec.step("reviewer-login", desk):
        desk.goto("/review/login")
        rec.visit(desk, "review-login")
        desk.get_by_label(re.compile(r"^用户名")).fill(REVIEWER)
        desk.get_by_label(re.compile(r"^密码")).fill(REVIEWER_PASSWORD)
        desk.get_by_role("button", name="登录").click()
        expect(desk.get_by_role("heading", name="审核队列")).to_be_visible()


def open_record(desk: Page, rec: Recorder, name: str) -> None:
    """Find the accountant's record in the queue (search by name) and open it."""
    desk.goto("/review/")
    desk.get_by_label("姓名或证件号码").fill(name)
    desk.get_by_role("button", name="筛选").click()
    row = desk.locator("tr[data-application]", has_text=name)
    expect(row).to_have_count(1)
    rec.visit(desk, "review-queue")
    row.get_by_role("link", name="审核").click()
    expect(desk.get_by_test_id("full-id")).to_have_text(WX_ID)
    rec.visit(desk, "review-detail")


def reject_on_education(desk: Page, rec: Recorder) -> None:
    with rec.step("reject", desk):
        open_record(desk, rec, NAME)
        reason_box = desk.locator('fieldset[data-step="education"]')
        reason_box.get_by_label("学历信息").check()
        reason_box.get_by_label("原因").fill(REASON)
        desk.get_by_role("button", name="退回修改").click()
        expect(desk.locator(".flash").first).to_be_visible()
        rec.visit(desk, "review-after-reject")


def approve(desk: Page, rec: Recorder) -> None:
    with rec.step("approve", desk):
        open_record(desk, rec, NAME)
        desk.once("dialog", lambda dialog: dialog.accept())  # 确认审核通过？
        desk.get_by_role("button", name="审核通过").click()
        expect(desk.locator(".flash").first).to_be_visible()
        rec.visit(desk, "review-after-approve")


def message_arrives(chat: Page, rec: Recorder, count: int, outcome: str, shot: str) -> None:
    """The template message is in the sandbox chat (the phone page polls the sandbox every 3 s)."""
    cards = chat.locator(".tpl")
    expect(cards).to_have_count(count)
    expect(cards.nth(count - 1)).to_contain_text(outcome)
    rec.visit(chat, shot, check=False)


def test_wechat_journey(phone, desktop, live_server, tmp_path):
    started = time.monotonic()
    live_server.flask("wx", "menu-publish", "--yes")
    live_server.flask("review", "create-user", REVIEWER, "--name", "太原市审核员", "--region", "140100",
                      "--password-stdin", stdin=REVIEWER_PASSWORD + "\n")
    rec, drec = Recorder("journey-wx"), Recorder("journey-desk")
    chat = phone.new_page()
    url = follow_and_open(chat, rec)

    web = phone.new_page()  # WeChat's full-screen webview
    register_in_webview(web, rec, url)
    rec.visit(web, "home-new")
    person = wizard.Person(id_number=WX_ID, name=NAME)
    person.basics = {k: v for k, v in person.basics.items() if k not in ("phone", "address")}
    person.education = {k: v for k, v in person.education.items()}  # no certificate number: the reviewer asks
    wizard.fill_all(web, rec, tmp_path, person, on_step={"basics": basics_with_reload})
    change_through_edit_link(web, rec)
    with rec.step("submit", web):
        wizard.submit(web, rec)
        expect(web.get_by_test_id("status")).to_have_text("待审核")
        rec.visit(web, "home-submitted")

    desk = desktop.new_page()
    reviewer_login(desk, drec)
    reject_on_education(desk, drec)
    live_server.flask("wx", "deliver-outbox")

    with rec.step("rejected-message", chat):
        message_arrives(chat, rec, 1, "审核未通过", "wechat-rejected")
        chat.locator(".tpl").first.get_by_role("link", name="详情").click()
        frame = web_frame(chat)
        expect(frame.get_by_test_id("status")).to_have_text("审核未通过")
        expect(frame.locator('[data-step="education"] .task__reasons')).to_contain_text(REASON)
        rec.visit(chat, "wechat-rejected-home", check=False)
        detail_url = frame_url(chat)
        chat.get_by_role("button", name="关闭网页").click()
    with rec.step("fix", web):
        web.goto(detail_url)
        expect(web.locator('[data-step="education"] .task__reasons')).to_contain_text(REASON)
        rec.visit(web, "home-rejected")
        web.locator('[data-step="education"]').get_by_role("link").click()
        expect(web.locator(".reasons-box")).to_contain_text(REASON)
        rec.visit(web, "step-education-fix")
        wizard.set_field(web, "fulltime_certificate_no", "101081201005001234")
        wizard.press_continue(web)
        wizard.at_step(web, "employer")
        web.get_by_role("link", name="首页").click()
        web.locator('[data-step="submit"]').get_by_role("link").click()
        expect(web.locator('[data-field="fulltime_certificate_no"]')).to_contain_text("101081201005001234")
        rec.visit(web, "step-submit-again")
        wizard.submit(web, rec)
        expect(web.get_by_test_id("status")).to_have_text("待审核")

    approve(desk, drec)
    live_server.flask("wx", "deliver-outbox")
    with rec.step("approved-message", chat):
        message_arrives(chat, rec, 2, "审核通过", "wechat-approved")
        web.reload()
        expect(web.get_by_test_id("status")).to_have_text("审核通过")
        rec.visit(web, "home-approved")

    elapsed = time.monotonic() - started
    assert elapsed < JOURNEY_BUDGET_SECONDS, f"the journey took {elapsed:.0f}s (budget {JOURNEY_BUDGET_SECONDS}s)"
    assert_accessible(rec, drec)
