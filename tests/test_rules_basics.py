"""Step 3 (basics): every rule of the spec's table."""

import pytest

from shared_models.rules.wizard import validate_partial, validate_step, visible_fields
from tests.rules_helpers import BASICS, card_applicant, passport_applicant

CARD = card_applicant()
PASSPORT = passport_applicant()
PASSPORT_BASICS = {**BASICS, "birth_date": "1985-05-20", "gender": "女"}


def check(raw, applicant=CARD):
    return validate_step("basics", raw, applicant, {})


def test_valid_basics_with_derived_identity():
    result = check({**BASICS, "birth_date": "2001-01-01", "gender": "女", "name": "王五", "id_number": "X"})
    assert result.ok, result.errors
    # Birth date and gender come from the ID number, whatever was posted; account fields are never stored.
    assert result.data["birth_date"] == "1990-03-07"
    assert result.data["gender"] == "男"
    assert not {"name", "id_type", "id_number"} & result.data.keys()


def test_residence_permit_also_derives_birth_date_and_gender():
    from shared_models.rules.identity import check_digit

    number = "81000019950812002" + check_digit("81000019950812002")
    applicant = card_applicant(id_type="港澳台居民居住证", id_number=number)
    result = check(BASICS, applicant)
    assert result.ok, result.errors
    assert (result.data["birth_date"], result.data["gender"]) == ("1995-08-12", "女")


def test_other_documents_require_birth_date_and_gender():
    result = check(BASICS, PASSPORT)
    assert result.errors == {"birth_date": "请填写出生日期", "gender": "请选择性别"}
    result = check(PASSPORT_BASICS, PASSPORT)
    assert result.ok
    assert (result.data["birth_date"], result.data["gender"]) == ("1985-05-20", "女")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-11-29", "出生日期不能晚于今天"),
        ("1985-02-30", "出生日期格式不正确，应为年-月-日，如2020-07-01"),
        ("1899-12-31", "出生日期不能早于1900年"),
    ],
)
def test_entered_birth_date_rules(value, message):
    assert check({**PASSPORT_BASICS, "birth_date": value}, PASSPORT).errors == {"birth_date": message}


def test_entered_gender_must_be_one_of_the_choices():
    assert check({**PASSPORT_BASICS, "gender": "未知"}, PASSPORT).errors == {"gender": "请从列表中选择性别"}


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("country", "请选择所属国家或地区"),
        ("ethnicity", "请选择民族"),
        ("political_status", "请选择政治面貌"),
        ("phone", "请填写联系电话"),
        ("email", "请填写电子邮箱"),
        ("address", "请填写通信地址"),
        ("postal_code", "请填写邮政编码"),
        ("region_code", "请选择所属行政区划"),
    ],
)
def test_required_fields(key, message):
    raw = {**BASICS, key: "   "}
    assert check(raw).errors == {key: message}


def test_ethnicity_only_applies_in_china():
    raw = {**BASICS, "country": "美国"}
    result = check(raw)
    assert result.ok
    assert "ethnicity" not in result.data  # posted, but does not apply: dropped
    assert check({**raw, "ethnicity": ""}).ok


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("country", "火星", "请从列表中选择所属国家或地区"),
        ("ethnicity", "99", "请从列表中选择民族"),
        ("ethnicity", "汉族", "请从列表中选择民族"),  # the stored value is the GB/T 3304 code
        ("political_status", "14", "请从列表中选择政治面貌"),
        ("region_code", "140199", "请从列表中选择所属行政区划"),
        ("region_code", "110000", "请从列表中选择所属行政区划"),
        ("phone", "12345", "联系电话格式不正确，请填写11位手机号码或带区号的固定电话（如0351-1234567）"),
        ("postal_code", "0300", "邮政编码应为6位数字"),
        ("email", "not-an-email", "电子邮箱格式不正确，例如 zhangsan@example.com"),
        ("address", "地" * 201, "通信地址不能超过200个字"),
        ("address", "太原市\n小店区", "通信地址不能包含控制字符"),
        ("address", "太原市\x00", "通信地址不能包含控制字符"),
    ],
)
def test_invalid_values(key, value, message):
    assert check({**BASICS, key: value}).errors == {key: message}


@pytest.mark.parametrize("code", ["140000", "140100", "140105", "141100", "141182"])
def test_region_may_be_province_city_or_county(code):
    assert check({**BASICS, "region_code": code}).data["region_code"] == code


@pytest.mark.parametrize("code", ["97", "98", "01", "56"])
def test_ethnicity_codes(code):
    assert check({**BASICS, "ethnicity": code}).ok


def test_values_are_stripped_and_unicode_is_kept():
    raw = {**BASICS, "address": "  山西省太原市𠀾𡈼路1号  ", "phone": " 0351-7654321 ", "email": " A@Example.COM "}
    data = check(raw).data
    assert data["address"] == "山西省太原市𠀾𡈼路1号"
    assert data["phone"] == "0351-7654321"
    assert data["email"] == "A@example.com"


def test_exactly_200_characters_of_address_are_fine():
    assert check({**BASICS, "address": "地" * 200}).ok


def test_partial_keeps_valid_values_and_reports_only_present_invalid_ones():
    result = validate_partial("basics", {"phone": "13812345678", "postal_code": "12", "country": ""}, CARD, {})
    assert result.errors == {"postal_code": "邮政编码应为6位数字"}
    assert result.data == {"phone": "13812345678", "birth_date": "1990-03-07", "gender": "男"}


def test_visible_fields_follow_country_and_document_type():
    assert "ethnicity" in visible_fields("basics", {}, CARD)  # default country is 中国
    assert "ethnicity" not in visible_fields("basics", {"country": "日本"}, CARD)
    assert visible_fields("basics", {"country": "中国"}, PASSPORT)[:5] == [
        "name", "id_type", "id_number", "birth_date", "gender",
    ]
