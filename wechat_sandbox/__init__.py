"""A local stand-in for WeChat (development and tests only; never mounted in production).

Mounted by portal.factory when WECHAT_SANDBOX is on: the API (/sandbox/api, /sandbox/open), the phone page
and controls (/sandbox/, /sandbox/control/...), and the mail outbox page (mailbox.py).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.extensions import csrf
    from wechat_sandbox import api, control, mailbox

    # The account's template library, as the WeChat console would list it.
    app.extensions["sandbox_templates"] = {t for t in (app.config.get("WECHAT_TEMPLATE_REVIEW_RESULT"),) if t}
    for blueprint in (api.api, api.open_bp, control.bp):
        # WeChat's API takes no CSRF token; controls accept JSON bodies only (no cross-site forms).
        csrf.exempt(blueprint)
        app.register_blueprint(blueprint)
    init_mailbox = getattr(mailbox, "init_app", None)
    if init_mailbox is not None:
        init_mailbox(app)
