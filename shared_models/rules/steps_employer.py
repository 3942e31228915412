"""Step 6 (employer — 工作单位): employed (在职), studying (在读) or unemployed (待业)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared_models.rules import enums
from shared_models.rules.fields import FieldSpec
from shared_models.rules.formats import normalise_credit_code

EMPLOYER_NAME_MAX = 100
SCHOOL_NAME_MAX = 100


def employed(values: Mapping[str, Any]) -> bool:
    return values.get("work_status") == enums.EMPLOYED


def studying(values: Mapping[str, Any]) -> bool:
    return values.get("work_status") == enums.STUDYING


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("work_status", "工作状态", "enum", choices=enums.WORK_STATUSES, hint="无工作单位的请选“待业”"),
    FieldSpec("employer_name", "工作单位名称", "text", max_len=EMPLOYER_NAME_MAX, when=employed),
    FieldSpec(
        "employer_credit_code", "统一社会信用代码", "text", max_len=18, when=employed,
        normalise=normalise_credit_code, hint="18位，见单位营业执照或登记证书",
    ),
    FieldSpec("employer_type", "单位性质", "enum", choices=enums.EMPLOYER_TYPES, when=employed),
    FieldSpec("accounting_post", "会计岗位", "enum", choices=enums.editable("accounting_post"), when=employed),
    # Month-only: people know the month they started, rarely the day (see docs in wizard.py).
    FieldSpec("employed_since", "入职时间", "month", when=employed, min_age=16),
    FieldSpec("school_name", "在读学校", "text", max_len=SCHOOL_NAME_MAX, when=studying),
    FieldSpec("enrolled_on", "入学时间", "month", when=studying, min_age=0),
)
