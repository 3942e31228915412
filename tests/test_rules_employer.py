"""Step 6 (employer): work status and the fields of 在职 / 在读."""

import pytest

from shared_models.rules.wizard import validate_step, visible_fields
from tests.rules_helpers import EMPLOYED, card_applicant

CARD = card_applicant()
EMPLOYED_KEYS = ("employer_name", "employer_credit_code", "employer_type", "accounting_post", "employed_since")
STUDYING = {"work_status": "在读", "school_name": "山西财经大学", "enrolled_on": "2024-09"}


def check(raw):
    return validate_step("employer", raw, CARD, {})


def test_employed():
    result = check(EMPLOYED)
    assert result.ok
    assert result.data == EMPLOYED


def test_studying_drops_employer_fields():
    result = check({**EMPLOYED, **STUDYING})
    assert result.ok
    assert result.data == STUDYING


def test_unemployed_keeps_only_the_status():
    result = check({**EMPLOYED, **STUDYING, "work_status": "待业"})
    assert result.ok
    assert result.data == {"work_status": "待业"}


@pytest.mark.parametrize(
    ("raw", "key", "message"),
    [
        (EMPLOYED, "work_status", "请选择工作状态"),
        (EMPLOYED, "employer_name", "请填写工作单位名称"),
        (EMPLOYED, "employer_credit_code", "请填写统一社会信用代码"),
        (EMPLOYED, "employer_type", "请选择单位性质"),
        (EMPLOYED, "accounting_post", "请选择会计岗位"),
        (EMPLOYED, "employed_since", "请填写入职时间"),
        (STUDYING, "school_name", "请填写在读学校"),
        (STUDYING, "enrolled_on", "请填写入学时间"),
    ],
)
def test_required(raw, key, message):
    assert check({**raw, key: ""}).errors == {key: message}


@pytest.mark.parametrize(
    ("raw", "key", "value", "message"),
    [
        (EMPLOYED, "work_status", "退休", "请从列表中选择工作状态"),
        (EMPLOYED, "employer_credit_code", "91350100M000100Y44", "统一社会信用代码校验位不正确，请核对后重新输入"),
        (EMPLOYED, "employer_credit_code", "9135", "统一社会信用代码应为18位"),
        (EMPLOYED, "employer_type", "个体户", "请从列表中选择单位性质"),
        (EMPLOYED, "accounting_post", "老板", "请从列表中选择会计岗位"),
        (EMPLOYED, "employer_name", "单" * 101, "工作单位名称不能超过100个字"),
        (EMPLOYED, "employed_since", "2006-02", "入职时间应在年满16周岁之后"),
        (EMPLOYED, "employed_since", "2026-12", "入职时间不能晚于本月"),
        (EMPLOYED, "employed_since", "2012-13", "入职时间格式不正确，应为年-月，如2020-07"),
        (STUDYING, "enrolled_on", "1990-02", "入学时间不能早于出生日期"),
        (STUDYING, "enrolled_on", "2026-12", "入学时间不能晚于本月"),
        (STUDYING, "school_name", "校" * 101, "在读学校不能超过100个字"),
    ],
)
def test_invalid_values(raw, key, value, message):
    assert check({**raw, key: value}).errors == {key: message}


@pytest.mark.parametrize("month", ["2006-03", "2026-11"])
def test_employed_since_boundaries(month):
    assert check({**EMPLOYED, "employed_since": month}).ok


def test_month_fields_accept_a_full_date_and_store_the_month():
    assert check({**EMPLOYED, "employed_since": "2012-08-15"}).data["employed_since"] == "2012-08"


def test_credit_code_is_stored_normalised():
    assert check({**EMPLOYED, "employer_credit_code": "91350100m000100y43"}).data["employer_credit_code"] == (
        "91350100M000100Y43"
    )


def test_visible_fields():
    assert visible_fields("employer", {}, CARD) == ["work_status"]
    assert visible_fields("employer", {"work_status": "在职"}, CARD) == ["work_status", *EMPLOYED_KEYS]
    assert visible_fields("employer", {"work_status": "在读"}, CARD) == ["work_status", "school_name", "enrolled_on"]
    assert visible_fields("employer", {"work_status": "待业"}, CARD) == ["work_status"]
