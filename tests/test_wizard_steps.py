"""The nine steps over HTTP: full walks per work status, what the database holds, conditional fields, 保存."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from shared_models.models import Application, ApplicationSection, Attachment, CommitmentRecord, Submission
from tests.conftest import html
from tests.fixtures_wizard import (
    ANSWERS_ID,
    CREDIT_CODE,
    attachment_slot_keys,
    filled_application,
    post_step,
)


def _sections(wizard_db) -> dict[str, ApplicationSection]:
    with wizard_db() as s:
        return {sec.step: sec for sec in s.scalars(select(ApplicationSection))}


@pytest.mark.parametrize(
    ("work_status", "qualified", "parttime", "cpa"),
    [
        ("在职", True, False, False),
        ("在职", False, True, True),
        ("在读", False, False, False),
        ("在读", True, True, False),
        ("待业", False, False, True),
        ("待业", True, False, False),
    ],
)
def test_full_walk_stores_every_answer_and_submits(client, register, wizard_db, work_status, qualified, parttime, cpa):
    answers = filled_application(client, register, work_status=work_status, qualified=qualified, parttime=parttime,
                                 cpa=cpa)
    with wizard_db() as s:
        application = s.scalars(select(Application)).one()
        assert application.status == "submitted" and application.region_code == "140105"
        saved = {sec.step: sec for sec in application.sections}
        assert all(sec.completed for sec in saved.values())
        for slug in ("qualification", "education", "employer", "certificates"):
            assert saved[slug].data == answers[slug], slug
        assert saved["basics"].data["birth_date"] == "1990-03-07" and saved["basics"].data["gender"] == "男"
        slots = sorted(s.scalars(select(Attachment.slot)))
        assert slots == sorted(["portrait", "id_front", "id_back", *attachment_slot_keys(work_status, qualified,
                                                                                          parttime, cpa)])
        assert sorted(s.scalars(select(CommitmentRecord.kind))) == ["commitment", "final"]
        snapshot = s.scalars(select(Submission)).one().snapshot
        assert snapshot["answers"]["employer"]["work_status"] == work_status
        assert ("parttime_school" in snapshot["answers"]["education"]) is parttime
        assert ("cpa_obtained_on" in snapshot["answers"]["certificates"]) is cpa
    page = html(client.get("/h5/"))
    assert "待审核" in page and "查看提交内容" in page


def _start(client, register):
    register(id_number=ANSWERS_ID)
    post_step(client, "commitment", {"commitment_agreed": "y"})


def test_step_page_shows_number_progress_back_link_and_buttons(client, register):
    _start(client, register)
    page = html(client.get("/h5/steps/qualification"))
    assert "第 4 步，共 9 步" in page
    assert 'class="weui-progress__inner-bar" style="width: 44%"' in page
    assert 'href="/h5/steps/basics">‹ 上一步' in page
    assert 'value="continue"' in page and ">继续<" in page and 'value="save"' in page
    assert "会计从业资格证书不属于专业技术资格（职称）证书" in page


def test_commitment_comes_first_and_is_recorded(client, register, wizard_db):
    register(id_number=ANSWERS_ID)
    response = client.get("/h5/steps/basics")
    assert response.status_code == 302 and response.headers["Location"].endswith("/h5/steps/commitment")
    page = html(client.get("/h5/steps/commitment"))
    assert "承诺书" in page and "张三" in page and ANSWERS_ID in page  # the owner's own page: shown in full
    missing = post_step(client, "commitment", {})
    assert "请阅读承诺书并勾选" in html(missing) and 'class="error-summary"' in html(missing)
    assert post_step(client, "commitment", {"commitment_agreed": "y"}).headers["Location"].endswith("/photos")
    post_step(client, "commitment", {"commitment_agreed": "y"})  # agreeing again records nothing new
    with wizard_db() as s:
        records = list(s.scalars(select(CommitmentRecord)))
        assert [r.kind for r in records] == ["commitment"] and len(records[0].text_sha256) == 64


def test_errors_show_at_the_field_and_in_the_summary_and_keep_what_was_typed(client, register):
    _start(client, register)
    data = {"country": "中国", "phone": "12345", "postal_code": "0300", "address": "太原市", "email": "x@example.com"}
    page = html(post_step(client, "basics", data))
    assert "联系电话格式不正确" in page and 'id="phone-error"' in page and 'href="#phone"' in page
    assert "邮政编码应为6位数字" in page and "请选择政治面貌" in page and "请选择所属行政区划" in page
    assert 'value="12345"' in page and 'value="0300"' in page  # never cleared


def test_basics_identity_is_read_only_and_posted_identity_is_ignored(client, register, wizard_db):
    _start(client, register)
    page = html(client.get("/h5/steps/basics"))
    assert "请确认与实际相符" in page
    assert "1990年3月7日" in page and re.search(r"性别</span></div>\s*<div[^>]*><span[^>]*>男", page)
    assert 'name="birth_date"' not in page and 'name="id_number"' not in page
    from tests.fixtures_wizard import basics_answers

    data = {**basics_answers(), "name": "王五", "id_number": "11010519491231002X", "birth_date": "2000-01-01",
            "gender": "女"}
    post_step(client, "basics", data)
    saved = _sections(wizard_db)["basics"].data
    assert "name" not in saved and "id_number" not in saved
    assert saved["birth_date"] == "1990-03-07" and saved["gender"] == "男"


def test_region_picker_without_javascript_is_one_grouped_select(client, register):
    _start(client, register)
    page = html(client.get("/h5/steps/basics"))
    assert '<optgroup label="山西省">' in page and 'value="140000">山西省（省直）' in page
    assert '<optgroup label="太原市">' in page and 'value="140100">太原市（市直）' in page
    assert 'value="140105">小店区' in page
    assert "data-region-tree=" in page and "以工作单位为准" in page


@pytest.mark.parametrize(
    ("slug", "posted", "dropped", "kept"),
    [
        ("employer", {"work_status": "待业", "employer_name": "某公司", "school_name": "某大学"},
         ["employer_name", "school_name"], {"work_status": "待业"}),
        ("qualification", {"title": "无职务", "title_appointed_on": "2018-01-01", "qualification_level": "无",
                           "qualification_type": "会计", "qualification_cert_no": "X1"},
         ["title_appointed_on", "qualification_type", "qualification_cert_no"], {"title": "无职务"}),
        ("certificates", {"abacus_level": "无级别", "abacus_cert_no": "123", "is_cpa": "否", "cpa_practicing": "是",
                          "cpa_cert_no": "9"}, ["abacus_cert_no", "cpa_practicing", "cpa_cert_no"], {"is_cpa": "否"}),
        ("basics", {"country": "日本", "ethnicity": "01"}, ["ethnicity"], {"country": "日本"}),
    ],
)
def test_a_posted_field_that_does_not_apply_is_not_stored(client, register, wizard_db, slug, posted, dropped, kept):
    _start(client, register)
    post_step(client, slug, posted, action="save")
    data = _sections(wizard_db)[slug].data
    for key in dropped:
        assert key not in data, key
    for key, value in kept.items():
        assert data[key] == value


def test_conditional_fields_are_decided_by_the_server(client, register):
    _start(client, register)
    page = html(client.get("/h5/steps/employer"))
    assert re.search(r'data-key="employer_name" data-when="[^"]+" hidden', page)  # nothing chosen yet
    assert 'data-when="{&#34;deps&#34;:[&#34;work_status&#34;]' in page  # the table for instant toggling
    # Without JavaScript: choose 在职 and press 更新; the page comes back with the employer fields shown.
    page = html(post_step(client, "employer", {"work_status": "在职"}, action="refresh"))
    assert re.search(r'data-key="employer_name" data-when="[^"]+">', page)
    assert re.search(r'data-key="school_name" data-when="[^"]+" hidden', page)
    assert "请填写" not in page  # 更新 validates nothing


def test_save_keeps_partial_valid_data_and_stays(client, register, wizard_db):
    _start(client, register)
    response = post_step(client, "employer", {"work_status": "在职", "employer_name": "某某会计师事务所",
                                              "employer_credit_code": "BAD"}, action="save")
    page = html(response)
    assert response.status_code == 200 and "统一社会信用代码应为18位" in page
    assert 'value="BAD"' in page  # the wrong value stays on screen
    section = _sections(wizard_db)["employer"]
    assert section.data == {"work_status": "在职", "employer_name": "某某会计师事务所"} and not section.completed
    response = post_step(client, "employer", {"work_status": "在职", "employer_name": "某某会计师事务所",
                                              "employer_credit_code": CREDIT_CODE}, action="save")
    assert response.status_code == 302 and response.headers["Location"].endswith("/h5/steps/employer")
    assert "已保存" in html(client.get("/h5/steps/employer"))
    assert _sections(wizard_db)["employer"].data["employer_credit_code"] == CREDIT_CODE
    page = html(client.get("/h5/"))
    assert re.search(r'工作单位</span>\s*<span class="task__state task__state_doing">进行中', page)


def test_continue_with_return_goes_back_to_the_summary(client, register):
    _start(client, register)
    url = "/h5/steps/certificates?return=submit"
    page = html(client.get(url))
    assert 'name="return" value="submit"' in page and "返回确认页" in page
    response = client.submit("/h5/steps/certificates", {"abacus_level": "无级别", "is_cpa": "否",
                                                         "action": "continue", "return": "submit"}, form_url=url)
    assert response.headers["Location"].endswith("/h5/steps/submit")


def test_dates_follow_the_rules(client, register):
    _start(client, register)
    page = html(post_step(client, "qualification", {"title": "会计员", "title_appointed_on": "2099-01-01",
                                                    "qualification_level": "初级", "qualification_type": "会计",
                                                    "qualification_method": "考试", "qualification_cert_no": "A1",
                                                    "qualification_obtained_on": "2001-01-01"}))
    assert "会计专业技术职务聘任时间不能晚于今天" in page
    assert "专业技术资格取得时间应在年满16周岁之后" in page


def test_unknown_step_is_404_and_anonymous_goes_to_login(client, register):
    response = client.get("/h5/steps/basics")
    assert response.status_code == 302 and "/h5/login" in response.headers["Location"]
    assert client.get("/h5/steps/submit").status_code == 302
    register(id_number=ANSWERS_ID)
    assert client.get("/h5/steps/nope").status_code == 404
