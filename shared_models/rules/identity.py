"""Identity documents: types, GB 11643 validation of 18-digit numbers, derived birth date and gender."""

from __future__ import annotations

import re
from datetime import date

ID_CARD = "居民身份证"
HKMO_PERMIT = "港澳居民来往内地通行证"
TW_PERMIT = "台湾居民来往大陆通行证"
RESIDENCE_PERMIT = "港澳台居民居住证"
FOREIGNER_PR = "外国人永久居留身份证"
PASSPORT = "护照"

ID_TYPES: tuple[str, ...] = (ID_CARD, HKMO_PERMIT, TW_PERMIT, RESIDENCE_PERMIT, FOREIGNER_PR, PASSPORT)
# Types carrying an 18-digit number with the GB 11643 check digit: birth date and gender are derived.
EIGHTEEN_DIGIT_TYPES = frozenset({ID_CARD, RESIDENCE_PERMIT})
# Types whose document has two sides (人像面 and 国徽面): the id_back photo is required.
TWO_SIDED_TYPES = frozenset({ID_CARD, RESIDENCE_PERMIT, FOREIGNER_PR})

# GB/T 2260 province-level prefixes valid for 居民身份证.
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65".split()  # noqa: SIM905
)
# 港澳台居民居住证 use 81 (Hong Kong), 82 (Macao) and 83 (Taiwan).
RESIDENCE_PERMIT_PREFIXES = frozenset({"81", "82", "83"})

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_EIGHTEEN = re.compile(r"^\d{17}[\dX]$")
_OTHER_DOC = re.compile(r"^[A-Z0-9()（）-]{5,32}$")
EARLIEST_BIRTH = date(1900, 1, 1)


class IdentityError(ValueError):
    """An invalid identity document number; `message` is shown at the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalise_id_number(raw: str | None) -> str:
    """Strip whitespace and upper-case (a trailing x becomes X)."""
    return "".join((raw or "").split()).upper()


def check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def birth_date_of(number: str) -> date | None:
    """The birth date encoded in positions 7–14, or None when it is not a real date."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def gender_of(number: str) -> str:
    """The 17th digit: odd = 男, even = 女."""
    return "男" if int(number[16]) % 2 else "女"


def validate_id_number(id_type: str, raw: str | None, today: date | None = None) -> str:
    """Return the normalised number, or raise IdentityError with the message shown at the field."""
    today = today or date.today()
    if id_type not in ID_TYPES:
        raise IdentityError("请选择有效身份证件类型")
    number = normalise_id_number(raw)
    if not number:
        raise IdentityError("请填写证件号码")
    if id_type in EIGHTEEN_DIGIT_TYPES:
        return _validate_eighteen(id_type, number, today)
    if not _OTHER_DOC.match(number):
        raise IdentityError("证件号码格式不正确，应为5至32位字母或数字")
    return number


def _validate_eighteen(id_type: str, number: str, today: date) -> str:
    if len(number) != 18:
        raise IdentityError("证件号码应为18位")
    if not _EIGHTEEN.match(number):
        raise IdentityError("证件号码前17位应为数字，最后一位为数字或X")
    prefixes = RESIDENCE_PERMIT_PREFIXES if id_type == RESIDENCE_PERMIT else PROVINCE_PREFIXES
    if number[:2] not in prefixes:
        raise IdentityError("证件号码的地区码不正确")
    born = birth_date_of(number)
    if born is None:
        raise IdentityError("证件号码中的出生日期不正确")
    if born > today:
        raise IdentityError("证件号码中的出生日期不能晚于今天")
    if born < EARLIEST_BIRTH:
        raise IdentityError("证件号码中的出生日期不正确")
    if check_digit(number[:17]) != number[17]:
        raise IdentityError("证件号码校验位不正确，请核对后重新输入")
    return number


def derives_birth_and_gender(id_type: str) -> bool:
    return id_type in EIGHTEEN_DIGIT_TYPES


def mask_id_number(number: str | None) -> str:
    """1401**********123X: first four and last four characters, the rest starred (lists and logs)."""
    number = number or ""
    if len(number) <= 8:
        return number[:2] + "*" * max(len(number) - 2, 0)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]
