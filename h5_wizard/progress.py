"""Where an accountant's collection stands: the task list of the home page and the wizard's navigation.

Everything is derived from the database (answers, attachments, the latest decision); the Redis step state
only remembers which step was open last.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from portal.extensions import db
from shared_models import applications as use_cases
from shared_models import status
from shared_models.models import Account, Application, Attachment, Decision
from shared_models.rules.wizard import Applicant, check_application
from shared_models.steps import STEPS, Step

NOT_STARTED, IN_PROGRESS, DONE, NEEDS_CHANGE = "未开始", "进行中", "已完成", "需修改"
STATE_CLASSES = {NOT_STARTED: "todo", IN_PROGRESS: "doing", DONE: "done", NEEDS_CHANGE: "fix"}


@dataclass
class Task:
    step: Step
    state: str
    reasons: list[str] = field(default_factory=list)

    @property
    def css(self) -> str:
        return STATE_CLASSES[self.state]


@dataclass
class Progress:
    """One accountant's record as the wizard sees it (loaded once per request)."""

    account: Account
    applicant: Applicant
    application: Application | None
    answers: dict[str, dict[str, Any]]
    attachments: dict[str, list[Attachment]]
    decision: Decision | None
    reasons: dict[str, list[dict[str, Any]]]
    check_errors: dict[str, dict[str, str]]

    @property
    def editable(self) -> bool:
        return use_cases.is_editable(self.application)

    @property
    def status(self) -> str | None:
        return self.application.status if self.application else None

    @property
    def counts(self) -> dict[str, int]:
        return {slot: len(items) for slot, items in self.attachments.items()}

    def refreshed(self, application: Application) -> Progress:
        """This progress after a section of `application` was saved in the same session (no new queries)."""
        self.application = application
        self.answers = application.answers()
        self.check_errors = check_application(self.answers, self.counts, self.applicant)
        return self

    def section_saved(self, slug: str) -> bool:
        return self.application is not None and self.application.section(slug) is not None

    def step_done(self, slug: str) -> bool:
        """Saved with 继续 and still valid against the other answers (they may have changed since)."""
        if slug == "submit":
            return self.status in (status.SUBMITTED, status.APPROVED)
        section = self.application.section(slug) if self.application else None
        return bool(section and section.completed and not self.check_errors.get(slug))

    def needs_change(self, slug: str) -> bool:
        """A rejection reason concerns this step and the step was not saved again since the decision."""
        if slug not in self.reasons or self.decision is None:
            return False
        section = self.application.section(slug) if self.application else None
        return section is None or _before(section.saved_at, self.decision.decided_at)

    def completed_steps(self) -> list[str]:
        return [s.slug for s in STEPS if self.step_done(s.slug)]

    def tasks(self) -> list[Task]:
        out = []
        for step in STEPS:
            texts = [r.get("reason", "") for r in self.reasons.get(step.slug, [])]
            if self.needs_change(step.slug):
                state = NEEDS_CHANGE
            elif self.step_done(step.slug):
                state = DONE
            elif self.section_saved(step.slug):
                state = IN_PROGRESS
            else:
                state = NOT_STARTED
            out.append(Task(step, state, texts))
        return out

    def first_open_step(self) -> str:
        """The first step needing attention: 需修改 first, else the first one not done."""
        for step in STEPS:
            if self.needs_change(step.slug):
                return step.slug
        return next((s.slug for s in STEPS if not self.step_done(s.slug)), "submit")

    @property
    def general_reasons(self) -> list[str]:
        return [r.get("reason", "") for r in self.reasons.get("", [])]


def _before(saved_at, decided_at) -> bool:
    # SQLite hands back naive datetimes (stored as UTC); compare like with like.
    if saved_at is None or decided_at is None:
        return True
    if (saved_at.tzinfo is None) != (decided_at.tzinfo is None):
        saved_at, decided_at = saved_at.replace(tzinfo=None), decided_at.replace(tzinfo=None)
    return saved_at <= decided_at


def load(account: Account) -> Progress:
    session = db.session
    application = use_cases.get_application(session, account.id)
    applicant = Applicant.from_account(account)
    answers = application.answers() if application else {}
    attachments = use_cases.attachments_by_slot(session, application)
    decision = use_cases.latest_decision(session, application)
    counts = {slot: len(items) for slot, items in attachments.items()}
    return Progress(
        account=account,
        applicant=applicant,
        application=application,
        answers=answers,
        attachments=attachments,
        decision=decision,
        reasons=use_cases.rejection_reasons(session, application),
        check_errors=check_application(answers, counts, applicant) if application else {},
    )
