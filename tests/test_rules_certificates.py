"""Step 7 (certificates): abacus level and CPA."""

import pytest

from shared_models.rules.enums import editable
from shared_models.rules.wizard import validate_step, visible_fields
from tests.rules_helpers import card_applicant

CARD = card_applicant()
CPA = {"is_cpa": "是", "cpa_practicing": "否", "cpa_obtained_on": "2018-12-01", "cpa_cert_no": "140000123456"}
ABACUS = {"abacus_level": "普通四级", "abacus_cert_no": "ZS-2008-001"}


def check(raw):
    return validate_step("certificates", raw, CARD, {})


def test_none_of_them():
    result = check({"abacus_level": "无级别", "is_cpa": "否", **{k: v for k, v in CPA.items() if k != "is_cpa"},
                    "abacus_cert_no": "X1"})
    assert result.ok
    assert result.data == {"abacus_level": "无级别", "is_cpa": "否"}


def test_all_of_them():
    result = check({**ABACUS, **CPA})
    assert result.ok
    assert result.data == {**ABACUS, **CPA}


def test_cpa_certificate_number_is_optional():
    result = check({**ABACUS, **CPA, "cpa_cert_no": ""})
    assert result.ok
    assert "cpa_cert_no" not in result.data


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("abacus_level", "请选择珠算等级"),
        ("abacus_cert_no", "请填写珠算证号"),
        ("is_cpa", "请选择是否注册会计师"),
        ("cpa_practicing", "请选择是否执业"),
        ("cpa_obtained_on", "请填写取得注册会计师资格时间"),
    ],
)
def test_required(key, message):
    assert check({**ABACUS, **CPA, key: ""}).errors == {key: message}


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("abacus_level", "普通七级", "请从列表中选择珠算等级"),
        ("is_cpa", "Y", "请从列表中选择是否注册会计师"),
        ("cpa_practicing", "不知道", "请从列表中选择是否执业"),
        ("cpa_obtained_on", "2006-03-06", "取得注册会计师资格时间应在年满16周岁之后"),
        ("cpa_obtained_on", "2026-11-29", "取得注册会计师资格时间不能晚于今天"),
        ("cpa_cert_no", "1" * 51, "全科合格证书编号不能超过50个字"),
        ("abacus_cert_no", "1" * 51, "珠算证号不能超过50个字"),
    ],
)
def test_invalid_values(key, value, message):
    assert check({**ABACUS, **CPA, key: value}).errors == {key: message}


def test_abacus_levels_are_the_editable_list():
    levels = [value for value, _ in editable("abacus_level")]
    assert levels[0] == "无级别"
    assert levels[1:7] == ["普通六级", "普通五级", "普通四级", "普通三级", "普通二级", "普通一级"]
    assert levels[7:] == ["能手六级", "能手五级", "能手四级", "能手三级", "能手二级", "能手一级"]
    for level in levels[1:]:
        assert "abacus_cert_no" in visible_fields("certificates", {"abacus_level": level}, CARD)


def test_visible_fields():
    assert visible_fields("certificates", {"abacus_level": "无级别", "is_cpa": "否"}, CARD) == [
        "abacus_level", "is_cpa",
    ]
    assert visible_fields("certificates", {"is_cpa": "是"}, CARD) == [
        "abacus_level", "is_cpa", "cpa_practicing", "cpa_obtained_on", "cpa_cert_no",
    ]
