"""Step 5 (education — 学历信息): the highest full-time education and an optional part-time one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared_models.rules import enums
from shared_models.rules.fields import Condition, FieldSpec

SCHOOL_MAX = 100
MAJOR_MAX = 100
CERT_NO_MAX = 50
FULLTIME, PARTTIME = "fulltime", "parttime"
GROUP_LABELS = {FULLTIME: "全日制", PARTTIME: "非全日制"}
FULLTIME_HELP = "全日制最高学历：已取得毕业证书的最高全日制学历"


def has_parttime(values: Mapping[str, Any]) -> bool:
    return values.get("has_parttime") == enums.YES


def _group(prefix: str, when: Condition | None) -> tuple[FieldSpec, ...]:
    group = GROUP_LABELS[prefix]

    def spec(suffix: str, label: str, kind: str, **kwargs: Any) -> FieldSpec:
        return FieldSpec(f"{prefix}_{suffix}", label, kind, when=when, message_label=f"{group}{label}", **kwargs)

    return (
        spec("education", "学历", "enum", choices=enums.EDUCATIONS),
        spec("degree", "学位", "enum", choices=enums.DEGREES),
        spec("school", "毕业院校", "text", max_len=SCHOOL_MAX),
        spec("major", "所学专业", "text", max_len=MAJOR_MAX, hint="高中及以下学历可填写“其他”"),
        spec("graduated_on", "毕业时间", "date", min_age=16),
        spec("certificate_no", "毕业证书编号", "text", max_len=CERT_NO_MAX, required=False),
    )


FIELDS: tuple[FieldSpec, ...] = (
    *_group(FULLTIME, None),
    FieldSpec("has_parttime", "是否有非全日制学历", "enum", choices=enums.YES_NO),
    *_group(PARTTIME, has_parttime),
)


def group_of(key: str) -> str | None:
    """fulltime / parttime for a prefixed key (the summary shows the two groups apart)."""
    prefix = key.split("_", 1)[0]
    return prefix if prefix in GROUP_LABELS else None
