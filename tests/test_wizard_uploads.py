"""Photos and attachments: slots, per-file messages, delete/replace, the authorised file view, the template."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from PIL import Image
from sqlalchemy import select

from shared_models.models import Attachment, Reviewer
from tests.conftest import VALID_ID, html
from tests.fixtures_wizard import (
    ANSWERS_ID,
    employer_answers,
    filled_application,
    jpeg_bytes,
    png_bytes,
    post_step,
    upload,
)


def _start(client, register, id_number=ANSWERS_ID):
    register(id_number=id_number)
    post_step(client, "commitment", {"commitment_agreed": "y"})


def _attachments(wizard_db) -> list[Attachment]:
    with wizard_db() as s:
        return list(s.scalars(select(Attachment).order_by(Attachment.slot, Attachment.position)))


def test_photo_step_offers_camera_and_album_per_slot(client, register):
    _start(client, register)
    page = html(client.get("/h5/steps/photos"))
    assert "第 2 步，共 9 步" in page and 'enctype="multipart/form-data"' in page
    assert 'name="portrait" accept="image/jpeg,image/png" capture="user"' in page
    assert 'name="id_front" accept="image/jpeg,image/png" capture="environment"' in page
    assert 'name="id_back"' in page and "证件国徽面" in page


def test_id_back_is_not_asked_of_one_sided_documents(client, register, wizard_db):
    register(id_type="护照", id_number="E12345678")
    post_step(client, "commitment", {"commitment_agreed": "y"})
    page = html(client.get("/h5/steps/photos"))
    assert 'name="id_back"' not in page
    upload(client, "photos", {"id_back": [(jpeg_bytes(), "b.jpg")]})  # a slot that does not apply
    assert _attachments(wizard_db) == []


def test_uploads_are_normalised_and_stored_and_continue_needs_every_required_slot(client, register, wizard_db):
    _start(client, register)
    response = upload(client, "photos", {"portrait": [(png_bytes(), "me.png")]})
    assert response.status_code == 302
    assert "已上传1张图片" in html(client.get("/h5/steps/photos"))
    stored = _attachments(wizard_db)
    assert [(a.slot, a.width, a.height, a.content_type) for a in stored] == [("portrait", 295, 413, "image/jpeg")]
    page = html(upload(client, "photos", {}, action="continue"))
    assert "请上传证件人像面" in page and "请上传证件国徽面" in page and 'class="error-summary"' in page
    response = upload(client, "photos", {"id_front": [(jpeg_bytes(), "f.jpg")], "id_back": [(jpeg_bytes(), "b.jpg")]},
                      action="continue")
    assert response.headers["Location"].endswith("/h5/steps/basics")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"this is not an image at all", "文件内容不是图片"),
        (b"", "文件为空"),
        (jpeg_bytes(800, 600)[:600], "图片文件已损坏"),
    ],
)
def test_bad_files_get_their_own_message_at_the_slot(client, register, wizard_db, data, message):
    _start(client, register)
    response = upload(client, "photos", {"id_front": [(data, "photo.jpg")]})
    page = html(response)
    assert response.status_code == 200 and f"photo.jpg：{message}" in page
    assert 'href="#slot-id_front"' in page  # in the error summary, linking to the slot
    assert _attachments(wizard_db) == []


def test_an_oversized_upload_is_refused_with_a_message(client, register, wizard_db):
    _start(client, register)
    big = b"\xff\xd8\xff" + b"0" * (15 * 1024 * 1024 + 10)
    page = html(upload(client, "photos", {"id_front": [(big, "big.jpg")]}))
    assert "big.jpg：图片不能超过15MB" in page
    assert _attachments(wizard_db) == []


def _attachments_step(client, register, work_status="在职"):
    _start(client, register)
    post_step(client, "employer", employer_answers(work_status))


def test_attachment_slots_follow_the_answers_and_take_up_to_five(client, register, wizard_db):
    _attachments_step(client, register, "在读")
    page = html(client.get("/h5/steps/attachments"))
    assert "学生证" in page and "全日制最高学历毕业证书" in page and "工作证明" not in page
    upload(client, "attachments", {"work_proof": [(jpeg_bytes(), "w.jpg")]})  # not applicable: not accepted
    assert _attachments(wizard_db) == []
    files = [(jpeg_bytes(300 + i, 200), f"p{i}.jpg") for i in range(6)]
    page = html(upload(client, "attachments", {"fulltime_diploma": files}))
    assert "全日制最高学历毕业证书最多上传5张" in page
    assert [a.position for a in _attachments(wizard_db)] == [0, 1, 2, 3, 4]


def test_delete_and_replace(client, register, wizard_db):
    _attachments_step(client, register)
    upload(client, "attachments", {"fulltime_diploma": [(jpeg_bytes(), "a.jpg"), (jpeg_bytes(500, 500), "b.jpg"),
                                                        (jpeg_bytes(), "c.jpg")]})
    first, second, third = _attachments(wizard_db)
    page = html(client.get("/h5/steps/attachments"))
    assert f'name="delete" value="{second.id}"' in page and f'name="replace_{second.id}"' in page
    assert f'src="/h5/files/{first.id}"' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/h5/steps/attachments", data={"csrf_token": token, "delete": str(second.id)})
    assert response.status_code == 302
    assert [(a.id, a.position) for a in _attachments(wizard_db)] == [(first.id, 0), (third.id, 1)]
    replacement = (io.BytesIO(jpeg_bytes(900, 300)), "new.jpg")
    client.post("/h5/steps/attachments", data={"csrf_token": token, "replace": str(third.id),
                                                f"replace_{third.id}": replacement},
                content_type="multipart/form-data")
    after = _attachments(wizard_db)
    assert after[1].id == third.id and after[1].width == 900 and after[1].storage_key != third.storage_key
    assert client.get(f"/h5/files/{third.id}").status_code == 200


def test_delete_of_another_accountants_file_is_404(app, client, register, wizard_db):
    _attachments_step(client, register)
    upload(client, "attachments", {"fulltime_diploma": [(jpeg_bytes(), "a.jpg")]})
    (mine,) = _attachments(wizard_db)
    other = _other_accountant(app)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html(other.get("/h5/steps/commitment"))).group(1)
    other.post("/h5/steps/commitment", data={"csrf_token": token, "commitment_agreed": "y", "action": "continue"})
    response = other.post("/h5/steps/attachments", data={"csrf_token": token, "delete": str(mine.id)})
    assert response.status_code == 404
    assert len(_attachments(wizard_db)) == 1


def _other_accountant(app):
    other = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html(other.get("/h5/register"))).group(1)
    other.post("/h5/register", data={"id_type": "居民身份证", "id_number": VALID_ID, "name": "李四",
                                     "password": "Kuaiji@2026", "password_confirm": "Kuaiji@2026",
                                     "email": "lisi@example.com", "csrf_token": token})
    return other


def test_file_view_headers_and_who_may_see_it(app, client, register, wizard_db):
    filled_application(client, register)
    portrait = next(a for a in _attachments(wizard_db) if a.slot == "portrait")
    response = client.get(f"/h5/files/{portrait.id}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert Image.open(io.BytesIO(response.data)).size == (295, 413)
    assert _other_accountant(app).get(f"/h5/files/{portrait.id}").status_code == 404
    assert app.test_client().get(f"/h5/files/{portrait.id}").status_code == 404  # anonymous
    assert client.get("/h5/files/999999").status_code == 404  # same answer for a missing id


@pytest.mark.parametrize(("jurisdiction", "active", "expected"),
                         [("140000", True, 200), ("140100", True, 200), ("140105", True, 200),
                          ("140200", True, 404), ("140106", True, 404), ("140100", False, 404)])
def test_reviewers_see_files_of_their_jurisdiction_only(app, client, register, wizard_db, jurisdiction, active,
                                                       expected):
    filled_application(client, register, region_code="140105")
    portrait = next(a for a in _attachments(wizard_db) if a.slot == "portrait")
    with wizard_db() as s:
        reviewer = Reviewer(username="r", name="审核员", password_hash="x", region_code=jurisdiction, active=active)
        s.add(reviewer)
        s.commit()
        reviewer_id = reviewer.id
    desk = app.test_client()
    with desk.session_transaction() as sess:
        sess["_user_id"] = f"r:{reviewer_id}:1"
        sess["_fresh"] = True
    assert desk.get(f"/h5/files/{portrait.id}").status_code == expected


def test_work_proof_template_is_filled_in(client, register):
    _attachments_step(client, register)
    page = html(client.get("/h5/steps/attachments"))
    assert 'href="/h5/steps/attachments/work-proof-template"' in page
    response = client.get("/h5/steps/attachments/work-proof-template")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="work-proof.docx"')
    assert "filename*=UTF-8''%E5%B7%A5%E4%BD%9C%E8%AF%81%E6%98%8E" in disposition  # 工作证明
    document = zipfile.ZipFile(io.BytesIO(response.data)).read("word/document.xml").decode()
    assert "张三" in document and ANSWERS_ID in document and "太原市示例会计服务有限公司" in document
