"""The wizard facade: catalogue, dictionaries, slots, whole-record check and the summary."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from shared_models.rules import enums
from shared_models.rules.fields import BEIJING, beijing_today
from shared_models.rules.slots import slot_errors
from shared_models.rules.wizard import (
    FIELDS,
    Applicant,
    attachment_slots,
    check_application,
    derived_values,
    fields_for,
    initial_values,
    photo_slots,
    summary,
    validate_step,
)
from shared_models.steps import SLUGS
from tests.rules_helpers import (
    BASICS,
    CERTIFICATES,
    PARTTIME,
    TODAY,
    card_applicant,
    complete_answers,
    passport_applicant,
)

CARD = card_applicant()
SPEC_KEYS = {
    "commitment": ["commitment_agreed"],
    "photos": [],
    "basics": ["name", "id_type", "id_number", "birth_date", "gender", "country", "ethnicity", "political_status",
               "phone", "email", "address", "postal_code", "region_code"],
    "qualification": ["title", "title_appointed_on", "qualification_level", "qualification_type",
                      "qualification_method", "qualification_cert_no", "qualification_obtained_on"],
    "education": [f"{p}_{s}" for p in ("fulltime",) for s in
                  ("education", "degree", "school", "major", "graduated_on", "certificate_no")]
    + ["has_parttime"]
    + [f"parttime_{s}" for s in ("education", "degree", "school", "major", "graduated_on", "certificate_no")],
    "employer": ["work_status", "employer_name", "employer_credit_code", "employer_type", "accounting_post",
                 "employed_since", "school_name", "enrolled_on"],
    "certificates": ["abacus_level", "abacus_cert_no", "is_cpa", "cpa_practicing", "cpa_obtained_on", "cpa_cert_no"],
    "attachments": [],
    "submit": ["final_agreed"],
}
ALL_SLOTS = {"portrait": 1, "id_front": 1, "id_back": 1, "fulltime_diploma": 2, "qualification_cert": 1,
             "title_appointment": 1, "work_proof": 1}


def test_catalogue_has_every_step_and_field_of_the_spec():
    assert list(FIELDS) == list(SLUGS)
    assert {step: [f.key for f in fields] for step, fields in FIELDS.items()} == SPEC_KEYS
    for fields in FIELDS.values():
        for spec in fields:
            assert spec.kind in ("text", "date", "month", "enum", "bool", "region")
            assert (spec.kind == "enum") == bool(spec.choices), spec.key


def test_dictionaries():
    assert len(enums.ethnicity_choices()) == 58
    assert enums.ethnicity_choices()[0] == ("01", "汉族")
    assert dict(enums.ethnicity_choices())["98"] == "外国血统中国籍人士"
    assert len(enums.political_status_choices()) == 13
    countries = [value for value, _ in enums.country_choices()]
    assert countries[0] == "中国"
    assert len(countries) == len(set(countries)) >= 240
    assert {"美国", "日本", "中国香港", "中国澳门", "中国台湾"} <= set(countries)
    assert [v for v, _ in enums.editable("qualification_type")] == ["会计", "审计", "统计", "经济(财政税收)", "其他"]
    assert [v for v, _ in enums.editable("qualification_method")] == ["考试", "考评结合", "评审", "认定", "其他"]
    assert len(enums.editable("accounting_post")) == 6


def test_applicant_from_account():
    account = SimpleNamespace(id_type="护照", id_number="E1", name="李四", email=None)
    applicant = Applicant.from_account(account, today=TODAY)
    assert applicant == Applicant("护照", "E1", "李四", "", TODAY)
    assert Applicant.from_account(account).today == beijing_today()


def test_today_is_the_date_in_china():
    """00:30 in Beijing is still yesterday in UTC: a date typed then must not count as being in the future."""
    assert beijing_today() == (datetime.now(UTC) + timedelta(hours=8)).date()
    assert BEIJING.utcoffset(None) == timedelta(hours=8)
    assert Applicant("护照", "E1", "李四", "").today == beijing_today()


def test_derived_values():
    assert derived_values(CARD) == {"birth_date": "1990-03-07", "gender": "男"}
    assert derived_values(passport_applicant()) == {}
    # An 18-digit number whose birth date is not a date derives nothing (and the fields are editable).
    broken = card_applicant(id_number="140105199002301234")
    assert derived_values(broken) == {}
    assert not any(f.readonly for f in fields_for("basics", broken) if f.key in ("birth_date", "gender"))


def test_fields_for_marks_derived_fields_read_only():
    readonly = {f.key for f in fields_for("basics", CARD) if f.readonly}
    assert readonly == {"name", "id_type", "id_number", "birth_date", "gender"}
    readonly = {f.key for f in fields_for("basics", passport_applicant()) if f.readonly}
    assert readonly == {"name", "id_type", "id_number"}
    with pytest.raises(KeyError):
        fields_for("nope", CARD)


def test_initial_values():
    values = initial_values("basics", CARD)
    assert values["country"] == "中国"
    assert values["email"] == "zhangsan@example.com"
    assert values["birth_date"] == "1990-03-07"
    assert initial_values("education", CARD) == {}


def test_commitment_and_final_agreement():
    assert validate_step("commitment", {"commitment_agreed": "y"}, CARD, {}).data == {"commitment_agreed": True}
    assert validate_step("commitment", {}, CARD, {}).errors == {
        "commitment_agreed": "请阅读承诺书并勾选“我已阅读并承诺所填信息真实、准确、完整”"
    }
    assert validate_step("submit", {"final_agreed": "no"}, CARD, {}).errors == {
        "final_agreed": "请再次阅读承诺书并勾选同意后提交"
    }


@pytest.mark.parametrize(
    ("id_type", "slots"),
    [
        ("居民身份证", ["portrait", "id_front", "id_back"]),
        ("港澳台居民居住证", ["portrait", "id_front", "id_back"]),
        ("外国人永久居留身份证", ["portrait", "id_front", "id_back"]),
        ("港澳居民来往内地通行证", ["portrait", "id_front"]),
        ("台湾居民来往大陆通行证", ["portrait", "id_front"]),
        ("护照", ["portrait", "id_front"]),
    ],
)
def test_photo_slots(id_type, slots):
    result = photo_slots(card_applicant(id_type=id_type))
    assert [s.key for s in result] == slots
    assert all(s.required and s.max_files == 1 for s in result)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, ["fulltime_diploma", "qualification_cert", "title_appointment", "work_proof"]),
        ({"education": PARTTIME}, ["fulltime_diploma", "parttime_diploma", "qualification_cert",
                                   "title_appointment", "work_proof"]),
        ({"qualification": {"title": "无职务", "qualification_level": "无"}}, ["fulltime_diploma", "work_proof"]),
        ({"qualification": {"title": "会计员", "qualification_level": "无"}},
         ["fulltime_diploma", "title_appointment", "work_proof"]),
        ({"employer": {"work_status": "在读"}},
         ["fulltime_diploma", "qualification_cert", "title_appointment", "student_card"]),
        ({"employer": {"work_status": "待业"}},
         ["fulltime_diploma", "qualification_cert", "title_appointment", "residence_proof"]),
        ({"certificates": {"is_cpa": "是", "abacus_level": "能手一级"}},
         ["fulltime_diploma", "qualification_cert", "title_appointment", "work_proof", "cpa_cert", "abacus_cert"]),
    ],
)
def test_attachment_slots_follow_the_answers(changes, expected):
    answers = complete_answers(**changes)
    assert [s.key for s in attachment_slots(answers, CARD)] == expected


def test_title_appointment_is_the_only_optional_slot():
    answers = complete_answers(education=PARTTIME, certificates={"is_cpa": "是", "abacus_level": "普通一级"})
    optional = [s.key for s in attachment_slots(answers, CARD) if not s.required]
    assert optional == ["title_appointment"]
    assert [s.key for s in attachment_slots({}, CARD)] == ["fulltime_diploma"]


def test_slot_errors():
    slots = attachment_slots(complete_answers(), CARD)
    assert slot_errors(slots, {"fulltime_diploma": 5, "qualification_cert": 1, "work_proof": 1}) == {}
    assert slot_errors(slots, {"fulltime_diploma": 6, "qualification_cert": 0}) == {
        "fulltime_diploma": "全日制最高学历毕业证书最多上传5张",
        "qualification_cert": "请上传专业技术资格证书",
        "work_proof": "请上传工作证明",
    }
    assert slot_errors(slots, {**ALL_SLOTS, "title_appointment": 6}) == {
        "title_appointment": "专业技术职务聘任证明最多上传5张"
    }


def test_complete_record_passes():
    assert check_application(complete_answers(), ALL_SLOTS, CARD) == {}


@pytest.mark.parametrize(
    ("employer", "slot"),
    [({"work_status": "在读", "school_name": "山西大学", "enrolled_on": "2024-09"}, "student_card"),
     ({"work_status": "待业"}, "residence_proof")],
)
def test_complete_record_for_each_work_status(employer, slot):
    counts = {**{k: v for k, v in ALL_SLOTS.items() if k != "work_proof"}, slot: 1}
    assert check_application(complete_answers(employer=employer), counts, CARD) == {}
    # Files left in a slot that no longer applies are no error (they are not part of the record).
    assert check_application(complete_answers(employer=employer), {**counts, "work_proof": 3}, CARD) == {}


def test_check_application_reports_by_step_in_wizard_order():
    answers = complete_answers(commitment={}, basics={**BASICS, "postal_code": "1"},
                               certificates={**CERTIFICATES, "is_cpa": "是"})
    problems = check_application(answers, {"fulltime_diploma": 1}, CARD)
    assert list(problems) == ["commitment", "photos", "basics", "certificates", "attachments"]
    assert problems["photos"] == {"portrait": "请上传本人近期一寸免冠证件照", "id_front": "请上传证件人像面",
                                  "id_back": "请上传证件国徽面"}
    assert problems["basics"] == {"postal_code": "邮政编码应为6位数字"}
    assert problems["certificates"] == {"cpa_practicing": "请选择是否执业",
                                        "cpa_obtained_on": "请填写取得注册会计师资格时间"}
    assert set(problems["attachments"]) == {"qualification_cert", "work_proof", "cpa_cert"}


def test_check_application_applies_cross_step_birth_date_for_other_documents():
    passport = passport_applicant()
    answers = complete_answers(basics={**BASICS, "birth_date": "2000-01-01", "gender": "女"})
    problems = check_application(answers, {k: v for k, v in ALL_SLOTS.items() if k != "id_back"}, passport)
    assert problems == {
        "qualification": {
            "title_appointed_on": "会计专业技术职务聘任时间应在年满16周岁之后",
            "qualification_obtained_on": "专业技术资格取得时间应在年满16周岁之后",
        },
        "education": {"fulltime_graduated_on": "全日制毕业时间应在年满16周岁之后"},
        "employer": {"employed_since": "入职时间应在年满16周岁之后"},
    }


def test_check_application_of_an_empty_record():
    problems = check_application({}, {}, CARD)
    assert list(problems) == ["commitment", "photos", "basics", "qualification", "education", "employer",
                              "certificates", "attachments"]


def test_summary_display_values():
    answers = complete_answers()
    answers["education"].pop("fulltime_certificate_no")
    groups = dict((step.slug, rows) for step, rows in summary(answers, CARD))
    assert list(groups) == ["commitment", "basics", "qualification", "education", "employer", "certificates"]
    basics = {key: (label, value) for key, label, value in groups["basics"]}
    assert basics["name"] == ("姓名", "张三")
    assert basics["id_number"] == ("证件号码", CARD.id_number)
    assert basics["birth_date"] == ("出生日期", "1990年3月7日")
    assert basics["gender"] == ("性别", "男")
    assert basics["ethnicity"] == ("民族", "汉族")
    assert basics["political_status"] == ("政治面貌", "群众")
    assert basics["region_code"] == ("所属行政区划", "山西省太原市小店区")
    education = {key: (label, value) for key, label, value in groups["education"]}
    assert education["fulltime_certificate_no"] == ("全日制毕业证书编号", "未填写")
    assert education["has_parttime"][1] == "否"
    assert "parttime_school" not in education  # does not apply
    employer = {key: value for key, _, value in groups["employer"]}
    assert employer["employed_since"] == "2012年8月"
    assert "school_name" not in employer
    assert groups["commitment"] == [("commitment_agreed", "我已阅读并承诺所填信息真实、准确、完整", "已勾选同意")]


def test_summary_with_upload_counts_and_region_levels():
    answers = complete_answers(basics={**BASICS, "region_code": "140100", "country": "日本", "ethnicity": "01"})
    groups = dict((step.slug, rows) for step, rows in summary(answers, passport_applicant(), {"portrait": 1}))
    basics = {key: value for key, _, value in groups["basics"]}
    assert basics["region_code"] == "山西省太原市（市直）"
    assert "ethnicity" not in basics
    assert basics["birth_date"] == "未填写"
    assert groups["photos"] == [
        ("portrait", "本人近期一寸免冠证件照", "已上传1张"),
        ("id_front", "证件人像面", "未上传"),
    ]
    assert [key for key, _, _ in groups["attachments"]] == [
        "fulltime_diploma", "qualification_cert", "title_appointment", "work_proof",
    ]
