"""Access to accountant pages: a logged-in accountant, or the way to become one."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, redirect, request, url_for
from flask_login import current_user

from portal.auth import REVIEWER, is_accountant


def client_ip() -> str:
    # Behind a reverse proxy, ProxyFix (configured by the deployment) rewrites remote_addr.
    return request.remote_addr or "unknown"


def accountant_required(view: Callable) -> Callable:
    """Anonymous visitors go to the login page; a reviewer's session may not use accountant pages."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        if not current_user.is_authenticated:
            from wx_gateway import oauth  # inside WeChat: silent snsapi_base OAuth first

            if oauth.should_authorize():
                return oauth.authorize_redirect(request.full_path.rstrip("?"))
            return redirect(url_for("h5.login", next=request.full_path.rstrip("?")))
        if getattr(current_user, "kind", None) == REVIEWER or not is_accountant():
            abort(403)
        if current_user.account.must_change_password and request.endpoint != "h5.password_change":
            # An initial archive password must be replaced before anything else (logout is a separate view).
            return redirect(url_for("h5.password_change"))
        return view(*args, **kwargs)

    return wrapper
