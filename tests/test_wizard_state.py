"""Redis step state: position, autosave and restore, and resuming from the database after a flush."""

from __future__ import annotations

import re

from tests.conftest import html
from tests.fixtures_wizard import (
    ANSWERS_ID,
    basics_answers,
    education_answers,
    jpeg_bytes,
    post_step,
    qualification_answers,
    upload,
)


def _token(client, url: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html(client.get(url))).group(1)


def _through_qualification(client, register):
    register(id_number=ANSWERS_ID)
    post_step(client, "commitment", {"commitment_agreed": "y"})
    upload(client, "photos", {"portrait": [(jpeg_bytes(), "p.jpg")], "id_front": [(jpeg_bytes(), "f.jpg")],
                              "id_back": [(jpeg_bytes(), "b.jpg")]}, action="continue")
    post_step(client, "basics", basics_answers())
    post_step(client, "qualification", qualification_answers())


def test_state_records_position_and_completed_steps(client, register, redis_client):
    _through_qualification(client, register)
    account_id = 1
    state = redis_client.hgetall(f"wizard:{account_id}:state")
    assert state["current"] == "education"
    assert state["completed"] == "commitment,photos,basics,qualification"
    assert redis_client.ttl(f"wizard:{account_id}:state") > 29 * 24 * 3600


def test_flushall_mid_wizard_resumes_at_the_right_step_with_nothing_lost(client, register, redis_client):
    _through_qualification(client, register)
    post_step(client, "education", {"fulltime_school": "山西财经大学"}, action="save")  # partly done
    redis_client.flushall()
    home = html(client.get("/h5/"))
    assert 'href="/h5/steps/education" data-testid="primary-action">继续填写' in home
    for slug in ("commitment", "photos", "basics", "qualification"):
        assert re.search(rf'data-step="{slug}">\s*<a[^>]*>.*?task__state_done">已完成', home, re.S), slug
    assert re.search(r'data-step="education">\s*<a[^>]*>.*?task__state_doing">进行中', home, re.S)
    page = html(client.get("/h5/steps/basics"))
    assert 'value="13812345678"' in page and 'value="030006"' in page
    assert 'value="山西财经大学"' in html(client.get("/h5/steps/education"))
    # and the state is cached again
    assert redis_client.hget("wizard:1:state", "current") == "education"


def test_a_new_login_elsewhere_resumes_from_the_database(app, client, register, redis_client):
    _through_qualification(client, register)
    other = app.test_client()  # another device: new cookies, Redis emptied as well
    redis_client.flushall()
    token = _token(other, "/h5/login")
    other.post("/h5/login", data={"id_number": ANSWERS_ID, "password": "Kuaiji@2026", "csrf_token": token})
    home = html(other.get("/h5/"))
    assert 'href="/h5/steps/education" data-testid="primary-action">继续填写' in home


def test_autosave_restores_typing_after_a_reload_and_is_cleared_by_save(client, register, redis_client):
    _through_qualification(client, register)
    token = _token(client, "/h5/steps/education")
    response = client.post("/h5/steps/education/draft", headers={"X-CSRFToken": token},
                           data={"fulltime_school": "山西大学", "fulltime_major": "财务管理", "junk": "x" * 50,
                                 "has_parttime": "是"})
    assert response.status_code == 200 and response.json["saved"] == 3
    assert "parttime_school" in response.json["visible"]  # the page script may use it too
    assert "junk" not in redis_client.hgetall("wizard:1:input:education")
    page = html(client.get("/h5/steps/education"))  # the WebView reloads after the camera
    assert "已恢复您上次未保存的输入" in page
    assert 'value="山西大学"' in page and 'value="财务管理"' in page
    assert re.search(r'data-key="parttime_school" data-when="[^"]+">', page)  # shown for 是
    post_step(client, "education", education_answers())
    assert redis_client.exists("wizard:1:input:education") == 0
    page = html(client.get("/h5/steps/education"))
    assert "已恢复" not in page and 'value="山西财经大学"' in page


def test_autosave_needs_the_csrf_header_and_an_accountant(client, register, redis_client):
    _through_qualification(client, register)
    assert client.post("/h5/steps/education/draft", data={"fulltime_school": "x"}).status_code == 400
    token = _token(client, "/h5/steps/education")
    assert client.post("/h5/steps/photos/draft", headers={"X-CSRFToken": token}, data={}).status_code == 404
    client.post("/h5/logout", data={"csrf_token": token})
    anonymous = client.post("/h5/steps/education/draft", headers={"X-CSRFToken": token}, data={})
    assert anonymous.status_code in (302, 400)
    assert redis_client.exists("wizard:1:input:education") == 0


def test_one_redis_round_trip_per_step_page(app, client, register, redis_client, monkeypatch):
    _through_qualification(client, register)
    import redis

    calls = []
    original = redis.Redis.execute_command
    pipelines = []
    original_pipe = redis.client.Pipeline.execute

    def counting(self, *args, **kw):
        calls.append(args[0])
        return original(self, *args, **kw)

    def counting_pipe(self, *args, **kw):
        pipelines.append(len(self.command_stack))
        return original_pipe(self, *args, **kw)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    monkeypatch.setattr(redis.client.Pipeline, "execute", counting_pipe)
    assert client.get("/h5/steps/education").status_code == 200
    assert len(pipelines) == 1 and not [c for c in calls if c not in ("MULTI", "EXEC")]
