"""Drives the accountant's pages the way a person does: registration and the nine steps of the wizard.

Fields are found by their spec key (the form field name) and set the way a person sets them: typing into
text and date inputs, choosing in selects, tapping the label of a radio button or check box, choosing
real files in the file inputs. Shared by the WeChat journey and the PC journey.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page, expect

from shared_models.rules.formats import credit_code_check_char
from tests.browser.helpers import Recorder, document_image, large_phone_photo, portrait_image

STEP_PATH = re.compile(r"/h5/steps/([a-z-]+)")


def credit_code(first17: str = "91140100MA0K00001") -> str:
    return first17 + credit_code_check_char(first17)


@dataclass
class Person:
    """The answers of one accountant (what the journey types in)."""

    id_number: str
    name: str
    basics: dict[str, str] = field(default_factory=lambda: {
        "political_status": "群众", "ethnicity": "汉族", "phone": "13912345678",
        "address": "山西省太原市小店区长治路111号", "postal_code": "030006",
    })
    region: tuple[str, str] = ("太原市", "小店区")
    qualification: dict[str, str] = field(default_factory=lambda: {
        "title": "会计师", "title_appointed_on": "2018-09-01", "qualification_level": "中级",
        "qualification_type": "会计", "qualification_method": "考试",
        "qualification_cert_no": "ZJ2017140012345", "qualification_obtained_on": "2017-05-20",
    })
    education: dict[str, str] = field(default_factory=lambda: {
        "fulltime_education": "大学本科", "fulltime_degree": "学士", "fulltime_school": "山西财经大学",
        "fulltime_major": "会计学", "fulltime_graduated_on": "2010-07-01", "has_parttime": "否",
    })
    employer: dict[str, str] = field(default_factory=lambda: {
        "work_status": "在职", "employer_name": "太原市某某商贸有限公司", "employer_credit_code": credit_code(),
        "employer_type": "企业", "accounting_post": "会计核算", "employed_since": "2012-03",
    })
    certificates: dict[str, str] = field(default_factory=lambda: {"abacus_level": "无级别", "is_cpa": "否"})


def register(page: Page, id_number: str, name: str, password: str, email: str) -> None:
    """Fill and send the registration form; ends on the home page."""
    page.get_by_label("证件类型").select_option("居民身份证")
    page.get_by_label("证件号码").fill(id_number)
    page.get_by_label("姓名").fill(name)
    page.get_by_label(re.compile(r"^密码")).fill(password)
    page.get_by_label("确认密码").fill(password)
    page.get_by_label("电子邮箱").fill(email)
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_text("注册成功！")).to_be_visible()


def set_field(page: Page, name: str, value: str) -> None:
    """Set one form field by its name, as a person would (type, choose, or tap the option's label)."""
    control = page.locator(f'[name="{name}"]').first
    expect(control).to_be_attached()
    tag = control.evaluate("el => el.tagName.toLowerCase()")
    kind = control.get_attribute("type") or ""
    if tag == "select":
        control.select_option(label=value)
    elif kind == "radio":
        page.locator(f'label:has(input[name="{name}"][value="{value}"])').click()
        expect(page.locator(f'input[name="{name}"][value="{value}"]')).to_be_checked()
    elif kind == "checkbox":
        box = page.locator(f'input[name="{name}"]')
        if not box.is_checked():
            page.locator(f'label[for="{box.get_attribute("id")}"]').first.click()
        expect(box).to_be_checked()
    else:
        control.fill(value)


def fill(page: Page, values: dict[str, str]) -> None:
    for name, value in values.items():
        set_field(page, name, value)


def at_step(page: Page, slug: str) -> None:
    expect(page).to_have_url(re.compile(rf"/h5/steps/{slug}(\?.*)?$"))


def press_continue(page: Page) -> None:
    page.get_by_role("button", name="继续", exact=True).click()


def choose_region(page: Page, city: str, county: str) -> None:
    """The two-select picker the page script builds (地市, then 县（市、区）), which fills region_code."""
    page.locator("#region_code-city").select_option(label=city)
    page.locator("#region_code-county").select_option(label=county)
    expect(page.locator('select[name="region_code"]')).not_to_have_value("")


@dataclass
class Files:
    """The images an accountant chooses: one large phone photo among them."""

    portrait: Path
    id_front: Path
    id_back: Path
    diploma_photo: Path  # 4032×3024 JPEG with EXIF orientation, several MB
    qualification: Path
    appointment: Path
    work_proof: Path
    extra: Path

    @classmethod
    def make(cls, folder: Path) -> Files:
        return cls(
            portrait=portrait_image(folder / "portrait.png"),
            id_front=document_image(folder / "id-front.jpg", "居民身份证 人像面", size=(856, 540)),
            id_back=document_image(folder / "id-back.jpg", "居民身份证 国徽面", size=(856, 540)),
            diploma_photo=large_phone_photo(folder / "IMG_20260301_101500.jpg"),
            qualification=document_image(folder / "qualification.png", "会计专业技术资格证书", fmt="PNG"),
            appointment=document_image(folder / "appointment.jpg", "专业技术职务聘任证明"),
            work_proof=document_image(folder / "work-proof.jpg", "工作证明（单位盖章）"),
            extra=document_image(folder / "diploma-2.jpg", "学位证书"),
        )


def upload(page: Page, slot: str, *paths: Path) -> None:
    """Choose files in the slot's 从相册选择 input: the page shrinks them and uploads at once."""
    box = page.locator(f'[data-slot="{slot}"]')
    # The page script hides the no-JS 上传 button once its change handler is attached: wait for that.
    expect(page.locator(f"#upload-{slot}")).to_be_hidden()
    before = box.locator("img").count()
    box.locator(f'input[type="file"][name="{slot}"]:not([capture])').set_input_files([str(p) for p in paths])
    expect(page.locator(f'[data-slot="{slot}"] img')).to_have_count(before + len(paths))


def fill_all(page: Page, rec: Recorder, tmp: Path, person: Person, *, on_step=None) -> Files:
    """From the home page: the nine steps up to the check-answers page (not yet submitted)."""
    files = Files.make(tmp / "files")
    hooks = on_step or {}
    with rec.step("commitment", page):
        page.get_by_test_id("primary-action").click()
        at_step(page, "commitment")
        expect(page.get_by_text(person.id_number).first).to_be_visible()
        rec.visit(page, "step-commitment")
        set_field(page, "commitment_agreed", "y")
        press_continue(page)
    with rec.step("photos", page):
        at_step(page, "photos")
        rec.visit(page, "step-photos")
        upload(page, "portrait", files.portrait)
        upload(page, "id_front", files.id_front)
        upload(page, "id_back", files.id_back)
        rec.visit(page, "step-photos-uploaded")
        press_continue(page)
    with rec.step("basics", page):
        at_step(page, "basics")
        rec.visit(page, "step-basics")
        if "basics" in hooks:
            hooks["basics"](page)
        fill(page, person.basics)
        choose_region(page, *person.region)
        press_continue(page)
    for slug, values in (("qualification", person.qualification), ("education", person.education),
                         ("employer", person.employer), ("certificates", person.certificates)):
        with rec.step(slug, page):
            at_step(page, slug)
            rec.visit(page, f"step-{slug}")
            if slug in hooks:
                hooks[slug](page)
            fill(page, values)
            press_continue(page)
    with rec.step("attachments", page):
        at_step(page, "attachments")
        rec.visit(page, "step-attachments")
        upload(page, "fulltime_diploma", files.diploma_photo, files.extra)
        # The 4032×3024 photo carries EXIF orientation 6: what is stored must stand upright (portrait).
        width, height = page.locator('[data-slot="fulltime_diploma"] img').first.evaluate(
            "img => [img.naturalWidth, img.naturalHeight]")
        assert height > width, f"the phone photo was stored {width}×{height}: EXIF orientation not applied"
        upload(page, "qualification_cert", files.qualification)
        upload(page, "title_appointment", files.appointment)
        upload(page, "work_proof", files.work_proof)
        rec.visit(page, "step-attachments-uploaded")
        press_continue(page)
    with rec.step("check-answers", page):
        expect(page).to_have_url(re.compile(r"/h5/steps/submit"))
        rec.visit(page, "step-check-answers")
    return files


def submit(page: Page, rec: Recorder) -> None:
    """On the check-answers page: agree again and press 提交审核; ends on the home page."""
    set_field(page, "final_agreed", "y")
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_role("heading", name="已提交，等待审核")).to_be_visible()
    rec.visit(page, "submitted")
    page.get_by_role("link", name="返回首页").click()
    expect(page).to_have_url(re.compile(r"/h5/(\?.*)?$"))
