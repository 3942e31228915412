"""Who may use the review desk: the whole-app route check, jurisdictions, reviewer login, the CLI."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from shared_models.models import AuditEvent, Reviewer
from tests.conftest import html
from tests.fixtures_review import DATONG, DATONG_PINGCHENG, REVIEWER_PASSWORD, TAIYUAN, XIAODIAN, YINGZE

PUBLIC = {"review.login"}  # the login form itself is the only page an anonymous visitor may see


def _review_routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every /review/ route, with 1 for any id."""
    out = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/review") or rule.endpoint in PUBLIC:
            continue
        url = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", "1", rule.rule)
        out.extend((rule.endpoint, method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return out


def test_every_review_route_is_listed(app):
    endpoints = {endpoint for endpoint, _, _ in _review_routes(app)}
    # A guard against the check below silently covering nothing.
    assert {"review.queue", "review.detail", "review.decision", "review.export", "review.stats",
            "review.logout", "review.desk_js"} <= endpoints


def test_every_review_route_refuses_anonymous_users(app, client):
    token = client.csrf("/review/login")
    for endpoint, method, url in _review_routes(app):
        response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code == 302, (endpoint, method, response.status_code)
        assert response.headers["Location"].startswith("/review/login"), endpoint


def test_every_review_route_refuses_accountants(app, client, register, review):
    review.application()  # something to see, so that a 403 is not a 404 in disguise
    register()
    token = client.csrf("/review/login")  # the login form is open to everyone, so it hands out a token
    for endpoint, method, url in _review_routes(app):
        response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code == 403, (endpoint, method, response.status_code)


def test_anonymous_detail_redirects_to_login_with_next(client):
    response = client.get("/review/applications/5")
    assert response.status_code == 302
    assert response.headers["Location"] == "/review/login?next=/review/applications/5?"


def test_reviewer_login_logout(client, review, review_login):
    review.reviewer()
    response = review_login(follow_redirects=True)
    page = html(response)
    assert "审核队列" in page and "李审核" in page
    response = client.post("/review/logout", data={"csrf_token": client.csrf("/review/")}, follow_redirects=True)
    assert "您已安全退出" in html(response)
    assert client.get("/review/").status_code == 302


def test_login_then_follows_next(client, review):
    review.reviewer()
    response = client.submit("/review/login?next=/review/stats", {"username": "ShenHe ", "password": REVIEWER_PASSWORD},
                             form_url="/review/login")
    assert response.headers["Location"] == "/review/stats"


def test_login_records_an_audit_event(client, review, review_login):
    reviewer = review.reviewer()
    review_login()
    event = review.fresh().scalar(select(AuditEvent).where(AuditEvent.action == "review.login"))
    assert event is not None and event.actor_id == reviewer.id and event.actor_type == "reviewer"


@pytest.mark.parametrize(("username", "password"), [("shenhe", "Wrong@2026"), ("nobody", REVIEWER_PASSWORD)])
def test_wrong_password_and_unknown_user_get_the_same_message(review, review_login, username, password):
    review.reviewer()
    page = html(review_login(username, password))
    assert "用户名或密码不正确" in page
    assert 'value="' + username + '"' in page  # what was typed is kept


def test_empty_fields_get_messages_at_the_field(review_login):
    page = html(review_login("", ""))
    assert 'id="username-error"' in page and "请填写用户名" in page
    assert 'id="password-error"' in page and "请填写密码" in page


def test_login_is_throttled(app, review, review_login):
    review.reviewer()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        review_login(password="Wrong@2026")
    page = html(review_login())  # even the right password is refused inside the window
    assert "登录失败次数过多" in page


def test_disabled_reviewer_cannot_log_in_and_is_logged_out(client, review, review_login):
    reviewer = review.reviewer()
    review_login()
    assert client.get("/review/").status_code == 200
    from shared_models.reviewers import disable_reviewer

    session = review.fresh()
    disable_reviewer(session.get(Reviewer, reviewer.id))
    session.commit()
    assert client.get("/review/").status_code == 302  # the open session ends at the next request
    assert "用户名或密码不正确" in html(review_login())


def test_login_without_csrf_is_refused(client, review):
    review.reviewer()
    response = client.post("/review/login", data={"username": "shenhe", "password": REVIEWER_PASSWORD})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("scope", "visible", "hidden"),
    [
        (XIAODIAN, XIAODIAN, YINGZE),  # county: only its own county
        (TAIYUAN, YINGZE, DATONG_PINGCHENG),  # city: every county of the city, nothing of another city
        (DATONG, DATONG_PINGCHENG, XIAODIAN),
    ],
)
def test_reviewer_cannot_see_list_open_export_or_decide_outside_jurisdiction(
    client, review, review_login, scope, visible, hidden
):
    review.reviewer(region=scope)
    mine = review.application(name="本辖区人", region=visible)
    other = review.application(name="外辖区人", region=hidden)
    review_login()
    queue = html(client.get("/review/?status=all"))
    assert "本辖区人" in queue and "外辖区人" not in queue
    assert client.get(f"/review/applications/{mine.id}").status_code == 200
    assert client.get(f"/review/applications/{other.id}").status_code == 404
    token = client.csrf(f"/review/applications/{mine.id}")
    response = client.post(f"/review/applications/{other.id}/decision",
                           data={"csrf_token": token, "outcome": "approved", "submission_id": "1", "version": "1"})
    assert response.status_code == 404
    searched = html(client.get("/review/", query_string={"q": "外辖区人", "status": "all"}))
    assert "没有符合条件的记录" in searched
    forced = html(client.get("/review/", query_string={"region": hidden, "status": "all"}))
    assert "所选地区不在您的辖区内" in forced and "外辖区人" not in forced
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get("/review/export.xlsx?status=all").data), read_only=True)
    names = [row[1] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["本辖区人"]


def test_province_reviewer_sees_everything(client, review, review_login):
    review.reviewer(region="140000")
    for region, name in ((XIAODIAN, "甲"), (DATONG_PINGCHENG, "乙"), ("140000", "丙")):
        review.application(name=name, region=region)
    review_login()
    page = html(client.get("/review/"))
    assert all(f"<td>{n}</td>" in page for n in "甲乙丙")


def test_reviewer_file_access_follows_jurisdiction(app, client, review, review_login):
    """/h5/files/<id> belongs to the wizard: reviewers of the region may open the images, others not."""
    if "h5.file" not in app.view_functions:
        pytest.skip("/h5/files/<id> (wizard) is not in this tree yet")
    review.reviewer(region=TAIYUAN)
    mine = review.application(region=XIAODIAN, images=True)
    other = review.application(region=DATONG_PINGCHENG, images=True)
    review_login()
    from shared_models.models import Attachment

    session = review.session
    mine_file = session.scalar(select(Attachment.id).where(Attachment.application_id == mine.id))
    other_file = session.scalar(select(Attachment.id).where(Attachment.application_id == other.id))
    ok = client.get(f"/h5/files/{mine_file}")
    assert ok.status_code == 200 and ok.data[:3] == b"\xff\xd8\xff"
    assert client.get(f"/h5/files/{other_file}").status_code in (403, 404)
