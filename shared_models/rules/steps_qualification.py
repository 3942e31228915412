"""Step 4 (qualification — 专业技术资格): title and professional qualification."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared_models.rules import enums
from shared_models.rules.fields import FieldSpec

CERT_NO_MAX = 50
HELP = "会计从业资格证书不属于专业技术资格（职称）证书"


def has_title(values: Mapping[str, Any]) -> bool:
    return values.get("title") not in (None, "", enums.TITLE_NONE)


def has_qualification(values: Mapping[str, Any]) -> bool:
    return values.get("qualification_level") not in (None, "", enums.LEVEL_NONE)


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("title", "会计专业技术职务", "enum", choices=enums.TITLES),
    FieldSpec("title_appointed_on", "会计专业技术职务聘任时间", "date", when=has_title, min_age=16),
    FieldSpec("qualification_level", "专业技术资格级别", "enum", choices=enums.QUALIFICATION_LEVELS, hint=HELP),
    FieldSpec(
        "qualification_type", "专业技术资格类型", "enum",
        choices=enums.editable("qualification_type"), when=has_qualification,
    ),
    FieldSpec(
        "qualification_method", "专业技术资格取得方式", "enum",
        choices=enums.editable("qualification_method"), when=has_qualification,
    ),
    FieldSpec(
        "qualification_cert_no", "专业技术资格证书号或批文号", "text",
        max_len=CERT_NO_MAX, when=has_qualification,
    ),
    FieldSpec("qualification_obtained_on", "专业技术资格取得时间", "date", when=has_qualification, min_age=16),
)
