"""Check answers, submit, the result page, read-only after submission, rejection → edit → resubmit, home."""

from __future__ import annotations

import re

from sqlalchemy import select

from shared_models import status
from shared_models.models import Application, Decision, Reviewer, Submission
from shared_models.steps import STEPS
from tests.conftest import html
from tests.fixtures_wizard import ANSWERS_ID, employer_answers, filled_application, post_step


def test_summary_lists_every_step_with_edit_links_and_empty_optionals(client, register):
    filled_application(client, register, submit=False)
    page = html(client.get("/h5/steps/submit"))
    assert "第 9 步，共 9 步" in page
    for step in STEPS[:-1]:
        assert f'data-step="{step.slug}"' in page
        assert f'href="/h5/steps/{step.slug}?return=submit"' in page
    assert "山西省太原市小店区" in page and "汉族" in page and "群众" in page and "2012年8月" in page
    assert re.search(r"非全日制|是否有非全日制学历", page)
    assert 'src="/h5/files/' in page  # thumbnails per slot
    assert 'name="final_agreed"' in page and "提交审核" in page
    assert 'data-testid="problems"' not in page


def test_optional_answers_left_empty_show_not_filled(client, register):
    filled_application(client, register, submit=False)
    post_step(client, "education", {
        "fulltime_education": "大学本科", "fulltime_degree": "学士", "fulltime_school": "山西财经大学",
        "fulltime_major": "会计学", "fulltime_graduated_on": "2012-07-01", "has_parttime": "否",
    })
    page = html(client.get("/h5/steps/submit"))
    assert re.search(r"毕业证书编号</span></div>\s*<div[^>]*><span[^>]*>未填写", page)


def test_submit_needs_the_final_agreement(client, register, wizard_db):
    filled_application(client, register, submit=False)
    page = html(client.submit("/h5/steps/submit", {}))
    assert "请再次阅读承诺书并勾选同意后提交" in page and 'href="#final_agreed"' in page
    with wizard_db() as s:
        assert s.scalars(select(Application)).one().status == status.DRAFT


def test_incomplete_record_lists_problems_with_links_and_is_not_submitted(client, register, wizard_db):
    register(id_number=ANSWERS_ID)
    post_step(client, "commitment", {"commitment_agreed": "y"})
    page = html(client.get("/h5/steps/submit"))
    assert 'data-testid="problems"' in page
    assert 'href="/h5/steps/photos?return=submit#slot-portrait"' in page
    assert 'href="/h5/steps/basics?return=submit#phone"' in page
    page = html(client.submit("/h5/steps/submit", {"final_agreed": "y"}))
    assert "信息尚未填写完整" in page
    with wizard_db() as s:
        assert s.scalars(select(Submission)).first() is None


def test_submit_then_result_page_then_read_only(client, register, wizard_db):
    filled_application(client, register)
    page = html(client.get("/h5/steps/submit/done"))
    assert "已提交，等待审核" in page and "5个工作日" in page and "微信公众号消息" in page
    with wizard_db() as s:
        application = s.scalars(select(Application)).one()
        assert application.status == status.SUBMITTED and application.first_submitted_at is not None
    # read-only: the steps show answers without a form; POSTs are refused with a message
    page = html(client.get("/h5/steps/employer"))
    assert "审核完成前不能修改" in page and 'name="employer_name"' not in page and "太原市示例会计服务有限公司" in page
    response = client.submit("/h5/steps/employer", {**employer_answers("待业"), "action": "continue"}, form_url="/h5/")
    assert response.status_code == 302
    assert "审核完成前不能修改" in html(client.get(response.headers["Location"]))
    with wizard_db() as s:
        employer = s.scalars(select(Application)).one().section("employer").data
        assert employer["work_status"] == "在职"
    page = html(client.get("/h5/steps/photos"))
    assert 'type="file"' not in page and 'src="/h5/files/' in page
    summary = html(client.get("/h5/steps/submit"))
    assert "提交审核</button>" not in summary and "修改</a>" not in summary
    assert client.submit("/h5/steps/submit", {"final_agreed": "y"}, form_url="/h5/").status_code == 302
    with wizard_db() as s:
        assert len(list(s.scalars(select(Submission)))) == 1


def _reject(wizard_db, reasons):
    with wizard_db() as s:
        application = s.scalars(select(Application)).one()
        reviewer = Reviewer(username="r1", name="审核员", password_hash="x", region_code="140000")
        s.add(reviewer)
        s.flush()
        submission = s.scalars(select(Submission).order_by(Submission.number.desc())).first()
        s.add(Decision(application_id=application.id, submission_id=submission.id, reviewer_id=reviewer.id,
                       outcome="rejected", reasons=reasons))
        application.status = status.next_status(application.status, "reject", "reviewer")
        s.commit()


def test_rejected_application_is_edited_and_resubmitted(client, register, wizard_db):
    filled_application(client, register)
    _reject(wizard_db, [{"step": "employer", "field": "employer_name", "reason": "工作单位名称与工作证明不一致"},
                        {"step": None, "field": None, "reason": "请上传清晰的照片"}])
    home = html(client.get("/h5/"))
    assert "审核未通过" in home and "请上传清晰的照片" in home
    assert re.search(r'data-step="employer">.*?task__state_fix">需修改.*?工作单位名称与工作证明不一致', home, re.S)
    assert 'href="/h5/steps/employer" data-testid="primary-action">修改并重新提交' in home
    page = html(client.get("/h5/steps/employer"))
    assert "审核意见：需修改" in page and "工作单位名称与工作证明不一致" in page and 'name="employer_name"' in page
    changed = {**employer_answers("在职"), "employer_name": "太原市另一家会计服务有限公司"}
    assert post_step(client, "employer", changed).status_code == 302
    home = html(client.get("/h5/"))
    assert re.search(r'data-step="employer">.*?task__state_done">已完成', home, re.S)
    response = client.submit("/h5/steps/submit", {"final_agreed": "y"})
    assert response.headers["Location"].endswith("/h5/steps/submit/done")
    with wizard_db() as s:
        application = s.scalars(select(Application)).one()
        assert application.status == status.SUBMITTED
        numbers = [sub.number for sub in s.scalars(select(Submission).order_by(Submission.number))]
        assert numbers == [1, 2]
        latest = s.scalars(select(Submission).where(Submission.number == 2)).one()
        assert latest.snapshot["answers"]["employer"]["employer_name"] == "太原市另一家会计服务有限公司"
    assert "待审核" in html(client.get("/h5/"))


def test_home_task_list_and_primary_button(client, register):
    register(id_number=ANSWERS_ID)
    home = html(client.get("/h5/"))
    assert home.count('class="task__state task__state_todo">未开始') == 9
    assert 'href="/h5/steps/commitment" data-testid="primary-action">开始填写' in home
    assert "1401**********1234" in home and ANSWERS_ID not in home
    assert "未开始" in re.search(r'data-testid="status">([^<]+)', home).group(1)
    post_step(client, "commitment", {"commitment_agreed": "y"})
    home = html(client.get("/h5/"))
    assert re.search(r'data-step="commitment">.*?已完成', home, re.S)
    assert 'href="/h5/steps/photos" data-testid="primary-action">继续填写' in home
    assert "未提交（草稿）" in home


def test_approved_application_offers_to_view_what_was_submitted(client, register, wizard_db):
    filled_application(client, register)
    with wizard_db() as s:
        s.scalars(select(Application)).one().status = status.APPROVED
        s.commit()
    home = html(client.get("/h5/"))
    assert "审核通过" in home and 'href="/h5/steps/submit" data-testid="primary-action">查看提交内容' in home
    assert client.get("/h5/steps/submit/done").status_code == 302
