"""Step 4 (qualification): title, level and the fields that apply only with a title or a qualification."""

import pytest

from shared_models.rules.wizard import validate_step, visible_fields
from tests.rules_helpers import BASICS, QUALIFICATION, card_applicant, passport_applicant

CARD = card_applicant()
QUALIFICATION_ONLY = ("qualification_type", "qualification_method", "qualification_cert_no",
                      "qualification_obtained_on")


def check(raw, applicant=CARD, answers=None):
    return validate_step("qualification", raw, applicant, answers or {})


def test_complete_qualification_is_valid():
    result = check(QUALIFICATION)
    assert result.ok
    assert result.data == QUALIFICATION


@pytest.mark.parametrize(("key", "message"), [("title", "请选择会计专业技术职务"),
                                              ("qualification_level", "请选择专业技术资格级别")])
def test_always_required(key, message):
    assert check({**QUALIFICATION, key: ""}).errors == {key: message}


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("title_appointed_on", "请填写会计专业技术职务聘任时间"),
        ("qualification_type", "请选择专业技术资格类型"),
        ("qualification_method", "请选择专业技术资格取得方式"),
        ("qualification_cert_no", "请填写专业技术资格证书号或批文号"),
        ("qualification_obtained_on", "请填写专业技术资格取得时间"),
    ],
)
def test_required_when_their_condition_holds(key, message):
    assert check({**QUALIFICATION, key: ""}).errors == {key: message}


def test_no_title_drops_the_appointment_date():
    result = check({**QUALIFICATION, "title": "无职务"})
    assert result.ok
    assert "title_appointed_on" not in result.data


def test_no_qualification_drops_its_fields():
    result = check({**QUALIFICATION, "qualification_level": "无", "qualification_type": "不存在的类型"})
    assert result.ok, result.errors
    assert not set(QUALIFICATION_ONLY) & result.data.keys()


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("title", "注册会计师", "请从列表中选择会计专业技术职务"),
        ("qualification_level", "特级", "请从列表中选择专业技术资格级别"),
        ("qualification_type", "法律", "请从列表中选择专业技术资格类型"),
        ("qualification_method", "购买", "请从列表中选择专业技术资格取得方式"),
        ("qualification_cert_no", "1" * 51, "专业技术资格证书号或批文号不能超过50个字"),
        ("qualification_obtained_on", "2026-11-29", "专业技术资格取得时间不能晚于今天"),
        ("qualification_obtained_on", "2006-03-06", "专业技术资格取得时间应在年满16周岁之后"),
        ("title_appointed_on", "2006-03-06", "会计专业技术职务聘任时间应在年满16周岁之后"),
        ("title_appointed_on", "2015-6", "会计专业技术职务聘任时间格式不正确，应为年-月-日，如2020-07-01"),
    ],
)
def test_invalid_values(key, value, message):
    assert check({**QUALIFICATION, key: value}).errors == {key: message}


@pytest.mark.parametrize("day", ["2006-03-07", "2026-11-28"])
def test_sixteenth_birthday_and_today_are_allowed(day):
    assert check({**QUALIFICATION, "qualification_obtained_on": day, "title_appointed_on": day}).ok


def test_sixteenth_birthday_rule_uses_the_basics_birth_date_for_other_documents():
    passport = passport_applicant()
    answers = {"basics": {**BASICS, "birth_date": "2000-01-01", "gender": "男"}}
    raw = {**QUALIFICATION, "title_appointed_on": "2015-12-31", "qualification_obtained_on": "2016-01-01"}
    assert check(raw, passport, answers).errors == {
        "title_appointed_on": "会计专业技术职务聘任时间应在年满16周岁之后"
    }
    # Without a saved birth date the rule cannot be checked yet (check_application checks it later).
    assert check(raw, passport, {}).ok


@pytest.mark.parametrize("title", ["会计员", "助理会计师", "会计师", "高级会计师", "正高级会计师"])
def test_every_title_but_none_needs_the_appointment_date(title):
    assert "title_appointed_on" in visible_fields("qualification", {"title": title}, CARD)


def test_visible_fields():
    assert visible_fields("qualification", {}, CARD) == ["title", "qualification_level"]
    assert visible_fields("qualification", {"title": "无职务", "qualification_level": "无"}, CARD) == [
        "title", "qualification_level",
    ]
    shown = visible_fields("qualification", {"qualification_level": "初级"}, CARD)
    assert shown == ["title", "qualification_level", *QUALIFICATION_ONLY]
