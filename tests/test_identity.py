"""ID number validation (GB 11643 / ISO 7064 MOD 11-2) and masking."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared_models.rules.identity import (
    ID_CARD,
    PASSPORT,
    RESIDENCE_PERMIT,
    IdentityError,
    check_digit,
    gender_of,
    mask_id_number,
    validate_id_number,
)

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    "number",
    ["11010519491231002X", "11010519491231002x", " 11010519491231002X ",
     "14010519900307123" + check_digit("14010519900307123")],
)
def test_valid_numbers(number):
    assert validate_id_number(ID_CARD, number, TODAY) == number.strip().upper()


def test_lowercase_x_is_normalised_to_upper_case():
    assert validate_id_number(ID_CARD, "11010519491231002x", TODAY) == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", "请填写证件号码"),
        ("1101051949123100", "证件号码应为18位"),
        ("11010519491231002XX", "证件号码应为18位"),
        ("1101051949123100AX", "证件号码前17位应为数字，最后一位为数字或X"),
        ("991051194912310021", "证件号码的地区码不正确"),
        ("110105194902300021", "证件号码中的出生日期不正确"),  # 30 February
        ("110105194913010021", "证件号码中的出生日期不正确"),  # month 13
        ("110105203001010011", "证件号码中的出生日期不能晚于今天"),
        ("110105189901010011", "证件号码中的出生日期不正确"),
        ("110105194912310021", "证件号码校验位不正确，请核对后重新输入"),
    ],
)
def test_invalid_numbers(number, message):
    with pytest.raises(IdentityError) as err:
        validate_id_number(ID_CARD, number, TODAY)
    assert err.value.message == message


def test_future_birth_date_is_checked_against_today():
    first17 = "11010520261129001"
    number = first17 + check_digit(first17)
    with pytest.raises(IdentityError):
        validate_id_number(ID_CARD, number, TODAY)
    assert validate_id_number(ID_CARD, number, date(2026, 11, 29)) == number


def test_residence_permit_uses_hk_macao_taiwan_prefixes():
    first17 = "81000019900101001"
    number = first17 + check_digit(first17)
    assert validate_id_number(RESIDENCE_PERMIT, number, TODAY) == number
    with pytest.raises(IdentityError):
        validate_id_number(ID_CARD, number, TODAY)


def test_other_documents_have_a_format_check_only():
    assert validate_id_number(PASSPORT, " e1234 5678 ", TODAY) == "E12345678"
    with pytest.raises(IdentityError):
        validate_id_number(PASSPORT, "ab", TODAY)


def test_gender_from_the_17th_digit():
    assert gender_of("11010519491231002X") == "女"
    assert gender_of("14010519900307123" + check_digit("14010519900307123")) == "男"


def test_mask():
    assert mask_id_number("14010519900307123X") == "1401**********123X"


digits17 = st.from_regex(r"\A14010[1-9](19[5-9]\d|200\d)(0[1-9]|1[0-2])(0[1-9]|1\d|2[0-8])\d{3}\Z")


@given(digits17)
def test_check_digit_property(first17):
    """Exactly one check character validates; every other one is refused."""
    good = first17 + check_digit(first17)
    assert validate_id_number(ID_CARD, good, TODAY) == good
    for other in "0123456789X":
        if other != good[-1]:
            with pytest.raises(IdentityError):
                validate_id_number(ID_CARD, first17 + other, TODAY)


@given(digits17, st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_change_is_caught(first17, position, delta):
    """MOD 11-2 detects every single-digit substitution."""
    good = first17 + check_digit(first17)
    changed = good[:position] + str((int(good[position]) + delta) % 10) + good[position + 1 :]
    try:
        validate_id_number(ID_CARD, changed, TODAY)
    except IdentityError:
        return
    pytest.fail(f"{changed} should be refused")
