"""One archive row checked with the shared rules: the account part must be valid, profile values may be partial."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from shared_models.reference import PROVINCE_CODE, divisions, load_json, region_full_name
from shared_models.rules.accounts import NAME_MAX
from shared_models.rules.enums import CHINA
from shared_models.rules.identity import ID_CARD, ID_TYPES, IdentityError, validate_id_number
from shared_models.rules.passwords import initial_password_marker
from shared_models.rules.text import clean, normalise_email, text_error
from shared_models.rules.wizard import FIELDS, Applicant, validate_partial

_LEGACY_DIGEST = re.compile(r"^(md5:[0-9a-f]{32}|sha1:[0-9a-f]{40})$")
ID_TYPE_ALIASES = {"身份证": ID_CARD, "二代身份证": ID_CARD, "居民身份证号": ID_CARD}
DIGEST_MESSAGE = "密码摘要格式不正确：应为“md5:”加32位十六进制、“sha1:”加40位十六进制，或留空表示初始密码"


@dataclass
class ArchiveRow:
    """A row whose account part is valid; `answers` holds only the valid profile values, by step."""

    line: int
    id_type: str
    id_number: str
    name: str
    email: str
    phone: str
    password_hash: str
    initial_password: bool
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def parse_row(
    line: int, raw: dict[str, str], keys: dict[str, str], today: date
) -> tuple[ArchiveRow | None, str | None]:
    """(row, None) for an importable row, (None, Chinese reason) for a refused one."""
    account, reason = _account_part(raw, today)
    if account is None:
        return None, reason
    row = ArchiveRow(line=line, **account)
    if not row.email:
        row.warnings.append("未提供电子邮箱，该账号暂不能通过邮箱找回密码")
    applicant = Applicant(row.id_type, row.id_number, row.name, row.email, today)
    by_step: dict[str, dict[str, str]] = {}
    for key, value in raw.items():
        if key in keys and value:
            by_step.setdefault(keys[key], {})[key] = _as_stored(keys[key], key, value)
    if row.phone:
        by_step.setdefault("basics", {})["phone"] = row.phone
    if "ethnicity" in by_step.get("basics", {}):
        by_step["basics"].setdefault("country", CHINA)  # the form's default: 民族 only applies in China
    for step in (s for s in FIELDS if s in by_step):  # the spec's step order: cross-step rules see earlier steps
        raw_step = by_step[step]
        result = validate_partial(step, raw_step, applicant, row.answers)
        data = {k: v for k, v in result.data.items() if k in raw_step}  # not the values derived from the ID
        if data:
            row.answers[step] = data
        row.warnings += [f"{message}（该项未导入）" for message in result.errors.values()]
        labels = {spec.key: spec.name for spec in FIELDS[step]}
        row.warnings += [
            f"{labels[k]}与其他信息不符（不适用），未导入"
            for k in raw_step
            if k not in result.data and k not in result.errors and k in labels
        ]
    if row.email:  # validated above with the same rule as the basics step's 电子邮箱
        row.answers.setdefault("basics", {})["email"] = row.email
    basics = row.answers.get("basics", {})
    if row.phone and basics.get("phone") != row.phone:
        row.phone = ""  # an invalid phone is reported above and not stored on the account either
    return row, None


def _account_part(raw: dict[str, str], today: date) -> tuple[dict[str, Any] | None, str | None]:
    id_type = clean(raw.get("id_type")) or ID_CARD
    id_type = ID_TYPE_ALIASES.get(id_type, id_type)
    if id_type not in ID_TYPES:
        return None, f"证件类型“{id_type[:20]}”不正确，应为：" + "、".join(ID_TYPES)
    try:
        id_number = validate_id_number(id_type, raw.get("id_number"), today)
    except IdentityError as exc:
        return None, exc.message
    name = clean(raw.get("name"))
    message = text_error(name, "姓名", max_len=NAME_MAX)
    if message:
        return None, message
    email = clean(raw.get("email"))
    if email:
        try:
            email = normalise_email(email)
        except ValueError as exc:
            return None, str(exc)
    digest = clean(raw.get("password_hash")).lower()
    if digest and not _LEGACY_DIGEST.match(digest):
        return None, DIGEST_MESSAGE  # never echo what the column held
    return {
        "id_type": id_type,
        "id_number": id_number,
        "name": name,
        "email": email,
        "phone": clean(raw.get("phone")),
        "password_hash": digest or initial_password_marker(id_number),
        "initial_password": not digest,
    }, None


def _as_stored(step: str, key: str, value: str) -> str:
    """Exports hold labels (汉族, 中共党员, 太原市小店区) where the form stores codes: translate when unambiguous."""
    spec = next((s for s in FIELDS[step] if s.key == key), None)
    if spec is None:
        return value
    if spec.kind == "enum" and spec.choices and value not in {v for v, _ in spec.choices}:
        by_label = {label: v for v, label in spec.choices}
        if key == "political_status":
            by_label.update(_political_short_names())
        return by_label.get(value, value)
    if spec.kind == "region":
        return _region_codes().get(value, value)
    if key == "postal_code" and value.isdigit() and len(value) == 5:
        return value.zfill(6)  # a spreadsheet number cell lost the leading zero (030000 → 30000)
    return value


@lru_cache(maxsize=1)
def _political_short_names() -> dict[str, str]:
    """中共党员 -> 01: the common short forms that exports use."""
    return {p["short"]: p["code"] for p in load_json("political_status.json")["political_status"] if p.get("short")}


@lru_cache(maxsize=1)
def _region_codes() -> dict[str, str]:
    """Full and short division names -> code (山西省太原市小店区, 太原市小店区, 太原市, 山西省)."""
    out: dict[str, str] = {}
    all_divisions = divisions()
    for code, d in all_divisions.items():
        full = region_full_name(code)
        out[full] = code
        province = all_divisions[PROVINCE_CODE].name
        if d.level == "province":
            out[province] = code
        elif d.level == "city":
            out[d.name] = code
            out[province + d.name] = code
        else:
            out[all_divisions[d.city_code].name + d.name] = code
    return out
