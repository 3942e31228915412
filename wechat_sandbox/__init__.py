"""A local stand-in for WeChat (development and tests only; never mounted in production)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    return None
