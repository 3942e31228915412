"""All tables. Importing this package registers every model on Base.metadata (Alembic relies on it)."""

from shared_models.models.accounts import Account, Reviewer
from shared_models.models.application import (
    Application,
    ApplicationSection,
    Attachment,
    CommitmentRecord,
)
from shared_models.models.review import AuditEvent, Decision, NotificationOutbox, Submission

__all__ = [
    "Account",
    "Application",
    "ApplicationSection",
    "Attachment",
    "AuditEvent",
    "CommitmentRecord",
    "Decision",
    "NotificationOutbox",
    "Reviewer",
    "Submission",
]
