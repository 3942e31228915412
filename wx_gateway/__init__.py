"""The WeChat side: callback /wx, custom menu, API client with a shared token, web OAuth, notifications.

The only package that imports wechatpy.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    return None
