"""`flask review create-user | set-password | disable | ensure-demo` through click's CliRunner."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from shared_models.models import Reviewer
from shared_models.rules.passwords import verify_password


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


def _reviewer(review, username: str) -> Reviewer | None:
    return review.fresh().scalar(select(Reviewer).where(Reviewer.username == username))


def test_create_user_with_password_from_stdin(cli, review):
    result = cli.invoke(args=["review", "create-user", "Zhao.Min", "--name", "赵敏", "--role", "reviewer",
                              "--region", "140105", "--password-stdin"], input="Shenhe@2026\n")
    assert result.exit_code == 0, result.output
    assert "已创建审核员 zhao.min（赵敏），辖区：山西省太原市小店区" in result.output
    reviewer = _reviewer(review, "zhao.min")
    assert reviewer.role == "reviewer" and reviewer.region_code == "140105" and reviewer.active
    assert verify_password(reviewer.password_hash, "Shenhe@2026") and "Shenhe@2026" not in reviewer.password_hash


def test_create_user_with_prompt_asks_twice(cli, review):
    result = cli.invoke(args=["review", "create-user", "admin1", "--name", "管理员", "--role", "admin",
                              "--region", "140000"], input="Guanli@2026\nGuanli@2026\n")
    assert result.exit_code == 0, result.output
    assert "Guanli@2026" not in result.output  # never echoed
    assert _reviewer(review, "admin1").role == "admin"


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["bad name!", "--name", "甲", "--region", "140000"], "Shenhe@2026", "用户名应为3至64位"),
        (["okname", "--name", "甲", "--region", "999999"], "Shenhe@2026", "所属辖区应为山西省行政区划代码"),
        (["okname", "--name", "", "--region", "140000"], "Shenhe@2026", "请填写姓名"),
        (["okname", "--name", "甲", "--region", "140000"], "short", "密码至少8位"),
        (["okname", "--name", "甲", "--region", "140000"], "12345678", "密码过于常见"),
        (["okname1", "--name", "甲", "--region", "140000"], "okname1", "密码至少8位"),
        (["okname12", "--name", "甲", "--region", "140000"], "okname12", "密码不能与用户名相同"),
    ],
)
def test_create_user_refuses_bad_input(cli, review, args, password, message):
    result = cli.invoke(args=["review", "create-user", *args, "--password-stdin"], input=password + "\n")
    assert result.exit_code == 1
    assert message in result.output
    assert review.fresh().scalar(select(Reviewer)) is None


def test_create_user_refuses_a_duplicate(cli, review):
    review.reviewer(username="shenhe")
    result = cli.invoke(args=["review", "create-user", "ShenHe", "--name", "甲", "--region", "140000",
                              "--password-stdin"], input="Shenhe@2027\n")
    assert result.exit_code == 1 and "用户名 shenhe 已存在" in result.output


def test_set_password_ends_sessions(cli, client, review, review_login):
    before = review.reviewer().session_version
    review_login()
    assert client.get("/review/").status_code == 200
    result = cli.invoke(args=["review", "set-password", "shenhe", "--password-stdin"], input="Xinmima@2026\n")
    assert result.exit_code == 0, result.output
    assert client.get("/review/").status_code == 302  # the old session is gone
    updated = _reviewer(review, "shenhe")
    assert updated.session_version == before + 1
    assert verify_password(updated.password_hash, "Xinmima@2026")
    assert cli.invoke(args=["review", "set-password", "shenhe", "--password-stdin"], input="abc\n").exit_code == 1
    missing = cli.invoke(args=["review", "set-password", "nobody", "--password-stdin"], input="Xinmima@2026\n")
    assert missing.exit_code == 1 and "没有用户名为 nobody 的审核人员" in missing.output


def test_disable(cli, review):
    review.reviewer()
    result = cli.invoke(args=["review", "disable", "shenhe"])
    assert result.exit_code == 0 and "已停用审核人员 shenhe" in result.output
    assert _reviewer(review, "shenhe").active is False
    assert cli.invoke(args=["review", "disable", "nobody"]).exit_code == 1


def test_ensure_demo_creates_then_refreshes_the_province_admin(cli, client, review):
    first = cli.invoke(args=["review", "ensure-demo"])
    assert first.exit_code == 0, first.output
    match = re.fullmatch(r"演示审核账号：(\S+) / (\S+)\n", first.output)
    assert match, first.output
    username, password = match.groups()
    admin = _reviewer(review, username)
    assert admin.role == "admin" and admin.region_code == "140000" and admin.active
    response = client.submit("/review/login", {"username": username, "password": password})
    assert response.status_code == 302 and response.headers["Location"] == "/review/"
    second = cli.invoke(args=["review", "ensure-demo"])
    new_password = re.fullmatch(r"演示审核账号：\S+ / (\S+)\n", second.output).group(1)
    assert new_password != password
    assert review.fresh().scalar(select(Reviewer).where(Reviewer.username == username)) is not None
    assert len(review.fresh().scalars(select(Reviewer)).all()) == 1


def test_ensure_demo_refuses_production(app, cli):
    app.config["APP_ENV"] = "production"
    result = cli.invoke(args=["review", "ensure-demo"])
    assert result.exit_code == 1 and "生产环境不创建演示账号" in result.output
