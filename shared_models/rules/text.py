"""Text rules shared by every field: strip, no control characters, length limits, e-mail."""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email


def clean(value: object) -> str:
    """Surrounding whitespace stripped; None becomes the empty string."""
    return str(value).strip() if value is not None else ""


def has_control_chars(value: str) -> bool:
    # Cc = control characters; Unicode names (生僻字, ·) are all fine.
    return any(unicodedata.category(ch) == "Cc" for ch in value)


def text_error(value: str, label: str, *, required: bool = True, max_len: int | None = None) -> str | None:
    """The message for a free-text field, or None when it is fine."""
    if not value:
        return f"请填写{label}" if required else None
    if has_control_chars(value):
        return f"{label}不能包含控制字符"
    if max_len is not None and len(value) > max_len:
        return f"{label}不能超过{max_len}个字"
    return None


def normalise_email(value: str) -> str:
    """Return the normalised address or raise ValueError with the Chinese message."""
    if not value:
        raise ValueError("请填写电子邮箱")
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValueError("电子邮箱格式不正确，例如 zhangsan@example.com") from None
