"""Reviewer login and logout (own form, throttled, no account enumeration) and the desk's script."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import flash, redirect, render_template, request, send_from_directory, session, url_for
from flask_login import login_user, logout_user

from portal.auth import ReviewerPrincipal, current_reviewer, is_reviewer, reviewer_required, safe_next
from portal.extensions import db
from portal.ratelimit import Throttle, retry_message
from review_desk import bp
from review_desk.forms import LoginForm
from shared_models.review import record_event
from shared_models.reviewers import authenticate_reviewer, normalise_username

log = logging.getLogger(__name__)
login_throttle = Throttle("review-login")
LOGIN_FAILED = "用户名或密码不正确"
STATIC = Path(__file__).resolve().parent / "static"


def client_ip() -> str:
    # Behind a reverse proxy, ProxyFix (configured by the deployment) rewrites remote_addr.
    return request.remote_addr or "unknown"


def _attempt(form: LoginForm) -> tuple[str | None, object | None]:
    """(error message, reviewer): one login attempt through the throttle."""
    username, ip = normalise_username(form.username.data), client_ip()
    if not username or not form.password.data:
        if not username:
            form.add_errors({"username": "请填写用户名"})
        if not form.password.data:
            form.add_errors({"password": "请填写密码"})
        return None, None
    wait = login_throttle.retry_after(username, ip)
    if wait:
        return retry_message(wait), None
    reviewer = authenticate_reviewer(db.session, username, form.password.data)
    if reviewer is None:
        db.session.rollback()
        wait = login_throttle.record_failure(username, ip)
        log.info("failed reviewer login for %r from %s", username[:64], ip)
        return (retry_message(wait) if wait else LOGIN_FAILED), None
    record_event(db.session, reviewer, "review.login", {"ip": ip})
    db.session.commit()
    login_throttle.reset(username)
    return None, reviewer


@bp.route("/login", methods=["GET", "POST"])
def login():
    if is_reviewer() and request.method == "GET":
        return redirect(safe_next(request.args.get("next"), url_for("review.queue")))
    form = LoginForm()
    error = None
    if request.method == "POST" and form.validate_on_submit():
        error, reviewer = _attempt(form)
        if reviewer is not None:
            session.clear()  # a fresh session on login: no fixation, no accountant session left over
            login_user(ReviewerPrincipal(reviewer))
            return redirect(safe_next(request.args.get("next"), url_for("review.queue")))
    errors = form.error_list()
    if error:
        errors = [("username", error), *errors]
    return render_template("review/login.html", form=form, error=error, errors=errors, page_title="审核登录")


@bp.post("/logout")
@reviewer_required
def logout():
    log.info("reviewer %s logged out", current_reviewer().username)
    logout_user()
    session.clear()
    flash("您已安全退出", "info")
    return redirect(url_for("review.login"))


@bp.get("/assets/desk.js")
@reviewer_required
def desk_js():
    """The desk's script (image zoom, reason fields); served to reviewers only, like every /review/ URL."""
    return send_from_directory(STATIC, "desk.js", mimetype="text/javascript", max_age=0)
