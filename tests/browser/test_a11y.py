"""Accessibility smoke on the public pages at phone size, the guide in a real browser, and the smoke itself.

The journeys run the same smoke after every navigation (Recorder.visit); here the pages nobody has to log in
for, and proof that the smoke catches what it claims to (a test that cannot fail proves nothing).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import Recorder, a11y_problems, assert_accessible

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    ("login", "/h5/login"),
    ("register", "/h5/register"),
    ("password-forgot", "/h5/password/forgot"),
]


def test_public_pages_pass_the_smoke_on_a_phone(phone):
    rec = Recorder("a11y")
    page = phone.new_page()
    for name, path in PUBLIC_PAGES:
        with rec.step(name, page):
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            rec.visit(page, name)
    assert_accessible(rec)


def test_guide_in_the_phone(phone):
    rec = Recorder("guide")
    page = phone.new_page()
    with rec.step("guide", page):
        page.goto("/h5/login")
        page.get_by_role("link", name="操作指南").click()
        expect(page.get_by_role("heading", name="会计人员信息采集操作指南")).to_be_visible()
        rec.visit(page, "guide")
        images = page.locator("figure.guide-shot img")
        expect(images.first).to_be_visible()
        broken = page.evaluate("() => Array.from(document.images).filter(i => !i.naturalWidth).map(i => i.src)")
        assert broken == [], broken
        page.get_by_role("link", name="三、九个填写步骤").click()
        expect(page).to_have_url(re.compile(r"#steps$"))
        expect(page.get_by_role("heading", name=re.compile("阅读并勾选承诺"))).to_be_in_viewport()
    assert_accessible(rec)


def test_error_summary_takes_focus_and_leads_to_the_field(phone):
    page = phone.new_page()
    page.goto("/h5/register")
    page.get_by_role("button", name="注册").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name="请填写证件号码")
    expect(link).to_have_attribute("href", "#id_number")
    link.click()
    expect(page.locator("#id_number")).to_be_focused()
    assert a11y_problems(page) == []


def test_the_smoke_catches_what_it_claims_to(phone):
    page = phone.new_page()
    page.set_content(
        """<html><head><meta name="viewport" content="width=device-width, initial-scale=1"></head>
        <body style="font-size:16px;margin:0">
        <input id="unlabelled" type="text">
        <div data-error-summary><a href="#nowhere">请填写</a></div>
        <p style="font-size:12px">小字</p>
        <div style="width:500px">太宽</div>
        </body></html>"""
    )
    problems = "\n".join(a11y_problems(page))
    assert "no label: input#unlabelled" in problems
    assert "error summary links to missing #nowhere" in problems
    assert "text 12px < 14px" in problems
    assert "page scrolls sideways" in problems and "overflows the width" in problems
