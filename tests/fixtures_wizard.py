"""Test fixtures of the wizard capability (loaded by tests/conftest.py through pytest_plugins).

Two ways to get a complete application:
- `filled_application(client, register, ...)` walks the nine steps over HTTP like a phone would (the wizard
  and browser-journey tests use it); fixture `fill_wizard` is the same, bound to the test's client.
- `build_submitted_application(session, media_root, ...)` writes a submitted application directly through
  shared_models.applications (fast; the review desk tests use it); fixture `submitted_application`.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from PIL import Image

from tests.rules_helpers import EDUCATION

ANSWERS_ID = "140105199003071234"  # a valid 居民身份证 number of Taiyuan (born 1990-03-07, male)
CREDIT_CODE = "91140105MA0GABCD16"  # a valid GB 32100 unified social credit code
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def jpeg_bytes(width: int = 640, height: int = 480, color: tuple[int, int, int] = (40, 120, 200)) -> bytes:
    """A small real JPEG (with some detail, so it compresses like a photo)."""
    image = Image.new("RGB", (width, height), color)
    for x in range(0, width, 16):
        for y in range(0, height, 16):
            image.putpixel((x, y), (255 - color[0], 255 - color[1], 255 - color[2]))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def png_bytes(width: int = 300, height: int = 400) -> bytes:
    """A small RGBA PNG (stored as JPEG after normalisation)."""
    image = Image.new("RGBA", (width, height), (200, 30, 30, 128))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def basics_answers(region_code: str = "140105") -> dict[str, str]:
    return {
        "country": "中国",
        "ethnicity": "01",
        "political_status": "13",
        "phone": "13812345678",
        "email": "zhangsan@example.com",
        "address": "山西省太原市小店区长治路1号",
        "postal_code": "030006",
        "region_code": region_code,
    }


def qualification_answers(qualified: bool = True) -> dict[str, str]:
    if not qualified:
        return {"title": "无职务", "qualification_level": "无"}
    return {
        "title": "会计师",
        "title_appointed_on": "2018-09-01",
        "qualification_level": "中级",
        "qualification_type": "会计",
        "qualification_method": "考试",
        "qualification_cert_no": "Z2017140001",
        "qualification_obtained_on": "2017-12-20",
    }


def education_answers(parttime: bool = False) -> dict[str, str]:
    data = {**EDUCATION, "has_parttime": "是" if parttime else "否"}  # the rules tests' full-time answers
    if parttime:
        data.update(
            parttime_education="硕士研究生",
            parttime_degree="硕士",
            parttime_school="山西大学",
            parttime_major="工商管理",
            parttime_graduated_on="2016-07-01",
        )
    return data


def employer_answers(work_status: str = "在职") -> dict[str, str]:
    if work_status == "在职":
        return {
            "work_status": "在职",
            "employer_name": "太原市示例会计服务有限公司",
            "employer_credit_code": CREDIT_CODE,
            "employer_type": "企业",
            "accounting_post": "会计核算",
            "employed_since": "2012-08",
        }
    if work_status == "在读":
        return {"work_status": "在读", "school_name": "山西财经大学", "enrolled_on": "2021-09"}
    return {"work_status": "待业"}


def certificates_answers(cpa: bool = False) -> dict[str, str]:
    data = {"abacus_level": "无级别", "is_cpa": "是" if cpa else "否"}
    if cpa:
        data.update(cpa_practicing="是", cpa_obtained_on="2019-12-31", cpa_cert_no="140100190001")
    return data


def answers_for(*, work_status="在职", qualified=True, parttime=False, cpa=False, region_code="140105") -> dict:
    return {
        "commitment": {"commitment_agreed": True},
        "basics": basics_answers(region_code),
        "qualification": qualification_answers(qualified),
        "education": education_answers(parttime),
        "employer": employer_answers(work_status),
        "certificates": certificates_answers(cpa),
    }


def _csrf(client, url: str) -> str:
    page = client.get(url)
    match = CSRF_RE.search(page.get_data(as_text=True))
    assert match, f"no csrf_token on {url} (status {page.status_code})"
    return match.group(1)


def post_step(client, slug: str, data: dict[str, Any], action: str = "continue", **kw):
    """Post one form step the way the browser does (page fetched first for its CSRF token)."""
    url = f"/h5/steps/{slug}"
    payload = {**data, "action": action, "csrf_token": _csrf(client, url)}
    return client.post(url, data=payload, **kw)


def upload(client, slug: str, files: dict[str, list[tuple[bytes, str]]], action: str = "upload", **kw):
    """Upload images to slots: files = {slot: [(bytes, filename), ...]}."""
    url = f"/h5/steps/{slug}"
    payload: dict[str, Any] = {"action": action, "csrf_token": _csrf(client, url)}
    for slot, items in files.items():
        payload[slot] = [(io.BytesIO(data), name) for data, name in items]
    return client.post(url, data=payload, content_type="multipart/form-data", **kw)


def attachment_slot_keys(work_status="在职", qualified=True, parttime=False, cpa=False) -> list[str]:
    slots = ["fulltime_diploma"]
    if parttime:
        slots.append("parttime_diploma")
    if qualified:
        slots += ["qualification_cert", "title_appointment"]
    slots.append({"在职": "work_proof", "在读": "student_card", "待业": "residence_proof"}[work_status])
    if cpa:
        slots.append("cpa_cert")
    return slots


def filled_application(
    client,
    register=None,
    *,
    work_status: str = "在职",
    qualified: bool = True,
    parttime: bool = False,
    cpa: bool = False,
    region_code: str = "140105",
    id_number: str = ANSWERS_ID,
    name: str = "张三",
    submit: bool = True,
) -> dict[str, Any]:
    """Register (when `register` is given), then walk all nine steps over HTTP; submit unless told not to.

    Returns the answers that were posted. Every step must redirect onwards (asserted)."""
    if register is not None:
        response = register(id_number=id_number, name=name)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    answers = answers_for(
        work_status=work_status, qualified=qualified, parttime=parttime, cpa=cpa, region_code=region_code
    )
    _expect_next(post_step(client, "commitment", {"commitment_agreed": "y"}), "photos")
    photos = {"portrait": [(jpeg_bytes(600, 800), "portrait.jpg")], "id_front": [(jpeg_bytes(), "front.jpg")],
              "id_back": [(jpeg_bytes(), "back.png")]}
    _expect_next(upload(client, "photos", photos, action="continue"), "basics")
    for slug in ("basics", "qualification", "education", "employer", "certificates"):
        _expect_next(post_step(client, slug, answers[slug]), None)
    slots = attachment_slot_keys(work_status, qualified, parttime, cpa)
    files = {slot: [(jpeg_bytes(800, 600, (90, 90, 90)), f"{slot}.jpg")] for slot in slots}
    _expect_next(upload(client, "attachments", files, action="continue"), "submit")
    if submit:
        url = "/h5/steps/submit"
        response = client.post(url, data={"final_agreed": "y", "csrf_token": _csrf(client, url)})
        assert response.status_code == 302 and response.headers["Location"].endswith("/h5/steps/submit/done"), (
            response.get_data(as_text=True)[:2000]
        )
    return answers


def _expect_next(response, slug: str | None) -> None:
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    if slug is not None:
        assert response.headers["Location"].endswith(f"/h5/steps/{slug}"), response.headers["Location"]


def build_submitted_application(
    session,
    media_root: str,
    *,
    id_number: str = ANSWERS_ID,
    name: str = "张三",
    region_code: str = "140105",
    work_status: str = "在职",
    qualified: bool = True,
    parttime: bool = False,
    cpa: bool = False,
    email: str = "zhangsan@example.com",
):
    """An account with a complete application submitted (待审核), written directly through the use cases.

    Images are real normalised JPEGs in `media_root`. Returns (account, application, submission); the caller's
    session is committed."""
    from shared_models import applications as use_cases
    from shared_models.images import normalise_image
    from shared_models.models import Account
    from shared_models.rules.passwords import hash_password
    from shared_models.rules.wizard import Applicant, validate_step
    from shared_models.storage import LocalStorage

    account = Account(id_type="居民身份证", id_number=id_number, name=name, email=email,
                      password_hash=hash_password("Kuaiji@2026"))
    session.add(account)
    session.flush()
    application = use_cases.get_or_create_draft(session, account)
    answers = answers_for(work_status=work_status, qualified=qualified, parttime=parttime, cpa=cpa,
                          region_code=region_code)
    applicant = Applicant.from_account(account)
    saved: dict[str, dict] = {}
    for slug, data in answers.items():
        result = validate_step(slug, data, applicant, saved)  # store exactly what the wizard would
        assert result.ok, (slug, result.errors)
        saved[slug] = result.data
        use_cases.save_section(session, application, slug, result.data, completed=True)
    use_cases.record_commitment(session, application, "commitment", use_cases.commitment_text(account), "127.0.0.1")
    store = LocalStorage(media_root)
    slots = ["portrait", "id_front", "id_back", *attachment_slot_keys(work_status, qualified, parttime, cpa)]
    for slot in slots:
        image = normalise_image(jpeg_bytes(600, 800), portrait=slot == "portrait")
        stored = use_cases.StoredImage(store.save(image.data), len(image.data), image.width, image.height, image.sha256)
        use_cases.add_attachment(session, application, slot, stored)
    for slug in ("photos", "attachments"):
        use_cases.save_section(session, application, slug, {}, completed=True)
    submission = use_cases.submit(
        session, application, account, commitment_text=use_cases.commitment_text(account), remote_addr="127.0.0.1"
    )
    session.commit()
    return account, application, submission


@pytest.fixture
def fill_wizard(client, register):
    """fill_wizard(work_status="在读", cpa=True, submit=False, ...) walks the wizard for a new accountant."""

    def _fill(**kw):
        return filled_application(client, register, **kw)

    return _fill


@pytest.fixture
def wizard_db(app):
    """A factory of database sessions that push no app context.

    Use it (`with wizard_db() as s: ...`) instead of `db_session` in tests that also make requests: a pushed
    app context is shared by every request of the test client, and with it `g` (Flask-WTF caches the CSRF
    token there, so a token minted before a login would survive the login's session.clear())."""
    return app.extensions["db"]["factory"]


@pytest.fixture
def submitted_application(wizard_db, settings):
    """submitted_application(region_code="140105", id_number=..., ...) -> (account, application, submission).

    The objects are detached but loaded (the session factory does not expire on commit)."""

    def _make(**kw):
        with wizard_db() as session:
            return build_submitted_application(session, settings["MEDIA_ROOT"], **kw)

    return _make
