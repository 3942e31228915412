"""Account use cases over a Session: register, authenticate (with rehash), change password."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared_models.db import utcnow
from shared_models.models import Account
from shared_models.rules.passwords import (
    DUMMY_HASH,
    INITIAL_PREFIX,
    hash_password,
    needs_rehash,
    verify_password,
)


class DuplicateAccount(Exception):
    """An account with this (id_type, id_number) exists already."""


def find_accounts(session: Session, id_number: str) -> list[Account]:
    return list(session.scalars(select(Account).where(Account.id_number == id_number).order_by(Account.id)))


def register_account(session: Session, data: dict[str, str]) -> Account:
    """Create the account from validated registration data; raise DuplicateAccount if it exists."""
    exists = session.scalar(
        select(Account.id).where(Account.id_type == data["id_type"], Account.id_number == data["id_number"])
    )
    if exists:
        raise DuplicateAccount
    account = Account(
        id_type=data["id_type"],
        id_number=data["id_number"],
        name=data["name"],
        email=data["email"],
        password_hash=hash_password(data["password"]),
        origin="register",
        password_changed_at=utcnow(),
    )
    session.add(account)
    try:
        session.flush()
    except IntegrityError:  # a concurrent registration of the same number won the race
        session.rollback()
        raise DuplicateAccount from None
    return account


def authenticate(session: Session, id_number: str, password: str) -> Account | None:
    """The account whose password matches, or None. Same work whether or not the account exists."""
    accounts = find_accounts(session, id_number)
    if not accounts:
        verify_password(DUMMY_HASH, password)
        return None
    if not any(a.password_hash.startswith("scrypt:") for a in accounts):
        # Legacy digests verify in microseconds: pay the scrypt cost anyway, so that timing does not tell
        # an archive account that never logged in apart from the others.
        verify_password(DUMMY_HASH, password)
    for account in accounts:
        if verify_password(account.password_hash, password) or _still_initial(account, password):
            if needs_rehash(account.password_hash):
                # An initial password is case-insensitive (check digit x/X): it stays so once rehashed.
                initial = account.password_hash.startswith(INITIAL_PREFIX)
                account.password_hash = hash_password(password.upper() if initial else password)
            account.last_login_at = utcnow()
            return account
    return None


def _still_initial(account: Account, password: str) -> bool:
    """An initial password not yet replaced was stored upper-cased when rehashed: accept a lower-case x."""
    upper = password.upper()
    return account.must_change_password and upper != password and verify_password(account.password_hash, upper)


def set_password(account: Account, password: str, *, forced_change_done: bool = True) -> None:
    """Store a new password and end every other session (session_version bump)."""
    account.password_hash = hash_password(password)
    account.session_version = (account.session_version or 1) + 1
    account.password_changed_at = utcnow()
    if forced_change_done:
        account.must_change_password = False


def password_fingerprint(account: Account) -> str:
    """Changes with the password hash and the session version: a reset link signed over it dies with either."""
    return hashlib.sha256(f"{account.password_hash}|{account.session_version}".encode()).hexdigest()[:32]
