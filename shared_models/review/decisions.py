"""Approve or reject one submission: the Decision, the status change, the audit event and the notification
outbox row are written in one transaction, or none of them.

Concurrency: the reviewer's form carries the submission id and the application version it was shown. The
Application row is versioned (SQLAlchemy's version_id_col: UPDATE ... WHERE version = :seen) and
Decision.submission_id is unique, so of two reviewers deciding at once exactly one wins; the other gets
DecisionConflict with a message naming who decided, and nothing of theirs is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from shared_models import status
from shared_models.db import utcnow
from shared_models.models import AuditEvent, Decision, NotificationOutbox, Reviewer, Submission
from shared_models.review.history import applicant_of, field_options
from shared_models.review.queue import BEIJING, as_utc, visible_application
from shared_models.rules.text import clean, has_control_chars
from shared_models.steps import BY_SLUG

APPROVED, REJECTED = "approved", "rejected"
REASON_MAX = 300
OUTCOME_ACTION = {APPROVED: "approve", REJECTED: "reject"}


class NotFound(LookupError):
    """No such application inside the reviewer's jurisdiction."""


class DecisionConflict(Exception):
    """The application moved on since the reviewer opened it (decided by someone else, resubmitted...)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidReasons(ValueError):
    """Reasons of a rejection are missing or wrong: `errors` maps a form key (reasons / reason_<step> /
    field_<step>) to its Chinese message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class ReasonInput:
    step: str
    field: str | None
    reason: str


def validate_reasons(items: Iterable[ReasonInput], options: Mapping[str, list[tuple[str, str]]]) -> list[dict]:
    """Reasons in the Decision.reasons format; at least one, one per step, each with its text."""
    errors: dict[str, str] = {}
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in items:
        if item.step not in options or item.step in seen:
            errors["reasons"] = "退回原因所属步骤无效，请刷新页面后重试"
            continue
        seen.add(item.step)
        title = BY_SLUG[item.step].title
        text = clean(item.reason)
        if not text:
            errors[f"reason_{item.step}"] = f"请填写“{title}”的退回原因"
        elif has_control_chars(text):
            errors[f"reason_{item.step}"] = f"“{title}”的退回原因不能包含控制字符"
        elif len(text) > REASON_MAX:
            errors[f"reason_{item.step}"] = f"“{title}”的退回原因不能超过{REASON_MAX}个字"
        field = item.field or None
        if field is not None and field not in {key for key, _ in options[item.step]}:
            errors[f"field_{item.step}"] = f"“{title}”中没有所选的项目，请重新选择"
        out.append({"step": item.step, "field": field, "reason": text})
    if not out and "reasons" not in errors:
        errors["reasons"] = "退回修改时请至少勾选一个需要修改的步骤，并填写原因"
    if errors:
        raise InvalidReasons(errors)
    return out


def reason_text(reason: Mapping[str, Any], options: Mapping[str, list[tuple[str, str]]]) -> str:
    """学历信息（毕业院校）：请核对毕业院校全称 — how a reason reads in the notification."""
    step = BY_SLUG.get(reason.get("step") or "")
    labels = dict(options.get(reason.get("step") or "", []))
    where = step.title if step else "其他"
    if reason.get("field") and reason["field"] in labels:
        where += f"（{labels[reason['field']]}）"
    return f"{where}：{reason.get('reason', '')}"


def _latest_submission(session: Session, application_id: int) -> Submission | None:
    return session.scalar(
        select(Submission)
        .where(Submission.application_id == application_id)
        .order_by(Submission.number.desc())
        .limit(1)
    )


def conflict_message(session: Session, submission_id: int) -> str:
    """Who decided this submission (when someone did), otherwise that the record changed."""
    row = session.execute(
        select(Decision, Reviewer.name)
        .outerjoin(Reviewer, Reviewer.id == Decision.reviewer_id)
        .where(Decision.submission_id == submission_id)
    ).first()
    if row is None:
        return "该申请的内容或状态已发生变化，您的审核未保存，请查看最新内容后重新审核"
    decision, name = row
    when = as_utc(decision.decided_at).astimezone(BEIJING)  # type: ignore[union-attr]
    verdict = status.label(APPROVED if decision.outcome == APPROVED else REJECTED)
    return f"该申请已由{name or '其他审核人员'}于 {when:%m-%d %H:%M} 审核（{verdict}），您的审核未保存"


def decide(
    session: Session,
    *,
    application_id: int,
    reviewer: Reviewer,
    submission_id: int,
    expected_version: int,
    outcome: str,
    reasons: Iterable[ReasonInput] = (),
    now: datetime | None = None,
) -> Decision:
    """Record the decision, audit it and queue the notification (flushed, not committed: the caller commits).

    Raises NotFound (outside the jurisdiction), InvalidReasons, or DecisionConflict; after a conflict the
    session has been rolled back.
    """
    if outcome not in OUTCOME_ACTION:
        raise ValueError(f"unknown outcome {outcome!r}")
    application = visible_application(session, reviewer.region_code, application_id)
    if application is None:
        raise NotFound(application_id)
    submission = _latest_submission(session, application.id)
    if submission is None or submission.id != submission_id or application.version != expected_version:
        raise DecisionConflict(conflict_message(session, submission_id))
    try:
        new_status = status.next_status(application.status, OUTCOME_ACTION[outcome], "reviewer")
    except status.TransitionError:
        raise DecisionConflict(conflict_message(session, submission_id)) from None
    snapshot = submission.snapshot or {}
    options = field_options(snapshot, applicant_of(snapshot))
    stored = validate_reasons(reasons, options) if outcome == REJECTED else []
    now = now or utcnow()
    decision = Decision(
        application_id=application.id, submission_id=submission.id, reviewer_id=reviewer.id,
        outcome=outcome, reasons=stored, decided_at=now,
    )
    session.add(decision)
    previous = application.status
    application.status, application.decided_at = new_status, now
    try:
        session.flush()  # the versioned UPDATE and the unique submission_id decide the race here
    except (StaleDataError, IntegrityError):
        session.rollback()
        raise DecisionConflict(conflict_message(session, submission_id)) from None
    account = application.account
    session.add(_audit(reviewer, application.id, decision, submission, previous, new_status))
    session.add(
        NotificationOutbox(
            kind="review_result", application_id=application.id, decision_id=decision.id,
            account_id=application.account_id, status="pending", next_attempt_at=now,
            payload={
                "outcome": outcome,
                "name": account.name,
                "reasons": [reason_text(r, options) for r in stored],
                "decided_at": now.isoformat(),
            },
        )
    )
    session.flush()
    return decision


def _audit(
    reviewer: Reviewer, application_id: int, decision: Decision, submission: Submission, before: str, after: str
) -> AuditEvent:
    return AuditEvent(
        actor_type="reviewer", actor_id=reviewer.id, action=f"review.{OUTCOME_ACTION[decision.outcome]}",
        subject_type="application", subject_id=application_id,
        details={
            "decision_id": decision.id, "submission_id": submission.id, "submission_number": submission.number,
            "from_status": before, "to_status": after, "reasons": decision.reasons,
            "reviewer": reviewer.username,
        },
        created_at=decision.decided_at,
    )


def record_event(
    session: Session, reviewer: Reviewer, action: str, details: dict[str, Any], subject_id: int | None = None
) -> AuditEvent:
    """An audit event of a reviewer action other than a decision (login, export)."""
    event = AuditEvent(
        actor_type="reviewer", actor_id=reviewer.id, action=action,
        subject_type="application" if subject_id else "review_desk", subject_id=subject_id, details=details,
    )
    session.add(event)
    return event
