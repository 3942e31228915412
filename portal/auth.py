"""Who is logged in: accountants and reviewers share Flask-Login, told apart by the session id prefix.

The id carries the account's session_version, so a password change or reset (which bumps it) logs out
every other session of that account at its next request.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, redirect, request, url_for
from flask_login import UserMixin, current_user

from portal.extensions import db, login_manager
from shared_models.models import Account, Reviewer

ACCOUNTANT = "accountant"
REVIEWER = "reviewer"


class AccountantPrincipal(UserMixin):
    kind = ACCOUNTANT

    def __init__(self, account: Account) -> None:
        self.account = account
        self.id = account.id

    def get_id(self) -> str:
        return f"a:{self.account.id}:{self.account.session_version}"


class ReviewerPrincipal(UserMixin):
    kind = REVIEWER

    def __init__(self, reviewer: Reviewer) -> None:
        self.reviewer = reviewer
        self.id = reviewer.id

    @property
    def is_active(self) -> bool:  # a disabled reviewer is logged out at the next request
        return bool(self.reviewer.active)

    @property
    def is_admin(self) -> bool:
        return self.reviewer.role == "admin"

    def get_id(self) -> str:
        return f"r:{self.reviewer.id}:{self.reviewer.session_version}"


@login_manager.user_loader
def load_principal(user_id: str) -> Any:
    try:
        kind, raw_id, version = user_id.split(":")
        pk, session_version = int(raw_id), int(version)
    except ValueError:
        return None
    if kind == "a":
        account = db.session.get(Account, pk)
        if account is not None and account.session_version == session_version:
            return AccountantPrincipal(account)
    elif kind == "r":
        reviewer = db.session.get(Reviewer, pk)
        if reviewer is not None and reviewer.active and reviewer.session_version == session_version:
            return ReviewerPrincipal(reviewer)
    return None


@login_manager.unauthorized_handler
def _unauthorized():
    if request.blueprint == "review" or request.path.startswith("/review"):
        return redirect(url_for("review.login", next=request.full_path))
    return redirect(url_for("h5.login", next=request.full_path))


def is_accountant() -> bool:
    return bool(current_user.is_authenticated and getattr(current_user, "kind", None) == ACCOUNTANT)


def is_reviewer() -> bool:
    return bool(current_user.is_authenticated and getattr(current_user, "kind", None) == REVIEWER)


def current_account() -> Account:
    return current_user.account  # type: ignore[union-attr]


def current_reviewer() -> Reviewer:
    return current_user.reviewer  # type: ignore[union-attr]


def reviewer_required(view: Callable) -> Callable:
    """Only logged-in reviewers (and admins); accountants get 403, anonymous users the review login."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not is_reviewer():
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def admin_required(view: Callable) -> Callable:
    @wraps(view)
    @reviewer_required
    def wrapper(*args: Any, **kwargs: Any):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths are followed after login (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target.rstrip("?") or default
    return default
