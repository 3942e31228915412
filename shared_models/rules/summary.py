"""The check-answers summary (step 9) and the review desk's display of a record: Chinese display values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared_models.reference import region_full_name
from shared_models.rules.catalogue import derived_values, fields_for
from shared_models.rules.dates import format_date, format_month
from shared_models.rules.fields import Applicant, FieldSpec, Slot
from shared_models.rules.slots import attachment_slots, photo_slots
from shared_models.rules.validate import Context, applicable, validate_fields
from shared_models.steps import STEPS, Step

EMPTY = "未填写"
Row = tuple[str, str, str]


def display_value(spec: FieldSpec, value: Any) -> str:
    """The Chinese text shown for a stored value ("未填写" when empty)."""
    if value is None or value == "" or value is False:
        return EMPTY
    if spec.kind == "bool":
        return "已勾选同意"
    if spec.kind == "enum":
        return spec.choice_label(value)
    if spec.kind == "region":
        return region_full_name(str(value)) or str(value)
    if spec.kind == "date":
        return format_date(str(value))
    if spec.kind == "month":
        return format_month(str(value))
    return str(value)


def _field_rows(step: str, data: Mapping[str, Any], applicant: Applicant) -> list[Row]:
    fields = fields_for(step, applicant)
    values = dict(data)
    if step == "basics":
        values.update(name=applicant.name, id_type=applicant.id_type, id_number=applicant.id_number)
        values.update(derived_values(applicant))
    # Which conditional fields apply follows from the saved unconditional answers.
    context = validate_fields(
        tuple(f for f in fields if f.when is None and not f.readonly), values, Context(applicant.today), partial=True
    ).data
    shown = {f.key for f in applicable(fields, context)}
    return [
        (f.key, f.name, display_value(f, values.get(f.key)))
        for f in fields
        if f.readonly or f.key in shown
    ]


def _slot_rows(slots: list[Slot], counts: Mapping[str, int]) -> list[Row]:
    rows = []
    for slot in slots:
        count = int(counts.get(slot.key, 0) or 0)
        rows.append((slot.key, slot.label, f"已上传{count}张" if count else "未上传"))
    return rows


def summary(
    answers: Mapping[str, Mapping[str, Any]],
    applicant: Applicant,
    attachment_counts: Mapping[str, int] | None = None,
) -> list[tuple[Step, list[Row]]]:
    """Every answer grouped by step: [(Step, [(key, label, display value)])].

    Steps 2 and 8 (uploads) are included when `attachment_counts` is given ("已上传N张" / "未上传");
    step 9 has no answers to show. Education labels carry their group (全日制毕业院校, 非全日制学历)."""
    groups: list[tuple[Step, list[Row]]] = []
    for step in STEPS:
        if step.slug == "photos":
            if attachment_counts is not None:
                groups.append((step, _slot_rows(photo_slots(applicant), attachment_counts)))
        elif step.slug == "attachments":
            if attachment_counts is not None:
                groups.append((step, _slot_rows(attachment_slots(answers, applicant), attachment_counts)))
        elif step.slug != "submit":
            groups.append((step, _field_rows(step.slug, answers.get(step.slug) or {}, applicant)))
    return groups
