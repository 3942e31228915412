"""The WeChat side: callback /wx, custom menu, API client with a shared token, web OAuth, notifications.

The only package that imports wechatpy.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register /wx (CSRF-exempt: WeChat signs its requests instead), /h5/oauth/callback and `flask wx`."""
    from wx_gateway import callback, cli, oauth

    app.register_blueprint(callback.bp)
    app.register_blueprint(oauth.bp)
    app.after_request(oauth.clear_pending_cookie)
    app.cli.add_command(cli.wx_cli)
