"""Thin WTForms adapters of the desk; the rules live in shared_models (reviewers, review)."""

from __future__ import annotations

from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, PasswordField, StringField

from portal.forms import BaseForm
from shared_models import status
from shared_models.reference import division, in_jurisdiction
from shared_models.review import ALL, QUEUE_STATUSES, QueueFilter, ReasonInput

MAX_QUERY = 50


class LoginForm(BaseForm):
    username = StringField("用户名")
    password = PasswordField("密码")


class DecisionForm(BaseForm):
    """The CSRF token and what the reviewer saw: the submission and the application version."""

    submission_id = HiddenField()
    version = HiddenField()

    def seen(self) -> tuple[int, int] | None:
        try:
            return int(self.submission_id.data), int(self.version.data)
        except (TypeError, ValueError):
            return None


def _date(raw: str, label: str, errors: dict[str, str], key: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[key] = f"{label}应为日期，格式如 2026-01-31"
        return None


def parse_filter(args: MultiDict[str, str], scope_code: str) -> tuple[QueueFilter, dict[str, str]]:
    """The queue filter from the query string; a bad part is dropped and explained, never a 500."""
    errors: dict[str, str] = {}
    flt = QueueFilter()
    state = (args.get("status") or status.SUBMITTED).strip()
    flt.status = state if state in (*QUEUE_STATUSES, ALL) else status.SUBMITTED
    region = (args.get("region") or "").strip()
    if region:
        if division(region) is None or not in_jurisdiction(region, scope_code):
            errors["region"] = "所选地区不在您的辖区内"
        else:
            flt.region = region
    flt.submitted_from = _date((args.get("from") or "").strip(), "提交日期（起）", errors, "from")
    flt.submitted_to = _date((args.get("to") or "").strip(), "提交日期（止）", errors, "to")
    if flt.submitted_from and flt.submitted_to and flt.submitted_from > flt.submitted_to:
        errors["to"] = "提交日期（止）不能早于提交日期（起）"
        flt.submitted_to = None
    query = " ".join((args.get("q") or "").split())
    if len(query) > MAX_QUERY:
        errors["q"] = f"搜索内容不能超过{MAX_QUERY}个字"
    else:
        flt.query = query
    try:
        flt.page = max(1, int(args.get("page") or 1))
    except ValueError:
        flt.page = 1
    return flt, errors


def reasons_from(form: MultiDict[str, str], steps: list[str]) -> list[ReasonInput]:
    """One reason per ticked step checkbox (step_<slug>), with its optional field and its text."""
    return [
        ReasonInput(step=slug, field=(form.get(f"field_{slug}") or "").strip() or None,
                    reason=form.get(f"reason_{slug}") or "")
        for slug in steps
        if form.get(f"step_{slug}")
    ]


def posted_reasons(form: MultiDict[str, str], steps: list[str]) -> dict[str, dict[str, Any]]:
    """What the reviewer entered, to show it again after an error."""
    return {
        slug: {"checked": bool(form.get(f"step_{slug}")), "field": form.get(f"field_{slug}") or "",
               "reason": form.get(f"reason_{slug}") or ""}
        for slug in steps
    }
