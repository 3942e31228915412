"""The "Accounts" rules of the spec: registration fields."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared_models.rules.identity import ID_CARD, ID_TYPES, IdentityError, validate_id_number
from shared_models.rules.passwords import password_errors
from shared_models.rules.text import clean, normalise_email, text_error

NAME_MAX = 50


def validate_registration(raw: dict[str, Any], today: date | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Return (cleaned values, field -> message). Cleaned values are only meaningful without errors."""
    errors: dict[str, str] = {}
    data: dict[str, str] = {}
    id_type = clean(raw.get("id_type")) or ID_CARD
    if id_type not in ID_TYPES:
        errors["id_type"] = "请选择有效身份证件类型"
    data["id_type"] = id_type
    try:
        data["id_number"] = validate_id_number(id_type, raw.get("id_number"), today)
    except IdentityError as exc:
        errors["id_number"] = exc.message
        data["id_number"] = clean(raw.get("id_number")).upper()
    data["name"] = clean(raw.get("name"))
    message = text_error(data["name"], "姓名", max_len=NAME_MAX)
    if message:
        errors["name"] = message
    try:
        data["email"] = normalise_email(clean(raw.get("email")))
    except ValueError as exc:
        errors["email"] = str(exc)
    password = raw.get("password") or ""
    errors.update(password_errors(password, raw.get("password_confirm") or "", data["id_number"]))
    data["password"] = password
    return data, errors
