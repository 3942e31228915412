"""Step 3 (basics — 基础信息): personal and contact data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared_models.rules import enums
from shared_models.rules.fields import FieldSpec
from shared_models.rules.formats import normalise_contact_email, normalise_phone, normalise_postal_code

ADDRESS_MAX = 200
REGION_HINT = "以工作单位为准；在校学生选择学籍地；其他人员选择户籍地"


def _in_china(values: Mapping[str, Any]) -> bool:
    return values.get("country") == enums.CHINA


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "姓名", "text", readonly=True, hint="确认与实际相符"),
    FieldSpec("id_type", "证件类型", "enum", choices=enums.ID_TYPE_CHOICES, readonly=True),
    FieldSpec("id_number", "证件号码", "text", readonly=True),
    # birth_date and gender become read-only for 18-digit documents (see wizard.fields_for).
    FieldSpec("birth_date", "出生日期", "date", placeholder="如1990-07-01"),
    FieldSpec("gender", "性别", "enum", choices=enums.GENDERS),
    FieldSpec("country", "所属国家或地区", "enum", choices=enums.country_choices(), default=enums.CHINA),
    FieldSpec("ethnicity", "民族", "enum", choices=enums.ethnicity_choices(), when=_in_china),
    FieldSpec("political_status", "政治面貌", "enum", choices=enums.political_status_choices()),
    FieldSpec(
        "phone", "联系电话", "text", max_len=20, normalise=normalise_phone,
        hint="手机号码或带区号的固定电话", placeholder="如13812345678",
    ),
    FieldSpec("email", "电子邮箱", "text", max_len=254, normalise=normalise_contact_email),
    FieldSpec("address", "通信地址", "text", max_len=ADDRESS_MAX),
    FieldSpec("postal_code", "邮政编码", "text", max_len=6, normalise=normalise_postal_code),
    FieldSpec("region_code", "所属行政区划", "region", hint=REGION_HINT),
)

# Shown from the account, never posted or stored in the section.
ACCOUNT_FIELDS = ("name", "id_type", "id_number")
DERIVED_FIELDS = ("birth_date", "gender")
