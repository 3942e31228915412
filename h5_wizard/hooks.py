"""What happens right after an accountant logs in or registers (WeChat binding joins here)."""

from __future__ import annotations

from shared_models.models import Account


def after_login(account: Account) -> None:
    """Extension point: the WeChat gateway binds a remembered openid here."""
    from wx_gateway import oauth

    oauth.bind_pending_openid(account)
