"""Step 7 (certificates — 其他证书): abacus level and CPA."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared_models.rules import enums
from shared_models.rules.fields import FieldSpec

CERT_NO_MAX = 50


def has_abacus(values: Mapping[str, Any]) -> bool:
    return values.get("abacus_level") not in (None, "", enums.ABACUS_NONE)


def is_cpa(values: Mapping[str, Any]) -> bool:
    return values.get("is_cpa") == enums.YES


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("abacus_level", "珠算等级", "enum", choices=enums.editable("abacus_level")),
    FieldSpec("abacus_cert_no", "珠算证号", "text", max_len=CERT_NO_MAX, when=has_abacus),
    FieldSpec("is_cpa", "是否注册会计师", "enum", choices=enums.YES_NO),
    FieldSpec("cpa_practicing", "是否执业", "enum", choices=enums.YES_NO, when=is_cpa),
    FieldSpec("cpa_obtained_on", "取得注册会计师资格时间", "date", when=is_cpa, min_age=16),
    FieldSpec("cpa_cert_no", "全科合格证书编号", "text", max_len=CERT_NO_MAX, when=is_cpa, required=False),
)
