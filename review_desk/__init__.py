"""Reviewers' desk: queue, detail, decisions, history, export (desktop layout)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Flask

bp = Blueprint("review", __name__, url_prefix="/review", template_folder="templates")


def beijing_time(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Stored UTC timestamps shown in Beijing time (SQLite hands back naive UTC)."""
    from shared_models.review.queue import BEIJING, as_utc

    moment = as_utc(moment)
    return moment.astimezone(BEIJING).strftime(fmt) if moment else ""


def region_label(code: str | None) -> str:
    """太原市小店区 / 太原市（市直） / 省直: the full name without the province."""
    from shared_models.reference import PROVINCE_CODE, region_full_name

    if code == PROVINCE_CODE:
        return "省直"
    full = region_full_name(code)
    return full.removeprefix("山西省") or "—"


@bp.context_processor
def _helpers() -> dict:
    return {"bj": beijing_time, "region_label": region_label}


def init_app(app: Flask) -> None:
    from review_desk import auth_views, cli, detail_views, queue_views  # noqa: F401 - route registration

    app.register_blueprint(bp)
