"""Password-reset links and the mails about passwords.

A reset link is an itsdangerous URLSafeTimedSerializer token over the account id and a fingerprint of the
current password hash and session version: it expires after PASSWORD_RESET_MAX_AGE seconds (30 minutes)
and dies as soon as the password changes (so it works once). A Redis marker of used tokens backs this up.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from portal.extensions import db, redis_store
from portal.mail import render_message, send_async
from shared_models.accounts import password_fingerprint
from shared_models.models import Account
from shared_models.rules.identity import mask_id_number

SALT = "h5-password-reset"
DEFAULT_MAX_AGE = 30 * 60
USED_PREFIX = "pwreset:used:"


@dataclass(frozen=True)
class Recipient:
    """Who a recovery mail is for; a stand-in with account_id 0 when nobody matched (the mail is dropped)."""

    account_id: int
    fingerprint: str
    name: str
    id_number: str
    email: str


def max_age() -> int:
    return int(current_app.config.get("PASSWORD_RESET_MAX_AGE") or DEFAULT_MAX_AGE)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(recipient: Recipient) -> str:
    return _serializer().dumps({"a": recipient.account_id, "f": recipient.fingerprint})


def _used_key(token: str) -> str:
    return USED_PREFIX + hashlib.sha256(token.encode()).hexdigest()


def account_for_token(token: str) -> Account | None:
    """The account a valid, unexpired, unused link belongs to; None otherwise (whatever the reason)."""
    try:
        data = _serializer().loads(token, max_age=max_age())
        account_id, fingerprint = int(data["a"]), str(data["f"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    if redis_store.client.exists(_used_key(token)):
        return None
    account = db.session.get(Account, account_id)
    if account is None or not hmac.compare_digest(password_fingerprint(account), fingerprint):
        return None
    return account


def mark_used(token: str) -> None:
    redis_store.client.set(_used_key(token), "1", ex=max_age() + 60)


def recipient_of(account: Account) -> Recipient:
    return Recipient(account.id, password_fingerprint(account), account.name, account.id_number, account.email)


def decoy_recipient(id_number: str, email: str) -> Recipient:
    """Same shape, same work: used when nothing matched, so that both answers cost the same."""
    return Recipient(0, secrets.token_hex(16), "会计人员", id_number, email)


def _absolute(endpoint: str, **values: str) -> str:
    base = str(current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    return base + url_for(endpoint, **values)


def reset_mail(recipient: Recipient):
    """The recovery mail (rendered whether or not it will be sent)."""
    token = make_token(recipient)
    return render_message(
        recipient.email,
        "重置密码 - 山西省会计人员信息采集",
        "h5/mail/password_reset",
        name=recipient.name,
        masked_id=mask_id_number(recipient.id_number),
        link=_absolute("h5.password_reset", token=token),
        minutes=max_age() // 60,
    )


def send_changed_notice(account: Account, *, reset: bool) -> None:
    """Tell the owner that the password changed (by reset or by themselves), with what to do if it was not them."""
    if not account.email:
        return
    message = render_message(
        account.email,
        "密码已修改 - 山西省会计人员信息采集",
        "h5/mail/password_changed",
        name=account.name,
        masked_id=mask_id_number(account.id_number),
        reset=reset,
        forgot_link=_absolute("h5.password_forgot"),
    )
    send_async(message)
