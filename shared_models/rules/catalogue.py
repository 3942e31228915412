"""The catalogue of the wizard's fields per step, and the per-applicant view of it (read-only identity)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from shared_models.rules import (
    enums,
    steps_basics,
    steps_certificates,
    steps_education,
    steps_employer,
    steps_qualification,
)
from shared_models.rules.fields import Applicant, FieldSpec

COMMITMENT_FIELDS = (
    FieldSpec(
        "commitment_agreed", "我已阅读并承诺所填信息真实、准确、完整", "bool",
        required_message="请阅读承诺书并勾选“我已阅读并承诺所填信息真实、准确、完整”",
    ),
)
SUBMIT_FIELDS = (
    FieldSpec(
        "final_agreed", "我已阅读并承诺所填信息真实、准确、完整", "bool",
        required_message="请再次阅读承诺书并勾选同意后提交",
    ),
)

FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "commitment": COMMITMENT_FIELDS,
    "photos": (),
    "basics": steps_basics.FIELDS,
    "qualification": steps_qualification.FIELDS,
    "education": steps_education.FIELDS,
    "employer": steps_employer.FIELDS,
    "certificates": steps_certificates.FIELDS,
    "attachments": (),
    "submit": SUBMIT_FIELDS,
}
# Step-level help texts of the spec.
STEP_HELP: dict[str, str] = {
    "qualification": steps_qualification.HELP,
    "education": steps_education.FULLTIME_HELP,
}
DATA_STEPS = ("basics", "qualification", "education", "employer", "certificates")


def _fields(step: str) -> tuple[FieldSpec, ...]:
    if step not in FIELDS:
        raise KeyError(f"unknown step {step!r}")
    return FIELDS[step]


def derived_values(applicant: Applicant) -> dict[str, Any]:
    """birth_date (ISO) and gender read from an 18-digit number; {} for the other document types."""
    if not applicant.derives_identity:
        return {}
    born = applicant.derived_birth_date
    return {"birth_date": born.isoformat() if born else None, "gender": applicant.derived_gender}


def fields_for(step: str, applicant: Applicant) -> tuple[FieldSpec, ...]:
    """FIELDS[step] with birth_date/gender marked read-only when they are derived from the ID number."""
    fields = _fields(step)
    if step != "basics" or not applicant.derives_identity:
        return fields
    return tuple(replace(f, readonly=True) if f.key in steps_basics.DERIVED_FIELDS else f for f in fields)


def initial_values(step: str, applicant: Applicant) -> dict[str, Any]:
    """What an empty form shows: defaults (country 中国), the account's e-mail, the read-only values."""
    if step != "basics":
        return {}
    values: dict[str, Any] = {"name": applicant.name, "id_type": applicant.id_type, "id_number": applicant.id_number}
    values.update(derived_values(applicant))
    values.update({"country": enums.CHINA, "email": applicant.email})
    return values


