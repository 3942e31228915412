"""Password recovery by e-mail, reset by link, and password change (spec: "Accounts"; issue 6).

Recovery never tells whether an ID number and e-mail belong to an account: the answer, and the work done
before it, are the same either way (the mail itself leaves on a background thread). Every reset or change
bumps the account's session_version, which logs out its other sessions (portal.auth).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user
from wtforms import EmailField, PasswordField, StringField

from h5_wizard import bp
from h5_wizard.access import accountant_required, client_ip
from h5_wizard.password_mail import (
    account_for_token,
    decoy_recipient,
    mark_used,
    recipient_of,
    reset_mail,
    send_changed_notice,
)
from portal.auth import AccountantPrincipal, current_account
from portal.extensions import db
from portal.forms import BaseForm
from portal.mail import send_async
from portal.ratelimit import BEIJING, Throttle
from shared_models.accounts import find_accounts, set_password
from shared_models.rules.identity import mask_id_number, normalise_id_number
from shared_models.rules.passwords import password_errors, verify_password
from shared_models.rules.text import normalise_email

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ForgotThrottle(Throttle):
    """Recovery requests per account and per IP (every request counts, not only failures)."""

    def _limits(self) -> tuple[int, int, int]:
        cfg = current_app.config
        return (
            int(cfg.get("PASSWORD_FORGOT_MAX_PER_ACCOUNT", 3)),
            int(cfg.get("PASSWORD_FORGOT_MAX_PER_IP", 20)),
            int(cfg.get("PASSWORD_FORGOT_WINDOW_SECONDS", 3600)),
        )


forgot_throttle = ForgotThrottle("forgot")
change_throttle = Throttle("password-change")


class ForgotForm(BaseForm):
    id_number = StringField("证件号码")
    email = EmailField("电子邮箱")


class ResetForm(BaseForm):
    password = PasswordField("新密码")
    password_confirm = PasswordField("确认密码")


class ChangeForm(BaseForm):
    old_password = PasswordField("当前密码")
    password = PasswordField("新密码")
    password_confirm = PasswordField("确认密码")


def wait_message(seconds: int) -> str:
    until = datetime.now(UTC) + timedelta(seconds=seconds)
    minutes = max(1, -(-seconds // 60))
    return f"操作过于频繁，请于 {until.astimezone(BEIJING):%H:%M} 后再试（约 {minutes} 分钟）"


@bp.route("/password/forgot", methods=["GET", "POST"])
def password_forgot():
    form = ForgotForm()
    error = None
    if request.method == "POST" and form.validate_on_submit():
        id_number = normalise_id_number(form.id_number.data)
        errors = {} if id_number else {"id_number": "请填写证件号码"}
        try:
            email = normalise_email(form.email.data or "")
        except ValueError as exc:
            errors["email"] = str(exc)
        form.add_errors(errors)
        if not errors:
            wait = forgot_throttle.retry_after(id_number, client_ip())
            if wait:
                error = wait_message(wait)
            else:
                forgot_throttle.record_failure(id_number, client_ip())
                _mail_reset_links(id_number, email)
                return redirect(url_for("h5.password_forgot_sent"))
    errors = form.error_list()
    if error:
        errors = [("id_number", error), *errors]
    return render_template("h5/password_forgot.html", form=form, errors=errors, page_title="找回密码")


def _mail_reset_links(id_number: str, email: str) -> None:
    """Render a reset mail in every case; send it only to accounts whose e-mail matches."""
    matches = [a for a in find_accounts(db.session, id_number) if a.email and a.email.lower() == email.lower()]
    recipients = [recipient_of(a) for a in matches] or [decoy_recipient(id_number, email)]
    for recipient in recipients:
        message = reset_mail(recipient)
        if recipient.account_id:
            send_async(message)
    db.session.rollback()  # read only
    log.info("password recovery for %s: %s", mask_id_number(id_number), "mail queued" if matches else "no match")


@bp.get("/password/forgot/sent")
def password_forgot_sent():
    return render_template("h5/password_forgot_sent.html", page_title="找回密码")


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def password_reset(token: str):
    account = account_for_token(token)
    if account is None:
        return render_template("h5/password_reset_invalid.html", page_title="链接已失效"), 410
    form = ResetForm()
    if request.method == "POST" and form.validate_on_submit():
        errors = password_errors(form.password.data or "", form.password_confirm.data or "", account.id_number)
        form.add_errors(errors)
        if not errors:
            set_password(account, form.password.data)
            db.session.commit()
            mark_used(token)
            from h5_wizard.accounts import login_throttle  # the owner proved who they are: lift a lockout

            login_throttle.reset(account.id_number)
            send_changed_notice(account, reset=True)
            log.info("password reset for %s", mask_id_number(account.id_number))
            logout_user()
            session.clear()
            flash("密码已重置，请使用新密码登录。其他设备上的登录已失效。", "success")
            return redirect(url_for("h5.login"))
    return render_template(
        "h5/password_reset.html", form=form, masked_id=mask_id_number(account.id_number), page_title="重置密码"
    )


@bp.route("/password/change", methods=["GET", "POST"])
@accountant_required
def password_change():
    account = current_account()
    form = ChangeForm()
    error = None
    if request.method == "POST" and form.validate_on_submit():
        key = f"account:{account.id}"
        wait = change_throttle.retry_after(key, client_ip())
        if wait:
            error = wait_message(wait)
        else:
            errors = _change_errors(account, form)
            if "old_password" in errors and form.old_password.data:
                change_throttle.record_failure(key, client_ip())
            form.add_errors(errors)
            if not errors:
                return _apply_change(account, form.password.data)
    errors = form.error_list()
    if error:
        errors = [("old_password", error), *errors]
    return render_template(
        "h5/password_change.html", form=form, errors=errors, forced=account.must_change_password,
        page_title="修改密码",
    )


OLD_MISSING, OLD_WRONG, SAME_AS_OLD = "请填写当前密码", "当前密码不正确", "新密码不能与当前密码相同"


def _change_errors(account, form: ChangeForm) -> dict[str, str]:
    old, new = form.old_password.data or "", form.password.data or ""
    errors = password_errors(new, form.password_confirm.data or "", account.id_number)
    if not old:
        errors["old_password"] = OLD_MISSING
    elif not _old_password_ok(account, old):
        errors["old_password"] = OLD_WRONG
    elif "password" not in errors and new == old:
        errors["password"] = SAME_AS_OLD
    return errors


def _old_password_ok(account, old: str) -> bool:
    if verify_password(account.password_hash, old):
        return True
    # A still-initial password was stored upper-cased at login (x/X check digit): accept either case.
    return account.must_change_password and old != old.upper() and verify_password(account.password_hash, old.upper())


def _apply_change(account, password: str):
    set_password(account, password)
    db.session.commit()
    # The bumped session_version logged out every session, this one too: start a fresh one here.
    session.clear()
    login_user(AccountantPrincipal(account))
    send_changed_notice(account, reset=False)
    log.info("password changed for %s", mask_id_number(account.id_number))
    flash("密码已修改。其他设备上的登录已失效。", "success")
    return redirect(url_for("h5.home"))

