"""The journey's harness: a failing named step leaves its screenshot and page HTML behind; every visit
writes a screenshot (a harness that never reports a failure would make the journeys prove nothing)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import FAILURES, SCREENSHOTS, Recorder

pytestmark = pytest.mark.browser


def test_a_failing_step_leaves_screenshot_and_html(phone):
    rec = Recorder("harness-selfcheck")
    page = phone.new_page()
    page.goto("/h5/login")
    evidence = [FAILURES / "harness-selfcheck-missing-button.png", FAILURES / "harness-selfcheck-missing-button.html"]
    for path in evidence:
        path.unlink(missing_ok=True)
    with pytest.raises(AssertionError), rec.step("missing-button", page):
        expect(page.get_by_role("button", name="不存在的按钮")).to_be_visible(timeout=500)
    try:
        assert evidence[0].stat().st_size > 0
        assert "会计人员信息采集" in evidence[1].read_text(encoding="utf-8")
    finally:
        for path in evidence:  # the folder holds real failures only: refresh_screenshots refuses to run then
            path.unlink(missing_ok=True)


def test_every_visit_writes_a_numbered_screenshot(phone):
    rec = Recorder("harness-selfcheck")
    page = phone.new_page()
    page.goto("/h5/login")
    path = rec.visit(page, "login")
    try:
        assert path == SCREENSHOTS / "harness-selfcheck-01-login.png"
        assert path.read_bytes().startswith(b"\x89PNG")
        assert rec.visited == [path.name] and rec.findings == {}
    finally:
        path.unlink(missing_ok=True)
