"""The authorised file view (/h5/files/<id>) and the filled-in 工作证明 template download.

Files live outside the static folder under random names; this view is the only way to read them: the
owner, or an active reviewer whose jurisdiction contains the application's region. Everyone else gets a
404, so that the existence of a file id is not revealed.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, current_app

from h5_wizard import bp
from h5_wizard.access import accountant_required
from portal.auth import current_account, current_reviewer, is_accountant, is_reviewer
from portal.extensions import db
from shared_models import applications as use_cases
from shared_models.documents import work_proof_docx
from shared_models.models import Application, Attachment
from shared_models.reference import in_jurisdiction
from shared_models.storage import storage_from_settings

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def storage():
    """The configured storage; refuses a MEDIA_ROOT inside a static folder (files would be public)."""
    static_dirs = tuple(d for d in (current_app.static_folder, bp.static_folder) if d)
    return storage_from_settings(current_app.config["MEDIA_ROOT"], static_dirs)


def may_view(application: Application) -> bool:
    if is_accountant():
        return application.account_id == current_account().id
    if is_reviewer():
        reviewer = current_reviewer()
        return bool(reviewer.active) and in_jurisdiction(application.region_code, reviewer.region_code)
    return False


@bp.get("/files/<int:file_id>")
def file(file_id: int):
    attachment = db.session.get(Attachment, file_id)
    application = db.session.get(Application, attachment.application_id) if attachment else None
    if application is None or not may_view(application):
        abort(404)
    try:
        data = storage().open(attachment.storage_key)
    except (OSError, KeyError, ValueError):
        current_app.logger.error("attachment %s: stored file missing", attachment.id)
        abort(404)
    response = Response(data, mimetype="image/jpeg")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = f'inline; filename="{attachment.slot}-{attachment.position + 1}.jpg"'
    return response


def content_disposition(filename: str, fallback: str) -> str:
    """attachment; with an ASCII fallback and the Chinese name per RFC 5987 (filename*=UTF-8'')."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


@bp.get("/steps/attachments/work-proof-template")
@accountant_required
def work_proof_template():
    """工作证明 (DOCX) filled with the name, ID number and the employer saved on the employer step."""
    account = current_account()
    application = use_cases.get_application(db.session, account.id)
    employer = (application.answers().get("employer") or {}) if application else {}
    data = work_proof_docx(account.name, account.id_type, account.id_number, employer.get("employer_name") or "")
    response = Response(data, mimetype=DOCX)
    response.headers["Content-Disposition"] = content_disposition(f"工作证明-{account.name}.docx", "work-proof.docx")
    response.headers["Cache-Control"] = "private, no-store"
    return response
