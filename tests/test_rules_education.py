"""Step 5 (education): the full-time highest education and the optional part-time one."""

import pytest

from shared_models.rules.enums import EDUCATIONS
from shared_models.rules.wizard import validate_partial, validate_step, visible_fields
from tests.rules_helpers import EDUCATION, PARTTIME, card_applicant

CARD = card_applicant()
PARTTIME_KEYS = ("parttime_education", "parttime_degree", "parttime_school", "parttime_major",
                 "parttime_graduated_on", "parttime_certificate_no")


def check(raw):
    return validate_step("education", raw, CARD, {})


def test_full_time_only():
    result = check(EDUCATION)
    assert result.ok
    assert result.data == EDUCATION


def test_with_part_time():
    result = check({**EDUCATION, **PARTTIME})
    assert result.ok, result.errors
    assert result.data["parttime_school"] == "山西大学"
    assert "parttime_certificate_no" not in result.data  # optional, left empty


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("fulltime_education", "请选择全日制学历"),
        ("fulltime_degree", "请选择全日制学位"),
        ("fulltime_school", "请填写全日制毕业院校"),
        ("fulltime_major", "请填写全日制所学专业"),
        ("fulltime_graduated_on", "请填写全日制毕业时间"),
        ("has_parttime", "请选择是否有非全日制学历"),
        ("parttime_education", "请选择非全日制学历"),
        ("parttime_degree", "请选择非全日制学位"),
        ("parttime_school", "请填写非全日制毕业院校"),
        ("parttime_major", "请填写非全日制所学专业"),
        ("parttime_graduated_on", "请填写非全日制毕业时间"),
    ],
)
def test_required(key, message):
    assert check({**EDUCATION, **PARTTIME, key: ""}).errors == {key: message}


@pytest.mark.parametrize("key", ["fulltime_certificate_no", "parttime_certificate_no"])
def test_certificate_numbers_are_optional(key):
    assert check({**EDUCATION, **PARTTIME, key: ""}).ok


def test_part_time_fields_are_dropped_without_part_time():
    result = check({**EDUCATION, **PARTTIME, "has_parttime": "否", "parttime_degree": "无效"})
    assert result.ok
    assert not set(PARTTIME_KEYS) & result.data.keys()


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("fulltime_education", "小学", "请从列表中选择全日制学历"),
        ("parttime_degree", "副博士", "请从列表中选择非全日制学位"),
        ("has_parttime", "可能", "请从列表中选择是否有非全日制学历"),
        ("fulltime_school", "校" * 101, "全日制毕业院校不能超过100个字"),
        ("parttime_major", "专" * 101, "非全日制所学专业不能超过100个字"),
        ("fulltime_graduated_on", "2006-03-06", "全日制毕业时间应在年满16周岁之后"),
        ("parttime_graduated_on", "2006-03-06", "非全日制毕业时间应在年满16周岁之后"),
        ("parttime_graduated_on", "2026-11-29", "非全日制毕业时间不能晚于今天"),
        ("fulltime_certificate_no", "1" * 51, "全日制毕业证书编号不能超过50个字"),
        ("fulltime_major", "会计\t学", "全日制所学专业不能包含控制字符"),
    ],
)
def test_invalid_values(key, value, message):
    assert check({**EDUCATION, **PARTTIME, key: value}).errors == {key: message}


@pytest.mark.parametrize("education", [value for value, _ in EDUCATIONS])
@pytest.mark.parametrize("degree", ["博士", "硕士", "学士", "无"])
def test_no_invented_degree_education_rule(education, degree):
    """The spec has no degree/education plausibility rule: every combination is accepted."""
    assert check({**EDUCATION, "fulltime_education": education, "fulltime_degree": degree}).ok


def test_high_school_may_use_other_as_major():
    assert check({**EDUCATION, "fulltime_education": "高中", "fulltime_degree": "无", "fulltime_major": "其他"}).ok


def test_partial_save_drops_part_time_fields_while_has_parttime_is_unanswered():
    result = validate_partial("education", {"fulltime_school": "山西大学", "parttime_school": "太原理工"}, CARD, {})
    assert result.ok
    assert result.data == {"fulltime_school": "山西大学"}


def test_visible_fields():
    assert not set(PARTTIME_KEYS) & set(visible_fields("education", {"has_parttime": "否"}, CARD))
    assert set(PARTTIME_KEYS) <= set(visible_fields("education", {"has_parttime": "是"}, CARD))
