"""Shared test data for the tests of shared_models.rules (applicants, a complete valid record)."""

from __future__ import annotations

from datetime import date

from shared_models.rules.identity import check_digit
from shared_models.rules.wizard import Applicant

TODAY = date(2026, 11, 28)
# Born 1990-03-07, male (17th digit 3 is odd): 16th birthday 2006-03-07.
ID_1990 = "14010519900307123" + check_digit("14010519900307123")
BORN = date(1990, 3, 7)
SIXTEENTH = date(2006, 3, 7)


def card_applicant(**overrides) -> Applicant:
    values = dict(id_type="居民身份证", id_number=ID_1990, name="张三", email="zhangsan@example.com", today=TODAY)
    values.update(overrides)
    return Applicant(**values)


def passport_applicant(**overrides) -> Applicant:
    values = dict(id_type="护照", id_number="E12345678", name="李四", email="lisi@example.com", today=TODAY)
    values.update(overrides)
    return Applicant(**values)


BASICS = {
    "country": "中国",
    "ethnicity": "01",
    "political_status": "13",
    "phone": "13812345678",
    "email": "zhangsan@example.com",
    "address": "山西省太原市小店区某某路1号",
    "postal_code": "030000",
    "region_code": "140105",
}
QUALIFICATION = {
    "title": "会计师",
    "title_appointed_on": "2015-06-01",
    "qualification_level": "中级",
    "qualification_type": "会计",
    "qualification_method": "考试",
    "qualification_cert_no": "Z2014001",
    "qualification_obtained_on": "2014-09-20",
}
EDUCATION = {
    "fulltime_education": "大学本科",
    "fulltime_degree": "学士",
    "fulltime_school": "山西财经大学",
    "fulltime_major": "会计学",
    "fulltime_graduated_on": "2012-07-01",
    "fulltime_certificate_no": "101251201205001234",
    "has_parttime": "否",
}
PARTTIME = {
    "has_parttime": "是",
    "parttime_education": "硕士研究生",
    "parttime_degree": "硕士",
    "parttime_school": "山西大学",
    "parttime_major": "工商管理",
    "parttime_graduated_on": "2018-01-15",
}
EMPLOYED = {
    "work_status": "在职",
    "employer_name": "山西某某有限公司",
    "employer_credit_code": "91350100M000100Y43",
    "employer_type": "企业",
    "accounting_post": "会计核算",
    "employed_since": "2012-08",
}
CERTIFICATES = {"abacus_level": "无级别", "is_cpa": "否"}


def complete_answers(**steps) -> dict:
    answers = {
        "commitment": {"commitment_agreed": True},
        "basics": dict(BASICS),
        "qualification": dict(QUALIFICATION),
        "education": dict(EDUCATION),
        "employer": dict(EMPLOYED),
        "certificates": dict(CERTIFICATES),
    }
    answers.update(steps)
    return answers
