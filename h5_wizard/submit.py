"""Step 9: check answers, the final agreement, 提交审核, and the result page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from h5_wizard import bp, progress, state
from h5_wizard.access import accountant_required, client_ip
from h5_wizard.forms_steps import build_form
from h5_wizard.steps import READ_ONLY_MESSAGE, chrome, gate, step_url
from portal.auth import current_account
from portal.extensions import db
from shared_models import applications as use_cases
from shared_models import status
from shared_models.rules.wizard import summary, validate_step
from shared_models.steps import BY_SLUG

UPLOAD_GROUPS = ("photos", "attachments")


def problem_list(errors: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    """(link, message) for every problem check_application found, pointing at its step."""
    out = []
    for slug, fields in errors.items():
        for key, message in fields.items():
            anchor = f"slot-{key}" if slug in UPLOAD_GROUPS else key
            step = BY_SLUG[slug]
            out.append((f"{step_url(slug)}?return=submit#{anchor}", f"第{step.number}步 {step.title}：{message}"))
    return out


def render_summary(prog: progress.Progress, form, *, problems=None, status_code: int = 200):
    groups = summary(prog.answers, prog.applicant, prog.counts)
    return render_template(
        "h5/steps/submit.html",
        form=form,
        groups=groups,
        attachments=prog.attachments,
        upload_groups=UPLOAD_GROUPS,
        problems=problems if problems is not None else problem_list(prog.check_errors),
        editable=prog.editable,
        status_label=status.label(prog.status),
        application=prog.application,
        commitment_title=use_cases.COMMITMENT_TITLE,
        commitment_text=use_cases.commitment_text(prog.account),
        **chrome("submit"),
    ), status_code


@bp.route("/steps/submit", methods=["GET", "POST"])
@accountant_required
def submit_step():
    prog = progress.load(current_account())
    blocked = gate("submit", prog)
    if blocked is not None:
        return blocked
    if request.method == "GET":
        if prog.editable:
            state.open_step(prog.account.id, "submit", prog.completed_steps())
        return render_summary(prog, build_form("submit", values={}))
    form = build_form("submit", formdata=request.form)
    agreed = {"final_agreed": request.form.get("final_agreed", "")}
    result = validate_step("submit", agreed, prog.applicant, prog.answers)
    if not result.ok:
        form.add_errors(result.errors)
        return render_summary(prog, form)
    session = db.session
    application = use_cases.get_or_create_draft(session, prog.account)
    try:
        use_cases.submit(
            session, application, prog.account,
            commitment_text=use_cases.commitment_text(prog.account), remote_addr=client_ip(),
        )
    except use_cases.IncompleteApplication as exc:
        session.rollback()
        form.add_errors({"final_agreed": "信息尚未填写完整，请按下列提示补充后再提交"})
        return render_summary(prog, form, problems=problem_list(exc.errors))
    except status.TransitionError:
        session.rollback()
        flash(READ_ONLY_MESSAGE, "warning")
        return redirect(url_for("h5.home"))
    session.commit()
    state.clear(prog.account.id)
    return redirect(url_for("h5.submit_done"))


@bp.get("/steps/submit/done")
@accountant_required
def submit_done():
    """What happens next: review within 5 working days, the result by WeChat message."""
    application = use_cases.get_application(db.session, current_account().id)
    if application is None or application.status != status.SUBMITTED:
        return redirect(url_for("h5.home"))
    return render_template(
        "h5/steps/done.html", application=application, status_label=status.label(application.status),
        page_title="提交成功",
    )
