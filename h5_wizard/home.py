"""The accountant's home: who they are (masked ID) and where their collection stands."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from h5_wizard import bp
from h5_wizard.access import accountant_required
from portal.auth import current_account
from portal.extensions import db
from shared_models import status
from shared_models.models import Application
from shared_models.rules.identity import mask_id_number


@bp.get("/")
@accountant_required
def home():
    account = current_account()
    application = db.session.scalar(select(Application).where(Application.account_id == account.id))
    return render_template(
        "h5/home.html",
        account=account,
        masked_id=mask_id_number(account.id_number),
        application=application,
        status_label=status.label(application.status if application else None),
        page_title="首页",
    )
