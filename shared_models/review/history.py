"""What a reviewer reads about one application: the submitted snapshot rendered with the wizard's labels,
the re-run rules, the images, the history of submissions and decisions, and what changed since the last
decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared_models.models import Application, Attachment, Decision, NotificationOutbox, Reviewer, Submission
from shared_models.review.queue import as_utc
from shared_models.rules.wizard import Applicant, attachment_slots, check_application, photo_slots, summary
from shared_models.steps import BY_SLUG

OUTBOX_STATUS = {
    "pending": "待发送",
    "sent": "已发送",
    "failed": "发送失败（不再重试）",
    "skipped": "未发送（申请人未绑定微信）",
}
DELIVERY_STATUS = {
    "success": "已送达",
    "failed:user block": "未送达：用户拒收消息",
    "failed: system failed": "未送达：微信系统原因",
}
IMAGE_STEPS = ("photos", "attachments")


def applicant_of(snapshot: dict[str, Any], today: date | None = None) -> Applicant:
    """The rules' view of the applicant as it was submitted."""
    account = snapshot.get("account") or {}
    return Applicant(
        id_type=account.get("id_type", ""),
        id_number=account.get("id_number", ""),
        name=account.get("name", ""),
        email=account.get("email", ""),
        today=today or date.today(),
    )


def answers_of(snapshot: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {step: dict(values or {}) for step, values in (snapshot.get("answers") or {}).items()}


def attachment_ids(snapshot: dict[str, Any]) -> dict[str, list[int]]:
    return {slot: [int(i) for i in ids] for slot, ids in (snapshot.get("attachments") or {}).items()}


def slot_labels(snapshot: dict[str, Any], applicant: Applicant) -> dict[str, dict[str, str]]:
    """{step: {slot: label}} of the image slots that apply to this snapshot."""
    return {
        "photos": {s.key: s.label for s in photo_slots(applicant)},
        "attachments": {s.key: s.label for s in attachment_slots(answers_of(snapshot), applicant)},
    }


def field_options(snapshot: dict[str, Any], applicant: Applicant) -> dict[str, list[tuple[str, str]]]:
    """Per step, the (field key, label) a rejection reason may point at: visible answers and image slots."""
    options: dict[str, list[tuple[str, str]]] = {}
    for step, items in summary(answers_of(snapshot), applicant):
        if step.slug in ("commitment", "submit"):
            continue
        options[step.slug] = [(key, label) for key, label, _value in items]
    for step, slots in slot_labels(snapshot, applicant).items():
        options.setdefault(step, [])
        known = {key for key, _ in options[step]}
        options[step].extend((key, label) for key, label in slots.items() if key not in known)
    return {slug: options[slug] for slug in BY_SLUG if slug in options}


def inconsistencies(snapshot: dict[str, Any], applicant: Applicant) -> dict[str, dict[str, str]]:
    """check_application re-run on what was submitted (rules may have changed since, or the data aged)."""
    counts = {slot: len(ids) for slot, ids in attachment_ids(snapshot).items()}
    return check_application(answers_of(snapshot), counts, applicant)


def images(session: Session, snapshot: dict[str, Any]) -> dict[str, list[Attachment]]:
    """Attachment rows of the snapshot by slot, in submitted order (missing rows are left out)."""
    wanted = attachment_ids(snapshot)
    ids = [i for group in wanted.values() for i in group]
    rows = {a.id: a for a in session.scalars(select(Attachment).where(Attachment.id.in_(ids)))} if ids else {}
    return {slot: [rows[i] for i in group if i in rows] for slot, group in wanted.items()}


@dataclass(frozen=True)
class Delivery:
    status: str
    status_label: str
    attempts: int
    last_error: str | None
    delivery_label: str | None
    sent_at: datetime | None


@dataclass
class HistoryEntry:
    kind: str  # submission | decision
    at: datetime
    number: int | None = None
    outcome: str | None = None
    reviewer_name: str | None = None
    reasons: list[dict[str, Any]] = field(default_factory=list)
    delivery: Delivery | None = None


def _delivery(row: NotificationOutbox | None) -> Delivery | None:
    if row is None:
        return None
    return Delivery(
        status=row.status,
        status_label=OUTBOX_STATUS.get(row.status, row.status),
        attempts=row.attempts or 0,
        last_error=row.last_error,
        delivery_label=DELIVERY_STATUS.get(row.delivery_status or "", row.delivery_status),
        sent_at=as_utc(row.sent_at),
    )


def submissions_of(session: Session, application: Application) -> list[Submission]:
    return list(
        session.scalars(
            select(Submission).where(Submission.application_id == application.id).order_by(Submission.number)
        )
    )


def history(session: Session, application: Application, submissions: list[Submission]) -> list[HistoryEntry]:
    """Submissions and decisions (with the reviewer's name and the notification state), oldest first."""
    decided = session.execute(
        select(Decision, Reviewer.name)
        .outerjoin(Reviewer, Reviewer.id == Decision.reviewer_id)
        .where(Decision.application_id == application.id)
    ).all()
    outbox = {
        row.decision_id: row
        for row in session.scalars(
            select(NotificationOutbox).where(NotificationOutbox.application_id == application.id)
        )
    }
    numbers = {s.id: s.number for s in submissions}
    entries = [HistoryEntry("submission", as_utc(s.submitted_at), number=s.number) for s in submissions]
    for decision, reviewer_name in decided:
        entries.append(
            HistoryEntry(
                "decision",
                as_utc(decision.decided_at),
                number=numbers.get(decision.submission_id),
                outcome=decision.outcome,
                reviewer_name=reviewer_name,
                reasons=list(decision.reasons or []),
                delivery=_delivery(outbox.get(decision.id)),
            )
        )
    # A decision always follows its submission: order by time, then submissions before decisions.
    entries.sort(key=lambda e: (e.at, e.number or 0, e.kind != "submission"))
    return entries


def last_decided_submission(session: Session, submissions: list[Submission]) -> Submission | None:
    """The most recent submission that received a decision, other than the latest one."""
    if len(submissions) < 2:
        return None
    earlier = {s.id: s for s in submissions[:-1]}
    decided_ids = set(session.scalars(select(Decision.submission_id).where(Decision.submission_id.in_(earlier))))
    candidates = [s for s in submissions[:-1] if s.id in decided_ids]
    return candidates[-1] if candidates else None


@dataclass(frozen=True)
class Change:
    step: str
    step_title: str
    field: str
    label: str
    before: str
    after: str


def _displayed(snapshot: dict[str, Any], applicant: Applicant) -> dict[tuple[str, str], tuple[str, str, str]]:
    out: dict[tuple[str, str], tuple[str, str, str]] = {}
    for step, items in summary(answers_of(snapshot), applicant):
        for key, label, value in items:
            out[(step.slug, key)] = (step.title, label, str(value))
    return out


def changed_fields(before: dict[str, Any], after: dict[str, Any], today: date | None = None) -> list[Change]:
    """Answers whose displayed value differs between two snapshots, then image slots whose files differ."""
    old_app, new_app = applicant_of(before, today), applicant_of(after, today)
    old, new = _displayed(before, old_app), _displayed(after, new_app)
    changes = []
    for key in [*new, *(k for k in old if k not in new)]:
        was, now = old.get(key), new.get(key)
        if was is None or now is None or was[2] != now[2]:
            title, label = (now or was)[0], (now or was)[1]  # type: ignore[index]
            before_text, after_text = (was[2] if was else "（无）"), (now[2] if now else "（无）")
            changes.append(Change(key[0], title, key[1], label, before_text, after_text))
    old_labels, new_labels = slot_labels(before, old_app), slot_labels(after, new_app)
    old_ids, new_ids = attachment_ids(before), attachment_ids(after)
    for step in IMAGE_STEPS:
        slots = {**old_labels.get(step, {}), **new_labels.get(step, {})}
        for slot, label in slots.items():
            if old_ids.get(slot, []) != new_ids.get(slot, []):
                was, now = len(old_ids.get(slot, [])), len(new_ids.get(slot, []))
                changes.append(Change(step, BY_SLUG[step].title, slot, label, f"{was} 张", f"{now} 张（已更换）"))
    return changes
