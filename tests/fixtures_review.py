"""Test fixtures of the review capability (loaded by tests/conftest.py through pytest_plugins).

Submitted applications are built directly with the models, in the Submission.snapshot format of the
contract, with answers that pass the shared rules and real small JPEGs in MEDIA_ROOT when asked for.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import insert

from shared_models.models import (
    Account,
    Application,
    ApplicationSection,
    Attachment,
    Reviewer,
    Submission,
)
from shared_models.reference import division
from shared_models.reviewers import ReviewerData, create_reviewer
from shared_models.rules.identity import check_digit
from shared_models.storage import LocalStorage

REVIEWER_PASSWORD = "Shenhe@2026"
TAIYUAN, XIAODIAN, YINGZE = "140100", "140105", "140106"
DATONG, DATONG_PINGCHENG = "140200", "140213"


def make_id(seq: int, birth: str = "19850612", prefix: str = "140105") -> str:
    """A valid 18-digit 居民身份证 number (GB 11643 check digit)."""
    first17 = f"{prefix}{birth}{seq % 1000:03d}"
    return first17 + check_digit(first17)


def sample_answers(region_code: str = XIAODIAN, **changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A complete record of a working accountant with an intermediate title that passes check_application."""
    answers: dict[str, dict[str, Any]] = {
        "commitment": {"commitment_agreed": True},
        "basics": {
            "country": "中国", "ethnicity": "01", "political_status": "13", "phone": "13812345678",
            "email": "wangfang@example.com", "address": "山西省太原市小店区坞城路92号", "postal_code": "030006",
            "region_code": region_code,
        },
        "qualification": {
            "title": "会计师", "title_appointed_on": "2015-06-01", "qualification_level": "中级",
            "qualification_type": "会计", "qualification_method": "考试", "qualification_cert_no": "Z14001234",
            "qualification_obtained_on": "2014-09-20",
        },
        "education": {
            "fulltime_education": "大学本科", "fulltime_degree": "学士", "fulltime_school": "山西财经大学",
            "fulltime_major": "会计学", "fulltime_graduated_on": "2008-07-01", "has_parttime": "否",
        },
        "employer": {
            "work_status": "在职", "employer_name": "山西汾河建设有限公司", "employer_credit_code": credit_code(),
            "employer_type": "企业", "accounting_post": "会计核算", "employed_since": "2010-03",
        },
        "certificates": {"abacus_level": "无级别", "is_cpa": "否"},
    }
    for step, values in changes.items():
        answers.setdefault(step, {}).update(values)
    return answers


def credit_code() -> str:
    from shared_models.rules.formats import credit_code_check_char

    first17 = "91140100MA0K12345"
    return first17 + credit_code_check_char(first17)


def jpeg(width: int = 60, height: int = 80, color: tuple[int, int, int] = (30, 90, 160)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "JPEG", quality=80)
    return out.getvalue()


SLOTS_OF_SAMPLE = ("portrait", "id_front", "id_back", "fulltime_diploma", "qualification_cert",
                   "title_appointment", "work_proof")


class ReviewFactory:
    """Builds reviewers and submitted applications in the test database (committed)."""

    def __init__(self, app) -> None:
        # Its own session, outside any app context: requests made by the test client then get their own
        # app context (and g, and db.session) as in production, instead of sharing the test's.
        self.app, self.session = app, app.extensions["db"]["factory"]()
        self.seq = 0

    def fresh(self):
        """The factory's session with everything expired, to read what requests have committed since."""
        self.session.expire_all()
        return self.session

    def reviewer(self, username: str = "shenhe", region: str = "140000", role: str = "reviewer",
                 name: str = "李审核", password: str = REVIEWER_PASSWORD) -> Reviewer:
        reviewer = create_reviewer(self.session, ReviewerData(username, name, role, region), password)
        self.session.commit()
        return reviewer

    def account(self, name: str = "王芳", id_number: str | None = None, **kw: Any) -> Account:
        self.seq += 1
        account = Account(id_type="居民身份证", id_number=id_number or make_id(self.seq), name=name,
                          email=f"user{self.seq}@example.com", password_hash="scrypt:unused", **kw)
        self.session.add(account)
        self.session.flush()
        return account

    def application(self, *, name: str = "王芳", region: str = XIAODIAN, status: str = "submitted",
                    submitted_at: datetime | None = None, images: bool = False, id_number: str | None = None,
                    answers: dict | None = None, origins: dict | None = None, wx_openid: str | None = None
                    ) -> Application:
        account = self.account(name, id_number, wx_openid=wx_openid)
        answers = answers or sample_answers(region)
        when = submitted_at or datetime.now(UTC) - timedelta(hours=1)
        d = division(region)
        application = Application(account_id=account.id, status=status, region_code=region,
                                  city_code=d.city_code if d else None, submitted_at=when,
                                  first_submitted_at=when,
                                  decided_at=when if status in ("approved", "rejected") else None)
        for step, data in answers.items():
            application.sections.append(ApplicationSection(step=step, data=data, completed=True,
                                                           origins=(origins or {}).get(step, {})))
        self.session.add(application)
        self.session.flush()
        attachments = self.attach(application) if images else {}
        self.session.add(Submission(application_id=application.id, number=1, submitted_at=when,
                                    snapshot=snapshot(account, answers, attachments)))
        self.session.commit()
        return application

    def attach(self, application: Application, slots: tuple[str, ...] = SLOTS_OF_SAMPLE) -> dict[str, list[int]]:
        storage = LocalStorage(self.app.config["MEDIA_ROOT"])
        out: dict[str, list[int]] = {}
        for position, slot in enumerate(slots):
            data = jpeg(color=(20 * position % 255, 120, 200))
            row = Attachment(application_id=application.id, slot=slot, position=0, storage_key=storage.save(data),
                             byte_size=len(data), width=60, height=80, sha256="0" * 64)
            self.session.add(row)
            self.session.flush()
            out[slot] = [row.id]
        return out

    def resubmit(self, application: Application, changes: dict[str, dict[str, Any]]) -> Submission:
        """The accountant edits a rejected record and submits again (what the wizard's submit does)."""
        answers = application.answers()
        for step, values in changes.items():
            answers.setdefault(step, {}).update(values)
            application.section(step).data = dict(answers[step])
        previous = max(application_submissions(self.session, application), key=lambda s: s.number)
        now = datetime.now(UTC)
        submission = Submission(application_id=application.id, number=previous.number + 1, submitted_at=now,
                                snapshot={**previous.snapshot, "answers": answers})
        application.status, application.submitted_at = "submitted", now
        self.session.add(submission)
        self.session.commit()
        return submission

    def bulk(self, count: int, region: str = XIAODIAN, status: str = "submitted", start: int = 10_000) -> None:
        """Many submitted applications at once (Core inserts), for pagination and export volume tests."""
        d = division(region)
        base = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
        numbers = [make_id(i % 1000, birth=f"{1960 + i // 1000:04d}0101", prefix="140106") for i in range(count)]
        accounts = [{"id": start + i, "id_type": "居民身份证", "id_number": numbers[i], "name": f"批量{i:05d}",
                     "email": f"b{i}@example.com", "password_hash": "x", "session_version": 1,
                     "must_change_password": False, "origin": "register", "created_at": base} for i in range(count)]
        self.session.execute(insert(Account), accounts)
        apps = [{"id": start + i, "account_id": start + i, "status": status, "region_code": region,
                 "city_code": d.city_code, "submitted_at": base + timedelta(minutes=i),
                 "first_submitted_at": base + timedelta(minutes=i), "created_at": base, "updated_at": base,
                 "version": 1} for i in range(count)]
        self.session.execute(insert(Application), apps)
        answers = sample_answers(region)
        subs = [{"application_id": start + i, "number": 1, "submitted_at": base + timedelta(minutes=i),
                 "snapshot": {"account": {"name": f"批量{i:05d}", "id_type": "居民身份证",
                                          "id_number": numbers[i], "email": f"b{i}@example.com"},
                              "answers": answers, "attachments": {}}} for i in range(count)]
        self.session.execute(insert(Submission), subs)
        self.session.commit()


def application_submissions(session, application: Application) -> list[Submission]:
    from sqlalchemy import select

    return list(session.scalars(select(Submission).where(Submission.application_id == application.id)))


def snapshot(account: Account, answers: dict, attachments: dict[str, list[int]]) -> dict[str, Any]:
    return {
        "account": {"name": account.name, "id_type": account.id_type, "id_number": account.id_number,
                    "email": account.email},
        "answers": answers,
        "attachments": attachments,
    }


@pytest.fixture
def review(app):
    factory = ReviewFactory(app)
    yield factory
    factory.session.close()


@pytest.fixture
def review_login(client):
    """Log a reviewer in through the real form (CSRF included); returns the response."""

    def _login(username: str = "shenhe", password: str = REVIEWER_PASSWORD, **kw):
        return client.submit("/review/login", {"username": username, "password": password}, **kw)

    return _login
