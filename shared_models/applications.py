"""Application use cases over a Session: the accountant's draft, its sections, attachments and submission.

The web layer validates input with shared_models.rules.wizard and calls these functions; they never commit
(the caller owns the transaction), so a request's changes land together or not at all.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared_models import status
from shared_models.db import utcnow
from shared_models.models import (
    Account,
    Application,
    ApplicationSection,
    Attachment,
    CommitmentRecord,
    Decision,
    Submission,
)
from shared_models.reference import division
from shared_models.rules.wizard import Applicant, attachment_slots, check_application, photo_slots
from shared_models.steps import SLUGS

MAX_FILES_PER_SLOT = 5
COMMITMENT = "commitment"
FINAL = "final"


COMMITMENT_TITLE = "承诺书"
COMMITMENT_TEXT = (
    "本人{name}（{id_type}：{id_number}）郑重承诺：\n"
    "一、本人在山西省会计人员信息采集中填写的个人基本信息、专业技术资格、学历、工作单位及其他证书等信息"
    "真实、准确、完整，上传的证件照片及附件均为本人真实有效证件的原件照片或复印件照片；\n"
    "二、本人知悉所填信息将由所在地财政部门审核，本人将配合审核工作，按要求补正有关材料；\n"
    "三、所填信息如有变化，本人将及时更新；\n"
    "四、如有虚假，本人愿意承担由此产生的一切后果及法律责任，并接受财政部门依据《中华人民共和国会计法》"
    "《会计人员管理办法》等有关规定作出的处理。"
)


def commitment_text(account: Account) -> str:
    """The 承诺书 with the account's name and document number filled in (its hash is recorded)."""
    return COMMITMENT_TEXT.format(name=account.name, id_type=account.id_type, id_number=account.id_number)


class NotEditable(Exception):
    """The application is submitted or approved: answers are read-only until a decision allows changes."""


class SlotFull(Exception):
    """A slot already holds its maximum number of images."""


class IncompleteApplication(Exception):
    """Submission refused: `errors` is {step: {field: message}} from check_application."""

    def __init__(self, errors: dict[str, dict[str, str]]) -> None:
        super().__init__("application incomplete")
        self.errors = errors


@dataclass(frozen=True)
class StoredImage:
    """What the storage returned for one normalised image (the web layer saves the bytes first)."""

    storage_key: str
    byte_size: int
    width: int
    height: int
    sha256: str


def get_application(session: Session, account_id: int) -> Application | None:
    return session.scalar(select(Application).where(Application.account_id == account_id))


def get_or_create_draft(session: Session, account: Account) -> Application:
    """The account's one application, created as a draft on first save."""
    application = get_application(session, account.id)
    if application is None:
        application = Application(account_id=account.id, status=status.DRAFT)
        session.add(application)
        session.flush()
    return application


def is_editable(application: Application | None) -> bool:
    """No application yet, a draft or a rejected one: the accountant may change answers."""
    return application is None or status.is_editable(application.status)


def _require_editable(application: Application) -> None:
    if not is_editable(application):
        raise NotEditable


def save_section(
    session: Session, application: Application, step: str, data: dict[str, Any], *, completed: bool
) -> ApplicationSection:
    """Replace the saved answers of one step (validated data only) and mark it complete or not.

    Field origins (e.g. "archive" for prefilled values) survive only for values the user left unchanged.
    """
    _require_editable(application)
    if step not in SLUGS:
        raise ValueError(f"unknown step {step!r}")
    section = application.section(step)
    if section is None:
        section = ApplicationSection(step=step, data={}, origins={}, completed=False)
        application.sections.append(section)
    old = dict(section.data or {})
    section.origins = {k: v for k, v in (section.origins or {}).items() if k in data and data[k] == old.get(k)}
    section.data = dict(data)
    section.completed = completed
    section.saved_at = utcnow()
    session.flush()
    return section


def attachments_by_slot(session: Session, application: Application | None) -> dict[str, list[Attachment]]:
    """Every attachment of the application, grouped by slot and ordered by position."""
    if application is None or application.id is None:
        return {}
    rows = session.scalars(
        select(Attachment)
        .where(Attachment.application_id == application.id)
        .order_by(Attachment.slot, Attachment.position, Attachment.id)
    )
    grouped: dict[str, list[Attachment]] = defaultdict(list)
    for row in rows:
        grouped[row.slot].append(row)
    return dict(grouped)


def attachment_counts(session: Session, application: Application | None) -> dict[str, int]:
    return {slot: len(items) for slot, items in attachments_by_slot(session, application).items()}


def add_attachment(
    session: Session, application: Application, slot: str, image: StoredImage, *, max_files: int = MAX_FILES_PER_SLOT
) -> Attachment:
    """Append an image to a slot; raise SlotFull when the slot already holds `max_files` images."""
    _require_editable(application)
    count = session.scalar(
        select(func.count(Attachment.id)).where(Attachment.application_id == application.id, Attachment.slot == slot)
    )
    if (count or 0) >= max_files:
        raise SlotFull
    attachment = Attachment(application_id=application.id, slot=slot, position=count or 0, **_image_fields(image))
    session.add(attachment)
    session.flush()
    return attachment


def replace_attachment(session: Session, application: Application, attachment: Attachment, image: StoredImage) -> str:
    """Put a new image in the place of an existing one; return the old storage key (to delete after commit)."""
    _require_editable(application)
    _require_owned(application, attachment)
    old_key = attachment.storage_key
    for name, value in _image_fields(image).items():
        setattr(attachment, name, value)
    attachment.created_at = utcnow()
    session.flush()
    return old_key


def delete_attachment(session: Session, application: Application, attachment: Attachment) -> str:
    """Remove an image and close the gap in its slot's positions; return its storage key."""
    _require_editable(application)
    _require_owned(application, attachment)
    key, slot = attachment.storage_key, attachment.slot
    session.delete(attachment)
    session.flush()
    remaining = session.scalars(
        select(Attachment)
        .where(Attachment.application_id == application.id, Attachment.slot == slot)
        .order_by(Attachment.position, Attachment.id)
    )
    for position, row in enumerate(remaining):
        row.position = position
    session.flush()
    return key


def delete_slot(session: Session, application: Application, slot: str) -> list[str]:
    """Remove every image of a slot (a slot that no longer applies); return their storage keys."""
    items = attachments_by_slot(session, application).get(slot, [])
    keys = [item.storage_key for item in items]
    for item in items:
        session.delete(item)
    session.flush()
    return keys


def _require_owned(application: Application, attachment: Attachment) -> None:
    if attachment.application_id != application.id:
        raise PermissionError("attachment of another application")


def _image_fields(image: StoredImage) -> dict[str, Any]:
    return {
        "storage_key": image.storage_key,
        "byte_size": image.byte_size,
        "width": image.width,
        "height": image.height,
        "sha256": image.sha256,
        "content_type": "image/jpeg",
    }


def record_commitment(
    session: Session, application: Application, kind: str, text: str, remote_addr: str | None
) -> CommitmentRecord:
    """Who agreed to which 承诺书 text (its SHA-256), when and from where."""
    if kind not in (COMMITMENT, FINAL):
        raise ValueError(f"unknown commitment kind {kind!r}")
    record = CommitmentRecord(
        application_id=application.id,
        account_id=application.account_id,
        kind=kind,
        text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        remote_addr=(remote_addr or "")[:64] or None,
    )
    session.add(record)
    session.flush()
    return record


def applicable_slots(application: Application, applicant: Applicant) -> list[str]:
    """The photo and attachment slots that apply to the current answers (others are kept but not submitted)."""
    answers = application.answers()
    return [slot.key for slot in (*photo_slots(applicant), *attachment_slots(answers, applicant))]


def snapshot(session: Session, application: Application, account: Account) -> dict[str, Any]:
    """The Submission.snapshot contract: account identity, answers by step, attachment ids by slot.

    Only slots that apply to the answers are included (images of a slot that no longer applies, e.g. a
    work proof after switching to 待业, stay in storage for the accountant but are not submitted)."""
    slots = applicable_slots(application, Applicant.from_account(account))
    grouped = attachments_by_slot(session, application)
    return {
        "account": {
            "name": account.name,
            "id_type": account.id_type,
            "id_number": account.id_number,
            "email": account.email,
        },
        "answers": {slug: dict(s.data or {}) for slug in SLUGS if (s := application.section(slug)) is not None},
        "attachments": {slot: [a.id for a in grouped[slot]] for slot in slots if grouped.get(slot)},
    }


def submit(
    session: Session,
    application: Application,
    account: Account,
    *,
    commitment_text: str,
    remote_addr: str | None,
    today: date | None = None,
) -> Submission:
    """提交审核: re-validate the whole record, record the final agreement, snapshot, move to 待审核.

    Raises IncompleteApplication (nothing written) when check_application finds anything, and
    status.TransitionError when the current status does not allow a submission.
    """
    new_status = status.next_status(application.status, "submit", "accountant")
    applicant = Applicant.from_account(account, today=today)
    errors = check_application(application.answers(), attachment_counts(session, application), applicant)
    if errors:
        raise IncompleteApplication(errors)
    record_commitment(session, application, FINAL, commitment_text, remote_addr)
    number = (
        session.scalar(select(func.max(Submission.number)).where(Submission.application_id == application.id)) or 0
    ) + 1
    record = snapshot(session, application, account)
    submission = Submission(application_id=application.id, number=number, snapshot=record)
    session.add(submission)
    now = utcnow()
    region = division((application.answers().get("basics") or {}).get("region_code"))
    application.region_code = region.code if region else None
    application.city_code = region.city_code if region else None
    application.status = new_status
    application.submitted_at = now
    application.first_submitted_at = application.first_submitted_at or now
    submission.submitted_at = now
    session.flush()
    return submission


def latest_decision(session: Session, application: Application | None) -> Decision | None:
    if application is None or application.id is None:
        return None
    return session.scalar(
        select(Decision)
        .where(Decision.application_id == application.id)
        .order_by(Decision.decided_at.desc(), Decision.id.desc())
        .limit(1)
    )


def rejection_reasons(session: Session, application: Application | None) -> dict[str, list[dict[str, Any]]]:
    """The latest decision's reasons by step, when the application stands rejected (for 需修改 and display).

    Reasons without a known step are grouped under "" (shown as general remarks).
    """
    if application is None or application.status != status.REJECTED:
        return {}
    decision = latest_decision(session, application)
    if decision is None or decision.outcome != "rejected":
        return {}
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for reason in decision.reasons or []:
        step = reason.get("step") if reason.get("step") in SLUGS else ""
        grouped[step].append(reason)
    return dict(grouped)


def latest_submission(session: Session, application: Application | None) -> Submission | None:
    if application is None or application.id is None:
        return None
    return session.scalar(
        select(Submission)
        .where(Submission.application_id == application.id)
        .order_by(Submission.number.desc())
        .limit(1)
    )
