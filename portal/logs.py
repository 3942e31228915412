"""Logging that never writes a full ID number: every 15/18-character ID-like token is masked."""

from __future__ import annotations

import logging
import re

from shared_models.rules.identity import mask_id_number

_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")


def mask_ids(text: str) -> str:
    return _ID_LIKE.sub(lambda m: mask_id_number(m.group(1).upper()), text)


class MaskIdNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not stop logging
            return True
        masked = mask_ids(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def configure_logging(level: int = logging.INFO) -> None:
    root = logging.getLogger()
    if not any(isinstance(f, MaskIdNumbers) for h in root.handlers for f in h.filters):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(MaskIdNumbers())
        root.addHandler(handler)
        root.setLevel(level)
    # Werkzeug's access log prints request paths, which may carry query strings: mask them too.
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskIdNumbers) for f in logger.filters):
            logger.addFilter(MaskIdNumbers())
