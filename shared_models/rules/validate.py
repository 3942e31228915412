"""The generic field checks: one FieldSpec against one raw value, and a whole tuple of fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared_models.reference import division
from shared_models.rules.dates import date_error, month_error, parse_date, parse_month
from shared_models.rules.fields import FieldSpec, StepResult
from shared_models.rules.text import clean, has_control_chars

TRUE_VALUES = frozenset({"1", "y", "yes", "on", "true", "是"})


@dataclass(frozen=True)
class Context:
    """What date rules need: today, and the birth date when it is known."""

    today: date
    born: date | None = None


def raw_text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if isinstance(value, bool):
        return "1" if value else ""
    return clean(value)


def missing_message(spec: FieldSpec) -> str:
    if spec.required_message:
        return spec.required_message
    verb = "填写" if spec.kind in ("text", "date", "month") else "选择"
    return f"请{verb}{spec.name}"


def check_value(spec: FieldSpec, value: str, ctx: Context) -> tuple[Any, str | None]:
    """(stored value, None) or (None, message) for a non-empty, stripped value."""
    if has_control_chars(value):
        return None, f"{spec.name}不能包含控制字符"
    if spec.kind == "bool":
        return (True, None) if value.lower() in TRUE_VALUES else (None, missing_message(spec))
    if spec.kind == "enum":
        if value not in dict(spec.choices):
            return None, f"请从列表中选择{spec.name}"
        return value, None
    if spec.kind == "region":
        if division(value) is None:
            return None, f"请从列表中选择{spec.name}"
        return value, None
    if spec.kind == "date":
        return _check_date(spec, value, ctx)
    if spec.kind == "month":
        return _check_month(spec, value, ctx)
    return _check_text(spec, value)


def _check_text(spec: FieldSpec, value: str) -> tuple[Any, str | None]:
    if spec.max_len is not None and len(value) > spec.max_len:
        return None, f"{spec.name}不能超过{spec.max_len}个字"
    if spec.normalise is not None:
        try:
            return spec.normalise(value), None
        except ValueError as exc:
            return None, str(exc)
    return value, None


def _check_date(spec: FieldSpec, value: str, ctx: Context) -> tuple[Any, str | None]:
    day = parse_date(value)
    if day is None:
        return None, f"{spec.name}格式不正确，应为年-月-日，如2020-07-01"
    message = date_error(day, spec.name, today=ctx.today, born=ctx.born, min_age=spec.min_age)
    return (None, message) if message else (day.isoformat(), None)


def _check_month(spec: FieldSpec, value: str, ctx: Context) -> tuple[Any, str | None]:
    month = parse_month(value)
    if month is None:
        return None, f"{spec.name}格式不正确，应为年-月，如2020-07"
    message = month_error(month, spec.name, today=ctx.today, born=ctx.born, min_age=spec.min_age)
    return (None, message) if message else (month.strftime("%Y-%m"), None)


def applicable(fields: tuple[FieldSpec, ...], context: Mapping[str, Any]) -> list[FieldSpec]:
    """The editable fields whose condition holds for `context` (validated unconditional values)."""
    return [f for f in fields if not f.readonly and (f.when is None or f.when(context))]


def validate_fields(
    fields: tuple[FieldSpec, ...], raw: Mapping[str, Any], ctx: Context, *, partial: bool
) -> StepResult:
    """Validate unconditional fields first, then the conditional ones in their light.

    A field whose condition does not hold is dropped (never stored), whatever was posted for it.
    `partial` (保存): empty values are no error, invalid values are still reported and not kept."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for phase in ("unconditional", "conditional"):
        pool = [f for f in fields if (f.when is None) == (phase == "unconditional")]
        for spec in applicable(tuple(pool), data):
            value = raw_text(raw, spec.key)
            if not value:
                if spec.required and not partial:
                    errors[spec.key] = missing_message(spec)
                continue
            stored, message = check_value(spec, value, ctx)
            if message:
                errors[spec.key] = message
            else:
                data[spec.key] = stored
    order = {f.key: i for i, f in enumerate(fields)}
    return StepResult(
        data=dict(sorted(data.items(), key=lambda kv: order[kv[0]])),
        errors=dict(sorted(errors.items(), key=lambda kv: order[kv[0]])),
    )
