"""Upload slots: the identity photos (step 2) and the attachments computed from the answers (step 8)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared_models.rules import enums
from shared_models.rules.fields import Applicant, Slot

MAX_FILES = 5
MIN_FILES = 1

PORTRAIT = Slot("portrait", "本人近期一寸免冠证件照", True, max_files=1)
ID_FRONT = Slot("id_front", "证件人像面", True, max_files=1)
ID_BACK = Slot("id_back", "证件国徽面", True, max_files=1)


def photo_slots(applicant: Applicant) -> list[Slot]:
    """portrait and id_front always; id_back only for two-sided documents (身份证, 居住证, 永居证)."""
    slots = [PORTRAIT, ID_FRONT]
    if applicant.two_sided_document:
        slots.append(ID_BACK)
    return slots


def attachment_slots(answers: Mapping[str, Mapping[str, Any]], applicant: Applicant) -> list[Slot]:
    """The attachment slots that apply to these answers, in the order of the spec's table.

    A slot that does not apply is absent (not shown, not accepted). title_appointment is optional."""
    education = answers.get("education") or {}
    qualification = answers.get("qualification") or {}
    employer = answers.get("employer") or {}
    certificates = answers.get("certificates") or {}
    work_status = employer.get("work_status")
    table = (
        (Slot("fulltime_diploma", "全日制最高学历毕业证书", True), True),
        (Slot("parttime_diploma", "非全日制学历证书", True), education.get("has_parttime") == enums.YES),
        (
            Slot("qualification_cert", "专业技术资格证书", True),
            qualification.get("qualification_level") not in (None, "", enums.LEVEL_NONE),
        ),
        (
            Slot("title_appointment", "专业技术职务聘任证明", False),
            qualification.get("title") not in (None, "", enums.TITLE_NONE),
        ),
        (Slot("work_proof", "工作证明（下载模板填写、单位盖章后上传）", True), work_status == enums.EMPLOYED),
        (Slot("student_card", "学生证", True), work_status == enums.STUDYING),
        (Slot("residence_proof", "户口簿或居住证", True), work_status == enums.UNEMPLOYED),
        (Slot("cpa_cert", "注册会计师证书", True), certificates.get("is_cpa") == enums.YES),
        (
            Slot("abacus_cert", "珠算等级证书", True),
            certificates.get("abacus_level") not in (None, "", enums.ABACUS_NONE),
        ),
    )
    return [slot for slot, applies in table if applies]


def slot_errors(slots: list[Slot], counts: Mapping[str, int]) -> dict[str, str]:
    """slot -> message: a required slot without files, or more files than the slot takes."""
    errors: dict[str, str] = {}
    for slot in slots:
        count = int(counts.get(slot.key, 0) or 0)
        name = slot.label.split("（", 1)[0]  # 工作证明（下载模板…）: the instruction is not the name
        if count < MIN_FILES and slot.required:
            errors[slot.key] = f"请上传{name}"
        elif count > slot.max_files:
            errors[slot.key] = f"{name}最多上传{slot.max_files}张"
    return errors
