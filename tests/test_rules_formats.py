"""Format rules: phone, postal code, e-mail, and the GB 32100-2015 unified social credit code."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared_models.rules.formats import (
    CREDIT_CODE_CHARS,
    credit_code_check_char,
    normalise_credit_code,
    normalise_phone,
    normalise_postal_code,
)

# Codes printed on real business licences (public registers).
KNOWN_VALID = ["91350100M000100Y43", "91110000600037341L", "91440300708461136T"]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_valid_credit_codes(code):
    assert normalise_credit_code(code) == code
    assert credit_code_check_char(code[:17]) == code[17]


def test_credit_code_is_upper_cased_and_spaces_removed():
    assert normalise_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert normalise_credit_code("9135 0100 M000 100Y 43") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y4", "统一社会信用代码应为18位"),
        ("91350100M000100Y433", "统一社会信用代码应为18位"),
        ("91350100M000100I43", "统一社会信用代码只能包含数字和大写字母（不含I、O、Z、S、V）"),
        ("91350100M000100O43", "统一社会信用代码只能包含数字和大写字母（不含I、O、Z、S、V）"),
        ("9135010OM000100Y43".replace("O", "A"), "统一社会信用代码第3至8位应为数字（登记管理机关行政区划码）"),
        ("91350100M000100Y44", "统一社会信用代码校验位不正确，请核对后重新输入"),
    ],
)
def test_invalid_credit_codes(code, message):
    with pytest.raises(ValueError) as exc:
        normalise_credit_code(code)
    assert str(exc.value) == message


@pytest.mark.parametrize("code", KNOWN_VALID)
@pytest.mark.parametrize("position", range(17))
def test_every_single_character_change_is_caught(code, position):
    """A changed character in positions 1–17 changes the check character (weights are units mod 31)."""
    for replacement in CREDIT_CODE_CHARS:
        if replacement == code[position]:
            continue
        changed = code[:position] + replacement + code[position + 1 :]
        if not changed[2:8].isdigit():
            continue
        assert credit_code_check_char(changed[:17]) != code[17]


@given(st.text(alphabet=CREDIT_CODE_CHARS, min_size=2, max_size=2),
       st.text(alphabet="0123456789", min_size=6, max_size=6),
       st.text(alphabet=CREDIT_CODE_CHARS, min_size=9, max_size=9))
def test_generated_codes_round_trip_and_wrong_check_chars_fail(head, region, body):
    first17 = head + region + body
    code = first17 + credit_code_check_char(first17)
    assert normalise_credit_code(code) == code
    for wrong in CREDIT_CODE_CHARS.replace(code[17], "")[:5]:
        with pytest.raises(ValueError):
            normalise_credit_code(first17 + wrong)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("13812345678", "13812345678"), ("19912345678", "19912345678"), ("0351-1234567", "0351-1234567"),
     ("03511234567", "03511234567"), ("010-12345678", "010-12345678"), (" 138 1234 5678 ", "13812345678")],
)
def test_valid_phones(raw, stored):
    assert normalise_phone(raw) == stored


@pytest.mark.parametrize(
    "raw", ["12812345678", "1381234567", "138123456789", "0351-123456", "351-1234567", "+8613812345678", "电话"]
)
def test_invalid_phones(raw):
    with pytest.raises(ValueError, match="联系电话格式不正确"):
        normalise_phone(raw)


@pytest.mark.parametrize("raw", ["03000", "0300000", "03000a", "٠٣٠٠٠٠", "03 00 0"])
def test_invalid_postal_codes(raw):
    with pytest.raises(ValueError, match="^邮政编码应为6位数字$"):
        normalise_postal_code(raw)


@pytest.mark.parametrize("raw", ["030000", " 030000 ", "０３００００"])
def test_valid_postal_code(raw):
    assert normalise_postal_code(raw) == "030000"


def test_full_width_input_is_folded_to_ascii():
    assert normalise_phone("１３８１２３４５６７８") == "13812345678"
    assert normalise_phone("０３５１－１２３４５６７") == "0351-1234567"
    assert normalise_credit_code("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"
