"""The review desk's domain: the queue, one application's record and history, decisions, reports.

Everything takes a Session and a reviewer's jurisdiction (a region code); nothing here commits.
"""

from shared_models.review.decisions import (
    APPROVED,
    REJECTED,
    DecisionConflict,
    InvalidReasons,
    NotFound,
    ReasonInput,
    decide,
    record_event,
)
from shared_models.review.queue import (
    ALL,
    OVERDUE_WORKING_DAYS,
    QUEUE_STATUSES,
    QueueFilter,
    queue_page,
    region_options,
    visible_application,
    working_days_between,
)

__all__ = [
    "ALL",
    "APPROVED",
    "OVERDUE_WORKING_DAYS",
    "QUEUE_STATUSES",
    "REJECTED",
    "DecisionConflict",
    "InvalidReasons",
    "NotFound",
    "QueueFilter",
    "ReasonInput",
    "decide",
    "queue_page",
    "record_event",
    "region_options",
    "visible_application",
    "working_days_between",
]
