"""The accountant's home: who they are (masked ID), the overall status and the nine steps as a task list."""

from __future__ import annotations

from flask import render_template, url_for

from h5_wizard import bp, progress, state
from h5_wizard.access import accountant_required
from portal.auth import current_account
from shared_models import status
from shared_models.rules.identity import mask_id_number
from shared_models.steps import BY_SLUG


def _primary_action(prog: progress.Progress) -> tuple[str, str]:
    """The one button of the page: its label and target."""
    current = prog.status
    if current in (status.SUBMITTED, status.APPROVED):
        return "查看提交内容", url_for("h5.submit_step")
    if current == status.REJECTED:
        return "修改并重新提交", url_for("h5.step", slug=prog.first_open_step())
    if prog.application is None or not prog.application.sections:
        return "开始填写", url_for("h5.step", slug="commitment")
    resume = state.read(prog.account.id, prog.completed_steps()).current or prog.first_open_step()
    if resume == "submit":
        return "继续填写", url_for("h5.submit_step")
    return "继续填写", url_for("h5.step", slug=resume if resume in BY_SLUG else prog.first_open_step())


@bp.get("/")
@accountant_required
def home():
    account = current_account()
    prog = progress.load(account)
    label, target = _primary_action(prog)
    return render_template(
        "h5/home.html",
        account=account,
        masked_id=mask_id_number(account.id_number),
        application=prog.application,
        status_label=status.label(prog.status),
        tasks=prog.tasks(),
        general_reasons=prog.general_reasons,
        decision=prog.decision,
        editable=prog.editable,
        primary_label=label,
        primary_url=target,
        page_title="首页",
    )
