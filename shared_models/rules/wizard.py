"""The rules of the nine wizard steps (collection-form.md): the one API the web wizard and the review desk use.

Values: text as stripped strings; enums as their stored value (民族/政治面貌: the GB code, the rest: the
Chinese word itself, e.g. "在职", "是"); dates "YYYY-MM-DD"; month-only fields "YYYY-MM"; check boxes True.

Month-only fields: employed_since (入职时间) and enrolled_on (入学时间), which people know to the month.
Every other date is printed on a document (certificate, diploma, appointment letter) and is a full date.
The 16th-birthday rule accepts the birthday itself (and, for a month field, the month of the birthday).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from shared_models.rules.catalogue import (
    DATA_STEPS,
    FIELDS,
    STEP_HELP,
    derived_values,
    fields_for,
    initial_values,
)
from shared_models.rules.dates import parse_date
from shared_models.rules.fields import Applicant, FieldSpec, Slot, StepResult
from shared_models.rules.slots import attachment_slots, photo_slots, slot_errors
from shared_models.rules.summary import summary
from shared_models.rules.validate import Context, applicable, raw_text, validate_fields
from shared_models.steps import SLUGS

__all__ = [
    "FIELDS", "STEP_HELP", "Applicant", "FieldSpec", "Slot", "StepResult", "attachment_slots",
    "birth_date", "check_application", "derived_values", "fields_for", "initial_values", "photo_slots",
    "summary", "validate_partial", "validate_step", "visible_fields",
]


def birth_date(applicant: Applicant, answers: Mapping[str, Mapping[str, Any]]) -> date | None:
    """The birth date for the 16th-birthday rules: from the ID number, else the basics step; None if unknown."""
    return applicant.derived_birth_date or parse_date(str((answers.get("basics") or {}).get("birth_date") or ""))


def _validate(step: str, raw: Mapping[str, Any], applicant: Applicant, answers: Mapping, partial: bool) -> StepResult:
    born = None if step == "basics" else birth_date(applicant, answers)
    result = validate_fields(fields_for(step, applicant), raw, Context(applicant.today, born), partial=partial)
    if step == "basics" and applicant.derives_identity:
        # Read-only values come from the number, whatever was posted.
        result.data.update(derived_values(applicant))
    return result


def validate_step(
    step: str, raw: Mapping[str, Any], applicant: Applicant, answers: Mapping[str, Mapping[str, Any]]
) -> StepResult:
    """继续: every field that applies must be valid; fields that do not apply are dropped."""
    return _validate(step, raw, applicant, answers, partial=False)


def validate_partial(
    step: str, raw: Mapping[str, Any], applicant: Applicant, answers: Mapping[str, Mapping[str, Any]]
) -> StepResult:
    """保存: keep every valid non-empty value that applies; errors only for values present but invalid."""
    return _validate(step, raw, applicant, answers, partial=True)


def visible_fields(step: str, values: Mapping[str, Any], applicant: Applicant) -> list[str]:
    """The keys the page shows for these values (read-only ones included), decided on the server."""
    fields = fields_for(step, applicant)
    merged = {f.key: f.default for f in fields if f.default}
    merged.update({k: v for k, v in values.items() if raw_text(values, k)})
    context = validate_fields(tuple(f for f in fields if f.when is None), merged, Context(applicant.today),
                              partial=True).data
    shown = {f.key for f in applicable(fields, context)}
    return [f.key for f in fields if f.readonly or f.key in shown]


def check_application(
    answers: Mapping[str, Mapping[str, Any]], attachment_counts: Mapping[str, int], applicant: Applicant
) -> dict[str, dict[str, str]]:
    """Re-validate the whole record: {step: {field or slot: message}}; empty when it may be submitted.

    The submit step's final_agreed is posted with 提交审核 and checked there with validate_step("submit")."""
    problems: dict[str, dict[str, str]] = {}
    commitment = validate_step("commitment", answers.get("commitment") or {}, applicant, answers)
    if commitment.errors:
        problems["commitment"] = commitment.errors
    photos = slot_errors(photo_slots(applicant), attachment_counts)
    if photos:
        problems["photos"] = photos
    for step in DATA_STEPS:
        result = validate_step(step, answers.get(step) or {}, applicant, answers)
        if result.errors:
            problems[step] = result.errors
    attachments = slot_errors(attachment_slots(answers, applicant), attachment_counts)
    if attachments:
        problems["attachments"] = attachments
    return {step: problems[step] for step in SLUGS if step in problems}


