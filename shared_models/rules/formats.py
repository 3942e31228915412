"""Format rules: phone numbers, postal codes, e-mail and the unified social credit code (GB 32100-2015)."""

from __future__ import annotations

import re
import unicodedata

from shared_models.rules.text import normalise_email

_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$", re.ASCII)
_POSTAL = re.compile(r"^\d{6}$", re.ASCII)

# GB 32100-2015: 31 characters (digits and upper-case letters without I, O, Z, S, V) and the weights of
# positions 1–17; the check character is 31 - (Σ value × weight mod 31), 31 meaning 0.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_VALUES = {ch: i for i, ch in enumerate(CREDIT_CODE_CHARS)}
_CREDIT_SHAPE = re.compile(rf"^[{CREDIT_CODE_CHARS}]{{2}}\d{{6}}[{CREDIT_CODE_CHARS}]{{10}}$", re.ASCII)


def _compact(value: str) -> str:
    """Full-width digits and letters (中文输入法全角) folded to ASCII, all whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", value).split())


def normalise_phone(value: str) -> str:
    """A mainland mobile (1[3-9] + 9 digits) or a landline with area code (0xx(x)-xxxxxxx(x))."""
    compact = _compact(value).replace("－", "-")
    if _MOBILE.match(compact) or _LANDLINE.match(compact):
        return compact
    raise ValueError("联系电话格式不正确，请填写11位手机号码或带区号的固定电话（如0351-1234567）")


def normalise_postal_code(value: str) -> str:
    compact = _compact(value)
    if not _POSTAL.match(compact):
        raise ValueError("邮政编码应为6位数字")
    return compact


def normalise_contact_email(value: str) -> str:
    return normalise_email(value)


def credit_code_check_char(first17: str) -> str:
    """The GB 32100-2015 check character (position 18) for the first 17 characters."""
    total = sum(_CREDIT_VALUES[ch] * w for ch, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def normalise_credit_code(value: str) -> str:
    """Upper-cased, spaces removed, 18 characters of the GB 32100 alphabet with a correct check character."""
    code = _compact(value).upper()
    if len(code) != 18:
        raise ValueError("统一社会信用代码应为18位")
    if any(ch not in _CREDIT_VALUES for ch in code):
        raise ValueError("统一社会信用代码只能包含数字和大写字母（不含I、O、Z、S、V）")
    if not _CREDIT_SHAPE.match(code):
        # Positions 3–8 are the administrative division code of the registering authority.
        raise ValueError("统一社会信用代码第3至8位应为数字（登记管理机关行政区划码）")
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValueError("统一社会信用代码校验位不正确，请核对后重新输入")
    return code
