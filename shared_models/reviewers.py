"""Reviewer account use cases over a Session: create, authenticate, set password, disable, demo admin.

Reviewers are separate from accountants (own table, own login at /review/login). A reviewer's jurisdiction is
a region code of shanxi_divisions.json: the province (sees everything), a city or a county.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared_models.db import utcnow
from shared_models.models import Reviewer
from shared_models.reference import PROVINCE_CODE, division
from shared_models.rules.passwords import DUMMY_HASH, hash_password, needs_rehash, password_errors, verify_password
from shared_models.rules.text import clean, text_error

ROLES = {"reviewer": "审核员", "admin": "管理员"}
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,63}$")
DEMO_USERNAME = "demo-admin"
DEMO_NAME = "演示管理员"


class ReviewerError(ValueError):
    """Invalid reviewer data: `errors` maps a field to its Chinese message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class ReviewerData:
    username: str
    name: str
    role: str
    region_code: str


def normalise_username(raw: str | None) -> str:
    return clean(raw).lower()


def validate_reviewer(username: str, name: str, role: str, region_code: str) -> ReviewerData:
    """Cleaned data, or ReviewerError with a message per bad field."""
    data = ReviewerData(normalise_username(username), clean(name), clean(role), clean(region_code))
    errors: dict[str, str] = {}
    if not USERNAME_RE.match(data.username):
        errors["username"] = "用户名应为3至64位小写字母、数字或 _ . -，并以字母或数字开头"
    message = text_error(data.name, "姓名", max_len=50)
    if message:
        errors["name"] = message
    if data.role not in ROLES:
        errors["role"] = "角色应为 reviewer（审核员）或 admin（管理员）"
    if division(data.region_code) is None:
        errors["region"] = "所属辖区应为山西省行政区划代码（省、市或县级），例如 140000、140100、140105"
    if errors:
        raise ReviewerError(errors)
    return data


def check_password(password: str, username: str) -> None:
    errors = password_errors(password, None, None)
    if not errors and password.lower() == username.lower():
        errors["password"] = "密码不能与用户名相同"  # noqa: S105 - a message, not a secret
    if errors:
        raise ReviewerError(errors)


def find_reviewer(session: Session, username: str) -> Reviewer | None:
    return session.scalar(select(Reviewer).where(Reviewer.username == normalise_username(username)))


def create_reviewer(session: Session, data: ReviewerData, password: str) -> Reviewer:
    """Add a reviewer (validated data, password checked against the shared password rules)."""
    check_password(password, data.username)
    if find_reviewer(session, data.username) is not None:
        raise ReviewerError({"username": f"用户名 {data.username} 已存在"})
    reviewer = Reviewer(
        username=data.username,
        name=data.name,
        role=data.role,
        region_code=data.region_code,
        password_hash=hash_password(password),
        active=True,
    )
    session.add(reviewer)
    try:
        session.flush()
    except IntegrityError:  # a concurrent create of the same username
        session.rollback()
        raise ReviewerError({"username": f"用户名 {data.username} 已存在"}) from None
    return reviewer


def set_reviewer_password(reviewer: Reviewer, password: str) -> None:
    """New password; every open session of this reviewer ends (session_version bump)."""
    check_password(password, reviewer.username)
    reviewer.password_hash = hash_password(password)
    reviewer.session_version = (reviewer.session_version or 1) + 1


def disable_reviewer(reviewer: Reviewer) -> None:
    """The reviewer can no longer log in, and an open session ends at its next request."""
    reviewer.active = False
    reviewer.session_version = (reviewer.session_version or 1) + 1


def authenticate_reviewer(session: Session, username: str, password: str) -> Reviewer | None:
    """The active reviewer with this password, or None; the same work whether or not the user exists."""
    reviewer = find_reviewer(session, username)
    if reviewer is None or not reviewer.active:
        verify_password(DUMMY_HASH, password)
        return None
    if not verify_password(reviewer.password_hash, password):
        return None
    if needs_rehash(reviewer.password_hash):
        reviewer.password_hash = hash_password(password)
    reviewer.last_login_at = utcnow()
    return reviewer


def demo_password() -> str:
    """A fresh random password that passes the password rules (letters, digits, a dash)."""
    return f"Demo-{secrets.token_hex(3)}-{secrets.token_hex(3)}"


def ensure_demo_admin(session: Session) -> tuple[Reviewer, str]:
    """Create or refresh the province demo admin with a new random password; return it and the password."""
    password = demo_password()
    reviewer = find_reviewer(session, DEMO_USERNAME)
    if reviewer is None:
        data = ReviewerData(DEMO_USERNAME, DEMO_NAME, "admin", PROVINCE_CODE)
        return create_reviewer(session, data, password), password
    reviewer.role, reviewer.region_code, reviewer.active = "admin", PROVINCE_CODE, True
    set_reviewer_password(reviewer, password)
    return reviewer, password

