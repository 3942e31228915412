"""The building blocks of the wizard rules: who applies, what a field is, what a step validation returns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from shared_models.rules.identity import (
    EIGHTEEN_DIGIT_TYPES,
    TWO_SIDED_TYPES,
    birth_date_of,
    gender_of,
)

# China has one time zone and no daylight saving time: a fixed offset needs no tz database.
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")


def beijing_today() -> date:
    """Today's date in China: "not in the future" must not depend on the server's time zone (often UTC)."""
    return datetime.now(BEIJING).date()


Choices = tuple[tuple[str, str], ...]
# A condition on the (already validated) unconditional values of the same step.
Condition = Callable[[Mapping[str, Any]], bool]
# A normaliser for a non-empty text value: returns the stored form or raises ValueError(message).
Normaliser = Callable[[str], str]


@dataclass(frozen=True)
class Applicant:
    """The account data the rules need; `today` is injectable so that date rules are testable."""

    id_type: str
    id_number: str
    name: str
    email: str
    today: date = field(default_factory=beijing_today)

    @classmethod
    def from_account(cls, account: Any, today: date | None = None) -> Applicant:
        return cls(
            id_type=account.id_type,
            id_number=account.id_number,
            name=account.name,
            email=account.email or "",
            today=today or beijing_today(),
        )

    @property
    def derives_identity(self) -> bool:
        """True when birth date and gender come from the 18-digit number (read-only in the form)."""
        return self.id_type in EIGHTEEN_DIGIT_TYPES and birth_date_of(self.id_number) is not None

    @property
    def two_sided_document(self) -> bool:
        return self.id_type in TWO_SIDED_TYPES

    @property
    def derived_birth_date(self) -> date | None:
        return birth_date_of(self.id_number) if self.derives_identity else None

    @property
    def derived_gender(self) -> str | None:
        return gender_of(self.id_number) if self.derives_identity else None


@dataclass(frozen=True)
class FieldSpec:
    """One form field of the spec. `required` means required whenever the field applies (`when` holds)."""

    key: str
    label: str
    kind: str  # text | date | month | enum | bool | region
    choices: Choices = ()
    max_len: int | None = None
    hint: str = ""
    readonly: bool = False
    required: bool = True
    when: Condition | None = None
    normalise: Normaliser | None = None
    # Dates: must lie on/after the birthday of this age (16 for qualification, graduation, ...).
    min_age: int | None = None
    default: str = ""
    # The field's name in messages when the label alone is ambiguous (全日制/非全日制 share labels).
    message_label: str = ""
    required_message: str = ""
    placeholder: str = ""

    @property
    def name(self) -> str:
        return self.message_label or self.label

    def choice_label(self, value: Any) -> str:
        return dict(self.choices).get(str(value), str(value))


@dataclass(frozen=True)
class Slot:
    """An upload slot (photos and attachments): 1..max_files images."""

    key: str
    label: str
    required: bool
    max_files: int = 5


@dataclass
class StepResult:
    """Cleaned values (only the fields that apply) and field -> Chinese message."""

    data: dict[str, Any]
    errors: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.errors
