"""Settings loading: committed defaults (config/*.toml), then the environment, then explicit overrides.

The environment always wins over the files: that is how a deployment (and a test) configures the app.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = ROOT / "config"
ENVIRONMENTS = ("development", "testing", "production")
REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "WECHAT_APPID", "WECHAT_SECRET", "WECHAT_TOKEN")


class SettingsError(RuntimeError):
    """Raised when the settings cannot make a safe application (e.g. production without secrets)."""


def _coerce(raw: str, default: Any) -> Any:
    """Convert an environment string to the type of the committed default."""
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


def _read(name: str) -> dict[str, Any]:
    path = CONFIG_DIR / f"{name}.toml"
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def load_settings(overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None) -> dict:
    """Return the settings dictionary for the environment named by APP_ENV (default: development)."""
    environ = dict(os.environ if environ is None else environ)
    overrides = dict(overrides or {})
    app_env = overrides.get("APP_ENV") or environ.get("APP_ENV") or "development"
    if app_env not in ENVIRONMENTS:
        raise SettingsError(f"APP_ENV must be one of {ENVIRONMENTS}, not {app_env!r}")
    if app_env == "development":
        _load_dotenv(environ)

    settings: dict[str, Any] = _read("defaults")
    settings.update(_read(app_env))
    for key, default in list(settings.items()):
        if key in environ and environ[key] != "":
            settings[key] = _coerce(environ[key], default)
    # Keys without a committed default (e.g. MAIL_* extras) may still come from the environment.
    settings.update(overrides)
    settings["APP_ENV"] = app_env
    _fill_paths(settings)
    if app_env == "production":
        missing = [key for key in REQUIRED_IN_PRODUCTION if not settings.get(key)]
        if missing:
            raise SettingsError("production refuses to start without: " + ", ".join(missing))
        if settings.get("WECHAT_SANDBOX"):
            raise SettingsError("the WeChat sandbox is never mounted in production")
    return settings


def _load_dotenv(environ: dict[str, str]) -> None:
    """Read .env in development only; variables already set keep their values."""
    path = ROOT / ".env"
    if not path.exists():
        return
    from dotenv import dotenv_values

    for key, value in dotenv_values(path).items():
        if value is not None:
            environ.setdefault(key, value)


def _fill_paths(settings: dict[str, Any]) -> None:
    instance = Path(settings.get("INSTANCE_PATH") or ROOT / "instance")
    settings["INSTANCE_PATH"] = str(instance)
    if not settings.get("DATABASE_URL"):
        settings["DATABASE_URL"] = f"sqlite:///{instance / 'collection.sqlite3'}"
    if not settings.get("MEDIA_ROOT"):
        settings["MEDIA_ROOT"] = str(instance / "media")
