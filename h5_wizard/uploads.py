"""The upload steps (photos, attachments): slots of 1–5 images with upload, replace and delete.

Every file goes through shared_models.images.normalise_image (content-sniffed, decoded, rotated upright,
metadata stripped, re-encoded as JPEG under 1 MB) before it reaches storage; a file that fails gets its own
message at its slot. Slots that do not apply to the answers are neither shown nor accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import FileStorage

from h5_wizard import progress, state
from h5_wizard.files import storage
from h5_wizard.steps import after_save_target, chrome, save
from portal.extensions import db
from shared_models import applications as use_cases
from shared_models.images import MAX_UPLOAD_BYTES, ImageError, normalise_image
from shared_models.models import Attachment
from shared_models.rules.wizard import Slot, attachment_slots, photo_slots

CAMERA = {"portrait": "user", "id_front": "environment", "id_back": "environment"}
TOO_LARGE = "图片不能超过15MB"


@dataclass
class SlotView:
    slot: Slot
    items: list[Attachment]
    errors: list[str] = field(default_factory=list)
    capture: str | None = None

    @property
    def key(self) -> str:
        return self.slot.key

    @property
    def room(self) -> int:
        return max(self.slot.max_files - len(self.items), 0)


def slots_of(slug: str, prog: progress.Progress) -> list[Slot]:
    if slug == "photos":
        return photo_slots(prog.applicant)
    return attachment_slots(prog.answers, prog.applicant)


def slot_views(slug: str, prog: progress.Progress, errors: dict[str, list[str]] | None = None) -> list[SlotView]:
    errors = errors or {}
    return [
        SlotView(slot, prog.attachments.get(slot.key, []), errors.get(slot.key, []),
                 CAMERA.get(slot.key) if slug == "photos" else None)
        for slot in slots_of(slug, prog)
    ]


def handle(slug: str, prog: progress.Progress):
    if request.method == "GET":
        state.open_step(prog.account.id, slug, prog.completed_steps())
        return render_upload_step(slug, prog)
    slots = {slot.key: slot for slot in slots_of(slug, prog)}
    errors: dict[str, list[str]] = {}
    changed = change_files(slug, prog, slots, errors)
    if any(errors.values()):
        db.session.expire_all()
        return render_upload_step(slug, progress.load(prog.account), errors)
    prog = progress.load(prog.account)
    if request.form.get("action") == "continue":
        missing = prog.check_errors.get(slug, {})
        if missing:
            return render_upload_step(slug, prog, {k: [v] for k, v in missing.items()})
        save(slug, prog, {}, completed=True)
        return redirect(after_save_target(slug))
    if request.form.get("action") == "save" or not prog.section_saved(slug):
        save(slug, prog, {}, completed=not prog.check_errors.get(slug), move=False)
    flash(changed or "已保存", "success")
    target = url_for("h5.step", slug=slug, **({"return": "submit"} if request.values.get("return") == "submit" else {}))
    return redirect(target)


def render_upload_step(slug: str, prog: progress.Progress, errors: dict[str, list[str]] | None = None):
    views = slot_views(slug, prog, errors)
    summary_errors = [(f"slot-{v.key}", message) for v in views for message in v.errors]
    context = {
        "slots": views,
        "errors": summary_errors,
        "reasons": prog.reasons.get(slug, []) if prog.needs_change(slug) else [],
        "work_proof_url": url_for("h5.work_proof_template"),
    }
    return render_template("h5/steps/upload_step.html", **context, **chrome(slug))


def change_files(slug: str, prog: progress.Progress, slots: dict[str, Slot], errors: dict[str, list[str]]) -> str:
    """Apply the POST's delete, replace and upload requests; return the message to flash (or "")."""
    session = db.session
    application = use_cases.get_or_create_draft(session, prog.account)
    store = storage()
    new_keys: list[str] = []
    old_keys: list[str] = []
    messages: list[str] = []
    try:
        if request.form.get("delete"):
            attachment = owned_attachment(application, request.form["delete"], slots)
            old_keys.append(use_cases.delete_attachment(session, application, attachment))
            messages.append("已删除")
        elif request.form.get("replace"):
            attachment = owned_attachment(application, request.form["replace"], slots)
            upload = _first_file(f"replace_{attachment.id}")
            if upload is None:
                errors[attachment.slot] = ["请选择用于替换的图片"]
            else:
                image = store_image(store, upload, attachment.slot, errors, new_keys)
                if image is not None:
                    old_keys.append(use_cases.replace_attachment(session, application, attachment, image))
                    messages.append("已替换")
        added = add_uploads(store, application, prog, slots, errors, new_keys, old_keys)
        if added:
            messages.append(f"已上传{added}张图片")
        session.commit()
    except BaseException:
        session.rollback()
        _delete_keys(store, new_keys)
        raise
    _delete_keys(store, old_keys)
    return "，".join(messages)


def add_uploads(store, application, prog, slots, errors, new_keys, old_keys) -> int:
    """Store every file posted under a slot name; a one-image slot that is full gets its image replaced."""
    added = 0
    for key, slot in slots.items():
        files = [f for f in request.files.getlist(key) if f and f.filename]
        existing = list(prog.attachments.get(key, []))
        for upload in files:
            if slot.max_files == 1 and existing:
                image = store_image(store, upload, key, errors, new_keys)
                if image is not None:
                    old_keys.append(use_cases.replace_attachment(db.session, application, existing[0], image))
                    added += 1
                continue
            if len(existing) >= slot.max_files:
                errors.setdefault(key, []).append(f"{slot.label}最多上传{slot.max_files}张，请先删除不需要的图片")
                break
            image = store_image(store, upload, key, errors, new_keys)
            if image is not None:
                existing.append(use_cases.add_attachment(db.session, application, key, image, max_files=slot.max_files))
                added += 1
    return added


def store_image(store, upload: FileStorage, slot: str, errors: dict[str, list[str]], new_keys: list[str]):
    """Normalise and store one file; on a bad file record its message at the slot and return None."""
    data = upload.stream.read(MAX_UPLOAD_BYTES + 1)
    name = (upload.filename or "图片")[-40:]
    try:
        if len(data) > MAX_UPLOAD_BYTES:
            raise ImageError(TOO_LARGE)
        image = normalise_image(data, portrait=(slot == "portrait"))
    except ImageError as exc:
        errors.setdefault(slot, []).append(f"{name}：{exc.message}")
        return None
    key = store.save(image.data)
    new_keys.append(key)
    return use_cases.StoredImage(key, len(image.data), image.width, image.height, image.sha256)


def owned_attachment(application, raw_id: Any, slots: dict[str, Slot]) -> Attachment:
    """The attachment named by a delete/replace button, only if it is this record's and in a slot of this step."""
    try:
        attachment = db.session.get(Attachment, int(raw_id))
    except (TypeError, ValueError):
        attachment = None
    if attachment is None or attachment.application_id != application.id or attachment.slot not in slots:
        abort(404)
    return attachment


def _first_file(name: str) -> FileStorage | None:
    upload = request.files.get(name)
    return upload if upload and upload.filename else None


def _delete_keys(store, keys: list[str]) -> None:
    for key in keys:
        try:
            store.delete(key)
        except OSError:  # a leftover file is harmless; the database no longer points at it
            current_app.logger.warning("could not delete stored file %s", key)
