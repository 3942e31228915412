"""The form steps of the wizard at /h5/steps/<slug>: show, 继续, 保存, 更新 and the autosave endpoint.

Views are thin: the rules of shared_models.rules.wizard validate, shared_models.applications saves, and
h5_wizard.state moves the Redis position. The photo and attachment steps are in h5_wizard.uploads.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for

from h5_wizard import bp, progress, state
from h5_wizard.access import accountant_required, client_ip
from h5_wizard.forms_steps import build_form, conditions, page_specs, region_groups, region_tree_json
from portal.auth import current_account
from portal.extensions import db
from shared_models import applications as use_cases
from shared_models.rules.summary import display_value
from shared_models.rules.wizard import (
    STEP_HELP,
    initial_values,
    summary,
    validate_partial,
    validate_step,
    visible_fields,
)
from shared_models.steps import BY_SLUG, TOTAL, next_slug, previous_slug

FORM_STEPS = ("commitment", "basics", "qualification", "education", "employer", "certificates")
UPLOAD_STEPS = ("photos", "attachments")
READ_ONLY_MESSAGE = "您的信息已提交审核，审核完成前不能修改"
INPUT_MODES = {"phone": "tel", "postal_code": "numeric"}
INPUT_TYPES = {"date": "date", "month": "month", "email": "email", "phone": "tel"}
DATE_PLACEHOLDERS = {"date": "年-月-日，如2020-07-01", "month": "年-月，如2020-07"}
AUTOCOMPLETE = {"phone": "tel", "email": "email", "address": "street-address", "postal_code": "postal-code"}


def return_to_summary() -> bool:
    return (request.values.get("return") or "") == "submit"


def step_url(slug: str) -> str:
    if slug == "submit":
        return url_for("h5.submit_step")
    return url_for("h5.step", slug=slug)


def after_save_target(slug: str) -> str:
    """继续 goes to the next step, or back to the summary when the step was opened from it."""
    if return_to_summary():
        return url_for("h5.submit_step")
    return step_url(next_slug(slug) or "submit")


def chrome(slug: str) -> dict[str, Any]:
    """What every step page shows around its form: number, progress bar, back link."""
    step = BY_SLUG[slug]
    previous = previous_slug(slug)
    if return_to_summary():
        back_url, back_label = url_for("h5.submit_step"), "返回确认页"
    elif previous:
        back_url, back_label = step_url(previous), "上一步"
    else:
        back_url, back_label = url_for("h5.home"), "返回首页"
    return {
        "step": step,
        "total": TOTAL,
        "percent": round(step.number * 100 / TOTAL),
        "back_url": back_url,
        "back_label": back_label,
        "returning": return_to_summary(),
        "help_text": STEP_HELP.get(slug, ""),
        "page_title": f"第{step.number}步 {step.title}",
    }


def gate(slug: str, prog: progress.Progress):
    """A response that replaces the step page, or None: read-only records and the commitment first."""
    if not prog.editable:
        if request.method == "POST":
            flash(READ_ONLY_MESSAGE, "warning")
            return redirect(step_url(slug))
        return None
    if slug != "commitment" and not prog.step_done("commitment"):
        flash("请先阅读承诺书并勾选承诺", "warning")
        return redirect(url_for("h5.step", slug="commitment"))
    return None


@bp.route("/steps/<slug>", methods=["GET", "POST"])
@accountant_required
def step(slug: str):
    if slug not in FORM_STEPS and slug not in UPLOAD_STEPS:
        abort(404)
    prog = progress.load(current_account())
    blocked = gate(slug, prog)
    if blocked is not None:
        return blocked
    if not prog.editable:
        return read_only_page(slug, prog)
    if slug in UPLOAD_STEPS:
        from h5_wizard import uploads

        return uploads.handle(slug, prog)
    if request.method == "POST":
        return post_form_step(slug, prog)
    return show_form_step(slug, prog)


def read_only_page(slug: str, prog: progress.Progress):
    """A submitted or approved record: the step's answers, without a form."""
    rows = next((items for s, items in summary(prog.answers, prog.applicant) if s.slug == slug), [])
    from h5_wizard.uploads import slot_views

    return render_template(
        "h5/steps/read_only.html",
        rows=rows,
        slots=slot_views(slug, prog) if slug in UPLOAD_STEPS else [],
        status_label=progress.status.label(prog.status),
        **chrome(slug),
    )


def saved_values(slug: str, prog: progress.Progress) -> dict[str, Any]:
    values = dict(initial_values(slug, prog.applicant))
    values.update(prog.answers.get(slug) or {})
    return values


def show_form_step(slug: str, prog: progress.Progress):
    st = state.open_step(prog.account.id, slug, prog.completed_steps())
    values = saved_values(slug, prog)
    values.update(st.draft)
    if st.draft:
        flash("已恢复您上次未保存的输入", "info")
    form = build_form(slug, values=values)
    return render_form_step(slug, prog, form, values)


def render_form_step(slug: str, prog: progress.Progress, form, values, *, status_code: int = 200):
    applicant = prog.applicant
    visible = set(visible_fields(slug, values, applicant))
    context = {
        "form": form,
        "specs": page_specs(slug, applicant),
        "visible": visible,
        "conditions": conditions(slug, applicant, values),
        "readonly_display": readonly_display(slug, prog),
        "input_types": INPUT_TYPES,
        "date_placeholders": DATE_PLACEHOLDERS,
        "signer": prog.account.name,
        "reasons": prog.reasons.get(slug, []) if prog.needs_change(slug) else [],
        "input_modes": INPUT_MODES,
        "autocomplete": AUTOCOMPLETE,
        "region_groups": region_groups(),
        "region_tree": region_tree_json(),
        "commitment_text": use_cases.commitment_text(prog.account) if slug == "commitment" else "",
        "commitment_title": use_cases.COMMITMENT_TITLE,
        "draft_url": url_for("h5.step_draft", slug=slug),
    }
    return render_template("h5/steps/form_step.html", **context, **chrome(slug)), status_code


def readonly_display(slug: str, prog: progress.Progress) -> dict[str, str]:
    """Display text of the read-only identity fields (from the account and the ID number)."""
    values = initial_values(slug, prog.applicant)
    specs = page_specs(slug, prog.applicant)
    return {spec.key: display_value(spec, values.get(spec.key)) for spec in specs if spec.readonly}


def _raw_form() -> dict[str, Any]:
    return {key: request.form.get(key, "") for key in request.form if key not in ("csrf_token", "action", "return")}


def post_form_step(slug: str, prog: progress.Progress):
    action = request.form.get("action", "save")
    raw = _raw_form()
    form = build_form(slug, formdata=request.form)
    account_id = prog.account.id
    if action == "refresh":  # no-JS: re-render with the fields the new answers call for
        state.save_draft(account_id, slug, raw, form._fields.keys())
        return render_form_step(slug, prog, form, raw)
    others = {k: v for k, v in prog.answers.items() if k != slug}
    full = validate_step(slug, raw, prog.applicant, others)
    if action == "continue":
        if not full.ok:
            form.add_errors(full.errors)
            state.save_draft(account_id, slug, raw, form._fields.keys())
            return render_form_step(slug, prog, form, raw)
        save(slug, prog, full.data, completed=True)
        return redirect(after_save_target(slug))
    partial = full if full.ok else validate_partial(slug, raw, prog.applicant, others)
    save(slug, prog, partial.data, completed=full.ok, move=False)
    if partial.errors:
        form.add_errors(partial.errors)
        state.save_draft(account_id, slug, raw, form._fields.keys())
        flash("已保存填写正确的内容；标出的内容有误，未保存", "warning")
        return render_form_step(slug, prog, form, raw)
    flash("已保存", "success")
    return redirect(url_for("h5.step", slug=slug, **({"return": "submit"} if return_to_summary() else {})))


def save(slug: str, prog: progress.Progress, data: dict[str, Any], *, completed: bool, move: bool = True) -> None:
    """Write the section (and the commitment record), commit, then move the Redis position."""
    session = db.session
    application = prog.application or use_cases.get_or_create_draft(session, prog.account)
    was_done = prog.step_done(slug)
    use_cases.save_section(session, application, slug, data, completed=completed)
    if slug == "commitment" and completed and not was_done:
        use_cases.record_commitment(
            session, application, use_cases.COMMITMENT, use_cases.commitment_text(prog.account), client_ip()
        )
    session.commit()
    # The saved section is in the session already: re-derive the completed steps from memory instead of
    # loading the whole record again (one answer can make another step invalid, so all are re-checked).
    done = set(prog.refreshed(application).completed_steps())
    state.step_saved(prog.account.id, slug, next_slug(slug) if move else slug, done)


@bp.post("/steps/<slug>/draft")
@accountant_required
def step_draft(slug: str):
    """Autosave of the open step's text input (JSON answer; CSRF token in the X-CSRFToken header)."""
    if slug not in FORM_STEPS:
        abort(404)
    prog = progress.load(current_account())
    if not prog.editable:
        return jsonify(saved=0, message=READ_ONLY_MESSAGE), 409
    keys = [spec.key for spec in page_specs(slug, prog.applicant) if not spec.readonly]
    raw = _raw_form()
    kept = state.save_draft(prog.account.id, slug, raw, keys)
    return jsonify(saved=kept, visible=visible_fields(slug, raw, prog.applicant))
