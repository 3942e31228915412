"""Thin WTForms adapters over the step fields of shared_models.rules.wizard.FIELDS.

The forms only render fields and carry the CSRF token; every rule (required, formats, conditions, dates)
is checked by validate_step / validate_partial, whose messages are attached with BaseForm.add_errors.
"""

from __future__ import annotations

import contextlib
import itertools
import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField

from portal.forms import BaseForm
from shared_models.reference import PROVINCE_CODE, cities, counties_of, divisions
from shared_models.rules.wizard import FIELDS, Applicant, fields_for, visible_fields

RADIO_MAX_CHOICES = 3  # short lists are radio buttons (one tap); longer ones a select
TEXTAREA_KEYS = frozenset({"address"})  # long free text; everything else is a one-line input
MAX_CONDITION_COMBINATIONS = 400


def _unbound_field(spec) -> Any:
    if spec.kind == "bool" and not spec.choices:
        return BooleanField(spec.label)
    if spec.kind in ("enum", "bool"):
        choices = list(spec.choices)
        if len(choices) <= RADIO_MAX_CHOICES:
            return RadioField(spec.label, choices=choices, validate_choice=False)
        return SelectField(spec.label, choices=[("", "请选择"), *choices], validate_choice=False)
    if spec.kind == "region":
        return SelectField(spec.label, choices=[], validate_choice=False)
    if spec.key in TEXTAREA_KEYS:
        return TextAreaField(spec.label)
    return StringField(spec.label)


@lru_cache(maxsize=16)
def form_class(step: str) -> type[BaseForm]:
    """One form class per step, with a field per FieldSpec (read-only identity fields included)."""
    attrs = {spec.key: _unbound_field(spec) for spec in FIELDS.get(step, ())}
    return type(f"{step.title()}StepForm", (BaseForm,), attrs)


def build_form(step: str, *, formdata=None, values: Mapping[str, Any] | None = None) -> BaseForm:
    """A bound form: from the posted data (keeps exactly what was typed) or from saved/draft values."""
    cls = form_class(step)
    if formdata is not None:
        return cls(formdata=formdata)
    data = {k: _as_form_value(v) for k, v in (values or {}).items()}
    return cls(formdata=None, data=data)


def _as_form_value(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    return "" if value is None else str(value)


def page_specs(step: str, applicant: Applicant) -> list:
    """Every field of the page for this applicant, read-only ones (identity, derived) marked so."""
    return list(fields_for(step, applicant))


class _Recorder(dict):
    """A mapping that records which keys a condition reads (to find what a field depends on)."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        super().__init__(values)
        self.read: set[str] = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.read.add(key)
        return super().__contains__(key)


def _dependencies(spec, choices_of: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The fields a condition reads, found by evaluating it on every combination seen so far."""
    deps: list[str] = []
    for _ in range(3):  # conditions read at most a couple of fields; stop once nothing new is read
        seen = set(deps)
        for combo in itertools.product(*(choices_of.get(d, ("",)) for d in deps)):
            recorder = _Recorder(dict(zip(deps, combo, strict=True)))
            with contextlib.suppress(KeyError, TypeError, ValueError):
                spec.when(recorder)
            seen |= recorder.read
        if seen == set(deps):
            break
        deps = sorted(seen)
    return deps


def conditions(step: str, applicant: Applicant, base: Mapping[str, Any]) -> dict[str, str]:
    """For each conditional field: JSON {deps: [...], show: [[values...], ...]} for the page script.

    Computed with the server's own visible_fields over every combination of the controlling answers, so the
    instant client-side toggling can never disagree with the server.
    """
    specs = fields_for(step, applicant)
    choices_of = {s.key: ("", *(v for v, _ in s.choices)) for s in specs if s.choices}
    out: dict[str, str] = {}
    for spec in specs:
        if spec.when is None:
            continue
        deps = [d for d in _dependencies(spec, choices_of) if d in choices_of]
        combos = list(itertools.product(*(choices_of[d] for d in deps)))
        if not deps or len(combos) > MAX_CONDITION_COMBINATIONS:
            continue
        show = []
        for combo in combos:
            values = {**base, **dict(zip(deps, combo, strict=True))}
            if spec.key in visible_fields(step, values, applicant):
                show.append(list(combo))
        out[spec.key] = json.dumps({"deps": deps, "show": show}, ensure_ascii=False, separators=(",", ":"))
    return out


def region_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped options for the no-JS region select: 山西省 → 省直, then each city → 市直 and its counties."""
    province = divisions()[PROVINCE_CODE]
    groups = [(province.name, [(province.code, f"{province.name}（省直）")])]
    for city in cities():
        options = [(city.code, f"{city.name}（市直）")]
        options += [(county.code, county.name) for county in counties_of(city.code)]
        groups.append((city.name, options))
    return groups


@lru_cache(maxsize=1)
def region_tree_json() -> str:
    """The city → county tree for the two-select picker: [[code, name, [[code, label], ...]], ...]."""
    tree = [[PROVINCE_CODE, "省直", []]]
    for city in cities():
        children = [[city.code, "市直"]] + [[c.code, c.name] for c in counties_of(city.code)]
        tree.append([city.code, city.name, children])
    return json.dumps(tree, ensure_ascii=False, separators=(",", ":"))
