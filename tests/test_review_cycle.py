"""The whole review cycle over the WeChat sandbox (issue 5): submit → reject with reasons → template message
with the right openid and data → the accountant sees the reason at the step, fixes it, resubmits → approve
while WeChat is busy → the message is delivered by deliver-outbox once WeChat is back.

Real parts only: the accountant and the reviewer use the app through the test client (CSRF included); the
gateway talks to the sandbox over loopback HTTP (live_server).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from shared_models.models import Account, Application, NotificationOutbox
from tests.conftest import FormClient, html
from tests.fixtures_review import REVIEWER_PASSWORD
from tests.fixtures_wizard import ANSWERS_ID, _csrf, education_answers, filled_application, post_step

REASON = "全日制毕业院校应填写毕业证书上的全称"


def _decide(desk: FormClient, application_id: int, data: dict) -> None:
    url = f"/review/applications/{application_id}"
    page = html(desk.get(url))
    seen = {key: re.search(rf'name="{key}" value="(\d+)"', page).group(1) for key in ("submission_id", "version")}
    response = desk.submit(f"{url}/decision", {**seen, **data}, form_url=url)
    assert response.status_code == 302, html(response)[:2000]


def _deliver(live_server) -> str:
    result = live_server.app.test_cli_runner().invoke(args=["wx", "deliver-outbox"])
    assert result.exit_code == 0, result.output
    return result.output


def _templates(live_server, openid: str) -> list[dict]:
    return [m for m in live_server.chat(openid) if m["kind"] == "template"]


def test_reject_resubmit_approve_cycle_over_the_sandbox(live_server, client, register, review):
    openid = live_server.follower(subscribed=True)
    filled_application(client, register)
    session = review.fresh()
    account = session.scalar(select(Account).where(Account.id_number == ANSWERS_ID))
    account.wx_openid = openid  # bound through web OAuth in real life (tests/test_oauth.py)
    session.commit()
    application_id = session.scalar(select(Application.id).where(Application.account_id == account.id))

    review.reviewer(username="shenhe", region="140100")  # Taiyuan: the record is in 小店区
    desk = FormClient(live_server.app.test_client())
    assert desk.submit("/review/login", {"username": "shenhe", "password": REVIEWER_PASSWORD}).status_code == 302
    _decide(desk, application_id, {"outcome": "rejected", "step_education": "1",
                                   "field_education": "fulltime_school", "reason_education": REASON})

    assert "已发送 1" in _deliver(live_server)
    [rejected] = _templates(live_server, openid)
    assert rejected["template_id"] == live_server.app.config["WECHAT_TEMPLATE_REVIEW_RESULT"]
    assert rejected["url"] == live_server.url + "/h5/"
    assert rejected["data"]["keyword1"]["value"] == account.name
    assert rejected["data"]["keyword2"]["value"] == "审核未通过"
    assert REASON in rejected["data"]["remark"]["value"]

    # The accountant sees the reason next to the education step, fixes it and resubmits.
    home = html(client.get("/h5/"))
    assert "审核未通过" in home and REASON in home and "需修改" in home
    education = html(client.get("/h5/steps/education"))
    assert REASON in education  # and at the top of the step itself

    fixed = {**education_answers(), "fulltime_school": "山西财经大学（坞城校区）"}
    assert post_step(client, "education", fixed).status_code == 302
    url = "/h5/steps/submit"
    response = client.post(url, data={"final_agreed": "y", "csrf_token": _csrf(client, url)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/h5/steps/submit/done")
    session = review.fresh()
    assert session.get(Application, application_id).status == "submitted"

    # The reviewer sees what changed since the decision, and approves while WeChat is busy.
    detail = html(desk.get(f"/review/applications/{application_id}"))
    assert "山西财经大学（坞城校区）" in detail
    live_server.faults("busy")
    _decide(desk, application_id, {"outcome": "approved"})
    assert "待重试 1" in _deliver(live_server)
    assert len(_templates(live_server, openid)) == 1  # nothing arrived yet, nothing lost either
    row = session.scalar(select(NotificationOutbox).order_by(NotificationOutbox.id.desc()))
    session.refresh(row)
    assert row.status == "pending" and row.attempts == 1

    live_server.faults("")
    session.execute(update(NotificationOutbox).where(NotificationOutbox.id == row.id)
                    .values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)))  # the backoff has passed
    session.commit()
    assert "已发送 1" in _deliver(live_server)
    approved = _templates(live_server, openid)[-1]
    assert len(_templates(live_server, openid)) == 2
    assert approved["data"]["keyword2"]["value"] == "审核通过"
    assert "审核通过" in html(client.get("/h5/"))
