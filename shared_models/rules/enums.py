"""Every enumeration of collection-form.md in one place, as (value, label) choices.

Fixed lists of the spec are constants here; the lists the spec marks **editable** come from
data/form_enums.json; long official lists (民族, 政治面貌, 国家或地区) come from their data files."""

from __future__ import annotations

from functools import lru_cache

from shared_models.reference import ethnic_groups, load_json, political_statuses
from shared_models.rules.fields import Choices
from shared_models.rules.identity import ID_TYPES

YES, NO = "是", "否"
CHINA = "中国"
TITLE_NONE = "无职务"
LEVEL_NONE = "无"
ABACUS_NONE = "无级别"
EMPLOYED, STUDYING, UNEMPLOYED = "在职", "在读", "待业"


def same(*values: str) -> Choices:
    """Choices whose stored value is the label itself (the short lists of the spec)."""
    return tuple((v, v) for v in values)


YES_NO = same(YES, NO)
GENDERS = same("男", "女")
ID_TYPE_CHOICES = same(*ID_TYPES)
TITLES = same(TITLE_NONE, "会计员", "助理会计师", "会计师", "高级会计师", "正高级会计师")
QUALIFICATION_LEVELS = same(LEVEL_NONE, "初级", "中级", "高级", "正高级")
EDUCATIONS = same("博士研究生", "硕士研究生", "大学本科", "大学专科", "中等专科", "高中", "初中及以下")
DEGREES = same("博士", "硕士", "学士", "无")
WORK_STATUSES = same(EMPLOYED, STUDYING, UNEMPLOYED)
EMPLOYER_TYPES = same("机关", "事业单位", "企业", "社会团体", "其他组织")


@lru_cache(maxsize=1)
def _editable() -> dict[str, list[str]]:
    raw = load_json("form_enums.json")
    return {key: list(values) for key, values in raw.items() if isinstance(values, list)}


def editable(name: str) -> Choices:
    """An editable list of data/form_enums.json (qualification_type, qualification_method, ...)."""
    return same(*_editable()[name])


def ethnicity_choices() -> Choices:
    """GB/T 3304 codes 01–56, then 97 其他 and 98 外国血统中国籍人士; the stored value is the code."""
    return tuple(ethnic_groups().items())


def political_status_choices() -> Choices:
    """GB/T 4762 codes 01–13; the stored value is the code."""
    return tuple(political_statuses().items())


@lru_cache(maxsize=1)
def country_choices() -> Choices:
    """GB/T 2659 countries and regions by Chinese short name, 中国 first; the stored value is the name."""
    names = [entry["name"] for entry in load_json("countries.json")["countries"]]
    return same(*names)
