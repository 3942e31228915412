"""/h5/guide (操作指南): public, complete, and every picture it shows exists (Flask test client, no browser)."""

from __future__ import annotations

import re

from h5_wizard.guide import IMAGE_DIR, IMAGES, STEP_GUIDES
from shared_models.steps import STEPS
from tests.conftest import html

IMG_SRC = re.compile(r'<img src="([^"]+)"')


def test_guide_is_public_and_covers_every_step(client):
    response = client.get("/h5/guide")
    assert response.status_code == 200
    page = html(response)
    assert "会计人员信息采集操作指南" in page
    for step in STEPS:
        assert f'id="step-{step.slug}"' in page and step.title in page
    for text in ("关注公众号“山西省会计之星”", "行业信息", "信息采集", "原密码", "证件号码的后6位", "15MB",
                 "一寸", "国徽面", "保存", "继续填写", "未提交", "待审核", "审核未通过", "审核通过", "忘记密码"):
        assert text in page, text


def test_every_step_has_a_description_and_a_known_picture():
    assert set(STEP_GUIDES) == {step.slug for step in STEPS}
    for slug, guide in STEP_GUIDES.items():
        assert guide.asks and guide.why, slug
        assert guide.image in IMAGES, slug


def test_every_picture_the_guide_references_is_served(client):
    page = html(client.get("/h5/guide"))
    sources = IMG_SRC.findall(page)
    assert len(sources) == len(IMAGES)  # each picture once, none forgotten
    for src in sources:
        image = client.get(src)
        assert image.status_code == 200, src
        assert image.mimetype == "image/png" and image.data.startswith(b"\x89PNG"), src
    for name in IMAGES:
        assert (IMAGE_DIR / f"{name}.png").is_file(), name


def test_guide_is_linked_from_login_and_home(client, register):
    assert 'href="/h5/guide"' in html(client.get("/h5/login"))
    register()
    assert 'href="/h5/guide"' in html(client.get("/h5/"))


def test_guide_works_for_a_logged_in_accountant(client, register):
    register()
    response = client.get("/h5/guide")
    assert response.status_code == 200
    assert "会计人员信息采集操作指南" in html(response)


def test_guide_gives_the_public_service_address(client, settings):
    page = html(client.get("/h5/guide"))
    assert f'href="{settings["PUBLIC_BASE_URL"]}/h5/"' in page
