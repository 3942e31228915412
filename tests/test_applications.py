"""Application use cases (shared_models.applications): sections, attachments, commitment, submit, decisions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shared_models import applications as use_cases
from shared_models import status
from shared_models.models import Account, Attachment, CommitmentRecord, Decision, Reviewer, Submission
from tests.fixtures_wizard import ANSWERS_ID, build_submitted_application


@pytest.fixture
def session(wizard_db):
    with wizard_db() as s:
        yield s


def _account(session, id_number=ANSWERS_ID, name="张三") -> Account:
    account = Account(id_type="居民身份证", id_number=id_number, name=name, email="a@example.com", password_hash="x")
    session.add(account)
    session.flush()
    return account


def _image(n: int) -> use_cases.StoredImage:
    return use_cases.StoredImage(f"key-{n}", 1000 + n, 100, 80, f"{n:064d}")


def test_get_or_create_draft_is_idempotent(session):
    account = _account(session)
    first = use_cases.get_or_create_draft(session, account)
    second = use_cases.get_or_create_draft(session, account)
    assert first.id == second.id and first.status == status.DRAFT
    assert use_cases.is_editable(first) and use_cases.is_editable(None)


def test_save_section_replaces_data_and_keeps_origins_of_unchanged_values(session):
    application = use_cases.get_or_create_draft(session, _account(session))
    section = use_cases.save_section(session, application, "basics", {"phone": "13812345678", "address": "旧"},
                                     completed=False)
    section.origins = {"phone": "archive", "address": "archive"}
    use_cases.save_section(session, application, "basics", {"phone": "13812345678", "address": "新地址"},
                           completed=True)
    assert section.data == {"phone": "13812345678", "address": "新地址"}
    assert section.origins == {"phone": "archive"}  # the changed address is the user's own now
    assert section.completed is True
    with pytest.raises(ValueError):
        use_cases.save_section(session, application, "nope", {}, completed=False)


def test_attachments_keep_dense_positions_and_a_slot_limit(session):
    application = use_cases.get_or_create_draft(session, _account(session))
    items = [use_cases.add_attachment(session, application, "fulltime_diploma", _image(n)) for n in range(5)]
    assert [a.position for a in items] == [0, 1, 2, 3, 4]
    with pytest.raises(use_cases.SlotFull):
        use_cases.add_attachment(session, application, "fulltime_diploma", _image(9))
    assert use_cases.delete_attachment(session, application, items[1]) == "key-1"
    remaining = use_cases.attachments_by_slot(session, application)["fulltime_diploma"]
    assert [(a.storage_key, a.position) for a in remaining] == [("key-0", 0), ("key-2", 1), ("key-3", 2), ("key-4", 3)]
    old = use_cases.replace_attachment(session, application, remaining[0], _image(7))
    assert old == "key-0" and remaining[0].storage_key == "key-7" and remaining[0].position == 0
    assert use_cases.attachment_counts(session, application) == {"fulltime_diploma": 4}


def test_attachment_of_another_application_cannot_be_changed(session):
    mine = use_cases.get_or_create_draft(session, _account(session))
    other = use_cases.get_or_create_draft(session, _account(session, "11010519491231002X", "李四"))
    theirs = use_cases.add_attachment(session, other, "portrait", _image(1))
    with pytest.raises(PermissionError):
        use_cases.delete_attachment(session, mine, theirs)
    with pytest.raises(PermissionError):
        use_cases.replace_attachment(session, mine, theirs, _image(2))


def test_commitment_record_hashes_the_text(session):
    account = _account(session)
    application = use_cases.get_or_create_draft(session, account)
    text = use_cases.commitment_text(account)
    assert "张三" in text and ANSWERS_ID in text
    record = use_cases.record_commitment(session, application, "commitment", text, "10.0.0.1")
    import hashlib

    assert record.text_sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert record.remote_addr == "10.0.0.1" and record.account_id == account.id
    with pytest.raises(ValueError):
        use_cases.record_commitment(session, application, "other", text, None)


def test_submit_refuses_an_incomplete_record_and_writes_nothing(session):
    account = _account(session)
    application = use_cases.get_or_create_draft(session, account)
    use_cases.save_section(session, application, "commitment", {"commitment_agreed": True}, completed=True)
    with pytest.raises(use_cases.IncompleteApplication) as info:
        use_cases.submit(session, application, account, commitment_text="t", remote_addr=None)
    assert {"photos", "basics", "education", "employer", "attachments"} <= set(info.value.errors)
    assert application.status == status.DRAFT
    assert session.scalar(select(Submission.id)) is None
    assert session.scalar(select(CommitmentRecord.id).where(CommitmentRecord.kind == "final")) is None


def test_submit_snapshots_and_moves_to_submitted(wizard_db, settings):
    with wizard_db() as session:
        account, application, submission = build_submitted_application(
            session, settings["MEDIA_ROOT"], region_code="140802", work_status="在读", cpa=True
        )
        assert application.status == status.SUBMITTED and not use_cases.is_editable(application)
        assert application.region_code == "140802" and application.city_code == "140800"
        assert application.submitted_at is not None and application.first_submitted_at == application.submitted_at
        assert submission.number == 1
        snap = submission.snapshot
        assert snap["account"] == {"name": "张三", "id_type": "居民身份证", "id_number": ANSWERS_ID,
                                   "email": "zhangsan@example.com"}
        assert snap["answers"]["employer"] == {"work_status": "在读", "school_name": "山西财经大学",
                                               "enrolled_on": "2021-09"}
        assert snap["answers"]["basics"]["birth_date"] == "1990-03-07"
        ids = {a.slot: a.id for a in session.scalars(select(Attachment))}
        assert snap["attachments"]["student_card"] == [ids["student_card"]]
        assert set(snap["attachments"]) == {"portrait", "id_front", "id_back", "fulltime_diploma",
                                            "qualification_cert", "title_appointment", "student_card", "cpa_cert"}
        kinds = sorted(session.scalars(select(CommitmentRecord.kind)))
        assert kinds == ["commitment", "final"]
        with pytest.raises(use_cases.NotEditable):
            use_cases.save_section(session, application, "basics", {}, completed=False)
        with pytest.raises(status.TransitionError):
            use_cases.submit(session, application, account, commitment_text="t", remote_addr=None)


def test_slots_that_no_longer_apply_are_not_submitted(wizard_db, settings):
    with wizard_db() as session:
        account, application, _ = build_submitted_application(session, settings["MEDIA_ROOT"])
        first_submitted = application.first_submitted_at
        # Rejected, then the accountant becomes 待业: the work proof stays stored but is not resubmitted.
        _reject(session, application, [{"step": "employer", "field": None, "reason": "请核实工作单位"}])
        use_cases.save_section(session, application, "employer", {"work_status": "待业"}, completed=True)
        use_cases.add_attachment(session, application, "residence_proof", _image(1))
        second = use_cases.submit(session, application, account, commitment_text="t", remote_addr=None)
        assert second.number == 2 and application.status == status.SUBMITTED
        assert "work_proof" not in second.snapshot["attachments"]
        assert "residence_proof" in second.snapshot["attachments"]
        assert application.first_submitted_at == first_submitted  # kept from the first submission
        assert application.submitted_at != first_submitted


def _reject(session, application, reasons):
    reviewer = Reviewer(username="r1", name="审核员", password_hash="x", region_code="140000")
    session.add(reviewer)
    session.flush()
    submission = use_cases.latest_submission(session, application)
    session.add(Decision(application_id=application.id, submission_id=submission.id, reviewer_id=reviewer.id,
                         outcome="rejected", reasons=reasons))
    application.status = status.next_status(application.status, "reject", "reviewer")
    session.flush()


def test_rejection_reasons_group_by_step(wizard_db, settings):
    with wizard_db() as session:
        _, application, _ = build_submitted_application(session, settings["MEDIA_ROOT"])
        assert use_cases.rejection_reasons(session, application) == {}
        _reject(session, application, [
            {"step": "education", "field": "fulltime_school", "reason": "毕业院校与证书不符"},
            {"step": None, "field": None, "reason": "照片不清晰"},
        ])
        reasons = use_cases.rejection_reasons(session, application)
        assert reasons["education"][0]["reason"] == "毕业院校与证书不符"
        assert reasons[""][0]["reason"] == "照片不清晰"
        assert use_cases.is_editable(application)
        assert use_cases.latest_decision(session, application).outcome == "rejected"
