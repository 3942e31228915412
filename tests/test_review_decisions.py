"""The detail page and decisions: approve, reject with reasons, atomicity, concurrency, history, changes."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from shared_models.models import Application, AuditEvent, Decision, NotificationOutbox, Reviewer, Submission
from shared_models.review import DecisionConflict, ReasonInput, decide
from tests.conftest import html
from tests.fixtures_review import make_id, sample_answers


def _detail(client, application_id: int) -> str:
    response = client.get(f"/review/applications/{application_id}")
    assert response.status_code == 200
    return html(response)


def _seen(page: str) -> dict[str, str]:
    return {
        "submission_id": re.search(r'name="submission_id" value="(\d+)"', page).group(1),
        "version": re.search(r'name="version" value="(\d+)"', page).group(1),
    }


def _post(client, application_id: int, data: dict, **kw):
    url = f"/review/applications/{application_id}"
    page = _detail(client, application_id)
    return client.submit(f"{url}/decision", {**_seen(page), **data}, form_url=url, **kw)


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def desk(client, review, review_login):
    reviewer = review.reviewer(region="140100", name="李审核")
    review_login()
    return reviewer


def test_detail_shows_every_section_with_wizard_labels_full_id_and_images(client, review, desk):
    application = review.application(name="王芳", id_number=make_id(31), images=True,
                                     origins={"education": {"fulltime_school": "archive"}})
    page = _detail(client, application.id)
    assert make_id(31) in page  # reviewers need the full number
    for label in ("出生日期", "民族", "政治面貌", "所属行政区划", "会计专业技术职务", "全日制毕业院校",
                  "工作单位名称", "统一社会信用代码", "珠算等级", "是否注册会计师"):
        assert f"<dt>{label}</dt>" in page, label
    assert "汉族" in page and "山西省太原市小店区" in page and "山西财经大学" in page
    school = re.search(r'data-field="fulltime_school">(.*?)</div>', page, re.S).group(1)
    assert "档案导入" in school
    major = re.search(r'data-field="fulltime_major">(.*?)</div>', page, re.S).group(1)
    assert "档案导入" not in major
    files = re.findall(r'href="/h5/files/(\d+)"[^>]*data-zoom', page)
    assert len(files) == 7  # portrait, both ID sides and four attachments
    assert "本人近期一寸免冠证件照" in page and "工作证明" in page
    assert "规则复核发现" not in page  # a consistent record raises no flag


def test_detail_flags_inconsistencies_found_by_the_rules(client, review, desk):
    answers = sample_answers(basics={"postal_code": "0300"})  # bad postal code slipped through
    application = review.application(answers=answers)  # and no images at all
    page = _detail(client, application.id)
    assert "规则复核发现" in page
    flagged = re.search(r'data-field="postal_code">(.*?)</div>', page, re.S).group(1)
    assert "desk-flag" in flagged and "邮政编码" in flagged
    assert "请上传本人近期一寸免冠证件照" in page


def test_approve_writes_decision_audit_and_outbox_together(client, review, desk):
    application = review.application(name="王芳")
    response = _post(client, application.id, {"outcome": "approved"}, follow_redirects=True)
    assert "已审核通过：王芳" in html(response)
    session = review.fresh()
    app_row = session.get(Application, application.id)
    assert app_row.status == "approved" and app_row.decided_at is not None
    decision = session.scalar(select(Decision))
    assert decision.outcome == "approved" and decision.reviewer_id == desk.id and decision.reasons == []
    audit = session.scalar(select(AuditEvent).where(AuditEvent.action == "review.approve"))
    assert audit.actor_type == "reviewer" and audit.actor_id == desk.id and audit.subject_id == application.id
    assert audit.details["from_status"] == "submitted" and audit.details["to_status"] == "approved"
    outbox = session.scalar(select(NotificationOutbox))
    assert outbox.kind == "review_result" and outbox.status == "pending"
    assert outbox.decision_id == decision.id and outbox.account_id == app_row.account_id
    assert outbox.payload["outcome"] == "approved" and outbox.payload["name"] == "王芳"
    assert outbox.payload["reasons"] == [] and outbox.payload["decided_at"].startswith(str(decision.decided_at.year))


def test_reject_with_reasons_per_step_and_field(client, review, desk):
    application = review.application(name="王芳", images=True)
    data = {
        "outcome": "rejected",
        "step_education": "1", "field_education": "fulltime_school", "reason_education": "请填写毕业院校全称",
        "step_attachments": "1", "field_attachments": "", "reason_attachments": "毕业证书照片不清晰",
        "reason_basics": "not ticked: ignored",
    }
    response = _post(client, application.id, data)
    assert response.status_code == 302
    session = review.fresh()
    decision = session.scalar(select(Decision))
    assert decision.outcome == "rejected"
    assert decision.reasons == [
        {"step": "education", "field": "fulltime_school", "reason": "请填写毕业院校全称"},
        {"step": "attachments", "field": None, "reason": "毕业证书照片不清晰"},
    ]
    assert session.get(Application, application.id).status == "rejected"
    outbox = session.scalar(select(NotificationOutbox))
    assert outbox.payload["outcome"] == "rejected"
    assert outbox.payload["reasons"] == [
        "学历信息（全日制毕业院校）：请填写毕业院校全称", "证件相关附件：毕业证书照片不清晰",
    ]
    audit = session.scalar(select(AuditEvent).where(AuditEvent.action == "review.reject"))
    assert audit.details["reasons"] == decision.reasons
    page = _detail(client, application.id)
    assert "退回修改" in page and "李审核" in page and "请填写毕业院校全称" in page
    assert "微信通知：待发送" in page
    assert "等待申请人修改后重新提交" in page  # no decision form on a rejected record


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "退回修改时请至少勾选一个需要修改的步骤"),
        ({"step_education": "1", "reason_education": "  "}, "请填写“学历信息”的退回原因"),
        ({"step_education": "1", "reason_education": "x" * 301}, "“学历信息”的退回原因不能超过300个字"),
        ({"step_education": "1", "reason_education": "a\x07b"}, "“学历信息”的退回原因不能包含控制字符"),
        ({"step_education": "1", "field_education": "nonsense", "reason_education": "原因"},
         "“学历信息”中没有所选的项目"),
        ({"step_education": "1", "field_education": "parttime_school", "reason_education": "原因"},
         "“学历信息”中没有所选的项目"),  # a field that does not apply to this record
    ],
)
def test_reject_needs_valid_reasons_and_writes_nothing_otherwise(client, review, desk, data, message):
    application = review.application()
    response = _post(client, application.id, {"outcome": "rejected", **data})
    page = html(response)
    assert response.status_code == 422
    assert message in page and "error-summary" in page
    if data.get("reason_education", "").strip() and "\x07" not in data["reason_education"]:
        assert data["reason_education"][:20] in page  # what the reviewer typed is kept
    session = review.fresh()
    assert _count(session, Decision) == _count(session, NotificationOutbox) == 0
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("review.re%"))) == 0
    assert session.get(Application, application.id).status == "submitted"


def test_decision_without_csrf_is_refused(client, review, desk):
    application = review.application()
    response = client.post(f"/review/applications/{application.id}/decision", data={"outcome": "approved"})
    assert response.status_code == 400
    assert _count(review.fresh(), Decision) == 0


def test_only_a_submitted_application_can_be_decided(client, review, desk):
    application = review.application(status="approved")
    page = _detail(client, application.id)
    assert "无需审核" in page and 'name="outcome"' not in page
    session = review.session
    submission = session.scalar(select(Submission).where(Submission.application_id == application.id))
    reviewer = session.get(Reviewer, desk.id)
    with pytest.raises(DecisionConflict):
        decide(session, application_id=application.id, reviewer=reviewer, submission_id=submission.id,
               expected_version=application.version, outcome="approved")
    assert _count(review.fresh(), Decision) == 0


def test_second_reviewer_of_the_same_submission_gets_a_clear_message(app, client, review, desk):
    """Two reviewers open the same record; the first decision wins, the second changes nothing."""
    application = review.application(name="王芳")
    other = review.reviewer(username="zhang", name="张审核", region="140000")
    page = _detail(client, application.id)  # reviewer 1 (李审核) opens the page ...
    seen = _seen(page)
    # ... while reviewer 2 decides in another session (another app context, another transaction).
    with app.app_context():
        from portal.extensions import db

        decide(db.session, application_id=application.id, reviewer=db.session.get(Reviewer, other.id),
               submission_id=int(seen["submission_id"]), expected_version=int(seen["version"]), outcome="rejected",
               reasons=[ReasonInput("basics", "phone", "电话号码无法接通")])
        db.session.commit()
    response = client.submit(f"/review/applications/{application.id}/decision", {**seen, "outcome": "approved"},
                             form_url=f"/review/applications/{application.id}", follow_redirects=True)
    result = html(response)
    assert "该申请已由张审核于" in result and "您的审核未保存" in result
    session = review.fresh()
    assert _count(session, Decision) == 1 and _count(session, NotificationOutbox) == 1
    assert session.scalar(select(Decision)).reviewer_id == other.id
    assert session.get(Application, application.id).status == "rejected"


def test_concurrent_sessions_one_wins_even_when_both_loaded_first(app, review, desk):
    """Both sessions load the application before either writes: the versioned UPDATE / unique decision
    stop the second at flush, and its transaction is rolled back (no audit event, no outbox row)."""
    application = review.application()
    other = review.reviewer(username="zhang", name="张审核", region="140000")
    submission_id = review.session.scalar(select(Submission.id))
    session_a = app.extensions["db"]["factory"]()
    session_b = app.extensions["db"]["factory"]()
    try:
        for session in (session_a, session_b):
            session.get(Application, application.id)  # both hold version 1 in their identity map
        decide(session_a, application_id=application.id, reviewer=session_a.get(Reviewer, desk.id),
               submission_id=submission_id, expected_version=1, outcome="approved")
        session_a.commit()
        with pytest.raises(DecisionConflict) as caught:
            decide(session_b, application_id=application.id, reviewer=session_b.get(Reviewer, other.id),
                   submission_id=submission_id, expected_version=1, outcome="rejected",
                   reasons=[ReasonInput("basics", None, "信息不全")])
        assert "李审核" in caught.value.message
    finally:
        session_a.close()
        session_b.close()
    session = review.fresh()
    assert _count(session, Decision) == 1 and _count(session, NotificationOutbox) == 1
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "review.reject")) == 0
    assert session.get(Application, application.id).status == "approved"


def test_database_refuses_a_second_decision_for_one_submission(app, review, desk):
    """Even past the version check (a stale expected version forced equal), the unique submission_id holds."""
    application = review.application()
    submission_id = review.session.scalar(select(Submission.id))
    from sqlalchemy.exc import IntegrityError

    session = app.extensions["db"]["factory"]()
    try:
        session.add(Decision(application_id=application.id, submission_id=submission_id, reviewer_id=desk.id,
                             outcome="approved", reasons=[]))
        session.commit()
        session.add(Decision(application_id=application.id, submission_id=submission_id, reviewer_id=desk.id,
                             outcome="rejected", reasons=[]))
        with pytest.raises(IntegrityError):
            session.commit()
    finally:
        session.rollback()
        session.close()


def test_resubmission_shows_changes_since_last_decision_and_history(client, review, desk):
    application = review.application(name="王芳")
    _post(client, application.id, {"outcome": "rejected", "step_education": "1",
                                   "field_education": "fulltime_school", "reason_education": "请写全称"})
    app_row = review.fresh().get(Application, application.id)
    review.resubmit(app_row, {"education": {"fulltime_school": "山西财经大学（本部）"}})
    page = _detail(client, application.id)
    changes = re.search(r'data-testid="changes">(.*?)</section>', page, re.S).group(1)
    assert "对比第 1 次提交" in changes
    assert "全日制毕业院校" in changes and "山西财经大学" in changes and "山西财经大学（本部）" in changes
    assert "联系电话" not in changes  # unchanged answers are not listed
    school = re.search(r'data-field="fulltime_school">(.*?)</div>', page, re.S).group(1)
    assert "已修改" in school
    history = re.search(r'id="history-title">(.*?)</section>', page, re.S).group(1)
    assert history.index("第 2 次提交") < history.index("退回修改") < history.index("第 1 次提交")  # newest first
    assert "审核人：李审核" in history and "学历信息（全日制毕业院校）：请写全称" in history
    # The second decision is on submission 2 and notifies again.
    response = _post(client, application.id, {"outcome": "approved"})
    assert response.status_code == 302
    session = review.fresh()
    assert [d.outcome for d in session.scalars(select(Decision).order_by(Decision.id))] == ["rejected", "approved"]
    assert _count(session, NotificationOutbox) == 2


def test_delivery_state_is_shown_in_chinese(client, review, desk):
    application = review.application()
    _post(client, application.id, {"outcome": "approved"})
    session = review.fresh()
    row = session.scalar(select(NotificationOutbox))
    row.status, row.attempts, row.last_error = "pending", 3, "errcode=-1 errmsg=system error"
    session.commit()
    page = _detail(client, application.id)
    delivery = re.search(r'data-testid="delivery">(.*?)</div>\s*</li>', page, re.S).group(1)
    assert "微信通知：待发送" in delivery and "已尝试 3 次" in delivery and "errcode=-1" in delivery
    row.status, row.delivery_status = "sent", "failed:user block"
    session.commit()
    page = _detail(client, application.id)
    assert "微信通知：已发送" in page and "未送达：用户拒收消息" in page


def test_after_a_decision_the_next_waiting_application_opens(client, review, desk):
    first = review.application(name="第一")
    second = review.application(name="第二")
    response = _post(client, first.id, {"outcome": "approved"})
    assert response.headers["Location"] == f"/review/applications/{second.id}"
    response = _post(client, second.id, {"outcome": "approved"})
    assert response.headers["Location"] == "/review/"


def test_unknown_application_is_404(client, desk):
    assert client.get("/review/applications/999999").status_code == 404


def test_lightbox_script_is_served_to_reviewers(client, review, desk):
    application = review.application(images=True)
    assert 'src="/review/assets/desk.js"' in _detail(client, application.id)
    script = client.get("/review/assets/desk.js")
    assert script.status_code == 200 and b"data-lightbox" in script.data
