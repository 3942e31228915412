"""One application: the submitted record, images, flags, history, delivery state, and the decision."""

from __future__ import annotations

import logging
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for

from portal.auth import current_reviewer, reviewer_required
from portal.extensions import db
from review_desk import bp
from review_desk.forms import DecisionForm, posted_reasons, reasons_from
from shared_models import status
from shared_models.models import Application, Submission
from shared_models.reference import region_full_name
from shared_models.review import (
    APPROVED,
    REJECTED,
    DecisionConflict,
    InvalidReasons,
    NotFound,
    QueueFilter,
    decide,
    visible_application,
)
from shared_models.review.history import (
    applicant_of,
    changed_fields,
    field_options,
    history,
    images,
    inconsistencies,
    last_decided_submission,
    slot_labels,
    submissions_of,
)
from shared_models.review.queue import queue_page
from shared_models.rules.wizard import summary
from shared_models.steps import STEPS

log = logging.getLogger(__name__)


def _application_or_404(application_id: int) -> Application:
    application = visible_application(db.session, current_reviewer().region_code, application_id)
    if application is None:
        abort(404)  # outside the jurisdiction looks exactly like a record that does not exist
    return application


def _record(application: Application, submissions: list[Submission]) -> dict[str, Any]:
    """Everything the detail page shows about the latest submission."""
    current = submissions[-1]
    snapshot = current.snapshot or {}
    applicant = applicant_of(snapshot)
    origins = {s.step: dict(s.origins or {}) for s in application.sections}
    previous = last_decided_submission(db.session, submissions)
    changes = changed_fields(previous.snapshot or {}, snapshot) if previous is not None else []
    return {
        "submission": current,
        "account": snapshot.get("account") or {},
        "sections": summary(snapshot.get("answers") or {}, applicant),
        "origins": origins,
        "flags": inconsistencies(snapshot, applicant),
        "images": images(db.session, snapshot),
        "slot_labels": slot_labels(snapshot, applicant),
        "options": field_options(snapshot, applicant),
        "previous": previous,
        "changes": changes,
        "changed_keys": {(c.step, c.field) for c in changes},
        "history": history(db.session, application, submissions),
    }


def _render(application: Application, form: DecisionForm, errors: dict[str, str] | None = None,
            posted: dict[str, Any] | None = None, code: int = 200):
    submissions = submissions_of(db.session, application)
    if not submissions:
        abort(404)
    record = _record(application, submissions)
    if not form.submission_id.data:
        form.submission_id.data = str(record["submission"].id)
        form.version.data = str(application.version)
    return render_template(
        "review/detail.html",
        application=application,
        form=form,
        record=record,
        errors=errors or {},
        posted=posted or {},
        region_name=region_full_name(application.region_code),
        status_label=status.label(application.status),
        can_decide=application.status == status.SUBMITTED,
        step_titles={step.slug: step.title for step in STEPS},
        page_title=f"审核：{record['account'].get('name', '')}",
    ), code


@bp.get("/applications/<int:application_id>")
@reviewer_required
def detail(application_id: int):
    return _render(_application_or_404(application_id), DecisionForm())


def _next_in_queue() -> str:
    """After a decision: the oldest application still waiting in the jurisdiction, else the queue."""
    page = queue_page(db.session, current_reviewer().region_code, QueueFilter())
    if page.rows:
        return url_for("review.detail", application_id=page.rows[0].id)
    return url_for("review.queue")


@bp.post("/applications/<int:application_id>/decision")
@reviewer_required
def decision(application_id: int):
    application = _application_or_404(application_id)
    form = DecisionForm()
    outcome = request.form.get("outcome")
    seen = form.seen()
    if not form.validate_on_submit() or outcome not in (APPROVED, REJECTED) or seen is None:
        abort(400)
    steps = list(field_options_of(application))
    try:
        decide(
            db.session, application_id=application.id, reviewer=current_reviewer(), submission_id=seen[0],
            expected_version=seen[1], outcome=outcome, reasons=reasons_from(request.form, steps),
        )
        db.session.commit()
    except NotFound:
        abort(404)
    except InvalidReasons as exc:
        db.session.rollback()
        return _render(application, form, exc.errors, posted_reasons(request.form, steps), code=422)
    except DecisionConflict as exc:
        db.session.rollback()
        flash(exc.message, "warning")
        return redirect(url_for("review.detail", application_id=application.id))
    log.info("application %s %s by reviewer %s", application.id, outcome, current_reviewer().username)
    name = (application.account.name if application.account else "")
    flash(f"已{'审核通过' if outcome == APPROVED else '退回修改'}：{name}", "success")
    return redirect(_next_in_queue())


def field_options_of(application: Application) -> dict[str, list[tuple[str, str]]]:
    submissions = submissions_of(db.session, application)
    if not submissions:
        abort(404)
    snapshot = submissions[-1].snapshot or {}
    return field_options(snapshot, applicant_of(snapshot))
