"""Test fixtures of the archive capability (loaded by tests/conftest.py through pytest_plugins).

Archive files are generated (valid GB 11643 numbers, Chinese headers, GBK or UTF-8), and mail goes through a
real SMTP server on loopback (aiosmtpd, the sandbox's MailboxHandler) into the test's instance/mail/.
"""

from __future__ import annotations

import csv
import hashlib
import time
from datetime import date, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest

from shared_models.rules.identity import check_digit

HEADERS_ZH = [
    "证件类型", "证件号码", "姓名", "电子邮箱", "联系电话", "密码", "民族", "政治面貌",
    "通信地址", "邮政编码", "所属行政区划", "会计专业技术职务", "会计专业技术职务聘任时间", "工作状态", "工作单位名称",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"


def make_id(index: int, area: str = "140105") -> str:
    """The index-th of a run of distinct valid 18-digit ID numbers (born 1960-1999)."""
    born = date(1960, 1, 1) + timedelta(days=index // 800)
    first17 = f"{area}{born:%Y%m%d}{100 + index % 800:03d}"
    return first17 + check_digit(first17)


def md5_of(password: str) -> str:
    return "md5:" + hashlib.md5(password.encode()).hexdigest()


def sha1_of(password: str) -> str:
    return "sha1:" + hashlib.sha1(password.encode()).hexdigest()


def archive_row(index: int, **overrides: str) -> dict[str, str]:
    """One valid row by English key; overrides break it on purpose."""
    row = {
        "id_type": "居民身份证",
        "id_number": make_id(index),
        "name": SURNAMES[index % 20] + GIVEN[(index // 20) % 20],
        "email": f"user{index}@example.com",
        "phone": f"139{index:08d}",
        "password_hash": md5_of(f"Old-pass-{index}") if index % 3 else "",
        "ethnicity": "汉族",
        "political_status": "中共党员" if index % 2 else "群众",
        "address": f"山西省太原市小店区坞城路{index % 300 + 1}号",
        "postal_code": "030006",
        "region_code": "140105",
        "title": "会计师",
        "title_appointed_on": "2015-07-01",
        "work_status": "在职",
        "employer_name": "山西某某会计服务有限公司",
    }
    row.update(overrides)
    return row


ZH = dict(zip(
    ["id_type", "id_number", "name", "email", "phone", "password_hash", "ethnicity", "political_status", "address",
     "postal_code", "region_code", "title", "title_appointed_on", "work_status", "employer_name"],
    HEADERS_ZH, strict=True,
))


def write_csv(path: Path, rows: list[dict[str, str]], *, encoding: str = "gbk", chinese: bool = True) -> Path:
    keys = list(ZH)
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([ZH[k] for k in keys] if chinese else keys)
        for row in rows:
            writer.writerow([row.get(k, "") for k in keys])
    return path


def write_xlsx(path: Path, rows: list[dict[str, object]]) -> Path:
    from openpyxl import Workbook

    keys = list(ZH)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([ZH[k] for k in keys])
    for row in rows:
        sheet.append([row.get(k) for k in keys])
    workbook.save(path)
    return path


class Mailbox:
    """The messages a real loopback SMTP server received (stored as .eml files, as in `make run`)."""

    def __init__(self, directory: Path, port: int) -> None:
        self.directory = directory
        self.port = port

    def messages(self) -> list[EmailMessage]:
        paths = sorted(self.directory.glob("*.eml"))
        return [BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in paths]

    def wait(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """Mail leaves on a background thread: wait until `count` messages arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.messages()
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"expected {count} mail(s), got {len(self.messages())}")


@pytest.fixture
def mailbox(settings):
    """A real SMTP server on a free loopback port; the app is configured to send to it. Ask for it before `app`."""
    from wechat_sandbox.mailbox import start_smtp_server

    directory = Path(settings["INSTANCE_PATH"]) / "mail"
    controller = start_smtp_server(directory)
    settings.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_TIMEOUT=5.0,
        MAIL_SENDER="山西省会计人员信息采集 <noreply@example.gov.cn>",
    )
    yield Mailbox(directory, controller.port)
    controller.stop()


@pytest.fixture
def in_db(app):
    """Run fn(session) in its own app context and commit. Tests that also use `client` use this rather than
    `db_session`: an app context held across requests would share `g` (and the CSRF token cache) with them."""

    def _run(fn):
        with app.app_context():
            from portal.extensions import db

            result = fn(db.session)
            db.session.commit()
            return result

    return _run


@pytest.fixture
def archive_account(in_db):
    """Create an archive account directly (as an import would): password_hash is md5:/sha1:/initial:."""
    from shared_models.models import Account
    from shared_models.rules.passwords import initial_password_marker

    def _make(index: int = 1, password_hash: str | None = None, email: str = "old@example.com", **extra) -> Account:
        id_number = extra.pop("id_number", make_id(index))
        stored = password_hash if password_hash is not None else initial_password_marker(id_number)
        account = Account(
            id_type="居民身份证", id_number=id_number, name=extra.pop("name", "李四"), email=email,
            password_hash=stored, must_change_password=stored.startswith("initial:"), origin="archive", **extra,
        )

        def add(session):
            session.add(account)
            session.flush()
            return account

        return in_db(add)

    return _make
