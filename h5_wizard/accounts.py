"""Registration, login and logout of accountants (spec: "Accounts")."""

from __future__ import annotations

import logging

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user

from h5_wizard import bp
from h5_wizard.access import client_ip
from h5_wizard.forms import LoginForm, RegisterForm
from portal.auth import AccountantPrincipal, is_accountant, safe_next
from portal.extensions import db
from portal.ratelimit import Throttle, retry_message
from shared_models.accounts import DuplicateAccount, authenticate, register_account
from shared_models.rules.accounts import validate_registration
from shared_models.rules.identity import mask_id_number, normalise_id_number

log = logging.getLogger(__name__)
login_throttle = Throttle("h5-login")
LOGIN_FAILED = "账号或密码不正确"


def _start_session(account) -> None:
    session.clear()  # a fresh session on login: no fixation
    login_user(AccountantPrincipal(account))
    from h5_wizard import hooks

    hooks.after_login(account)


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if request.method == "POST" and form.validate_on_submit():
        data, errors = validate_registration(request.form)
        if not errors:
            try:
                account = register_account(db.session, data)
                db.session.commit()
            except DuplicateAccount:
                errors["id_number"] = "该证件号码已注册，请直接登录；如忘记密码，请使用“忘记密码”找回"
            else:
                log.info("registered account %s", mask_id_number(account.id_number))
                _start_session(account)
                flash("注册成功！", "success")
                return redirect(url_for("h5.home"))
        form.add_errors(errors)
    return render_template("h5/register.html", form=form, page_title="注册")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if is_accountant() and request.method == "GET":
        return redirect(safe_next(request.args.get("next"), url_for("h5.home")))
    form = LoginForm()
    error = None
    if request.method == "POST" and form.validate_on_submit():
        id_number = normalise_id_number(form.id_number.data)
        ip = client_ip()
        wait = login_throttle.retry_after(id_number, ip)
        if not id_number or not form.password.data:
            if not id_number:
                form.add_errors({"id_number": "请填写账号（证件号码）"})
            if not form.password.data:
                form.add_errors({"password": "请填写密码"})
        elif wait:
            error = retry_message(wait)
        else:
            account = authenticate(db.session, id_number, form.password.data)
            if account is None:
                wait = login_throttle.record_failure(id_number, ip)
                db.session.rollback()
                error = retry_message(wait) if wait else LOGIN_FAILED
                log.info("failed login for %s from %s", mask_id_number(id_number), ip)
            else:
                db.session.commit()
                login_throttle.reset(id_number)
                _start_session(account)
                return redirect(safe_next(request.args.get("next"), url_for("h5.home")))
    errors = form.error_list()
    if error:
        errors = [("id_number", error), *errors]
    return render_template("h5/login.html", form=form, error=error, errors=errors, page_title="登录")


@bp.post("/logout")
def logout():
    logout_user()
    session.clear()
    flash("您已安全退出", "info")
    return redirect(url_for("h5.login"))
