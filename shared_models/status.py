"""The application status machine of the spec ("Application status")."""

from __future__ import annotations

DRAFT = "draft"
SUBMITTED = "submitted"
REJECTED = "rejected"
APPROVED = "approved"

LABELS = {
    DRAFT: "未提交（草稿）",
    SUBMITTED: "待审核",
    REJECTED: "审核未通过",
    APPROVED: "审核通过",
}
# Shown on the home page before the accountant has saved anything.
NOT_STARTED_LABEL = "未开始"

# status -> (action, actor) -> next status
_TRANSITIONS: dict[str, dict[tuple[str, str], str]] = {
    DRAFT: {("submit", "accountant"): SUBMITTED},
    REJECTED: {("submit", "accountant"): SUBMITTED},
    SUBMITTED: {("approve", "reviewer"): APPROVED, ("reject", "reviewer"): REJECTED},
    APPROVED: {},
}


class TransitionError(ValueError):
    """An action that the current status does not allow."""


def next_status(current: str, action: str, actor: str) -> str:
    """Return the status after `actor` performs `action`, or raise TransitionError."""
    try:
        return _TRANSITIONS[current][(action, actor)]
    except KeyError:
        raise TransitionError(f"{actor} cannot {action} an application that is {current}") from None


def is_editable(status: str) -> bool:
    """The accountant may change answers only in a draft or after a rejection."""
    return status in (DRAFT, REJECTED)


def label(status: str | None) -> str:
    return LABELS.get(status or "", NOT_STARTED_LABEL)
