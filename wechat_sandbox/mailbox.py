"""The sandbox mail outbox page (/sandbox/mail): mail sent by the app in development lands here.

`make run` (scripts/serve.py) starts a loopback SMTP server (aiosmtpd) whose MailboxHandler stores every
message as an .eml file under instance/mail/; this page lists them, newest first, and shows each one with
its links clickable. Development and tests only: mounted by wechat_sandbox.init_app, never in production.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import time
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, render_template
from markupsafe import Markup, escape

bp = Blueprint("sandbox_mail", __name__, url_prefix="/sandbox/mail", template_folder="templates")
MAIL_ID = re.compile(r"^[0-9]{13}-[0-9a-f]{8}$")
URL = re.compile(r"https?://[^\s<>\"'）)]+")
# The HTML part is shown as sent, but can run nothing and load nothing from elsewhere.
HTML_PART_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox allow-popups allow-top-navigation"
)
LIST_LIMIT = 200


class MailboxHandler:
    """aiosmtpd handler: each message received becomes `<directory>/<ms timestamp>-<random>.eml`."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        name = f"{int(time.time() * 1000):013d}-{secrets.token_hex(4)}"
        tmp = self.directory / f".{name}.tmp"
        tmp.write_bytes(envelope.original_content or envelope.content)
        os.replace(tmp, self.directory / f"{name}.eml")  # atomic: the page never sees half a message
        return "250 Message accepted for delivery"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def start_smtp_server(directory: str | Path, host: str = "127.0.0.1", port: int = 0):
    """Start an aiosmtpd server storing into `directory`; return the Controller (its .port is the real port).

    aiosmtpd (a development dependency) is imported here only: production never calls this."""
    from aiosmtpd.controller import Controller

    controller = Controller(MailboxHandler(directory), hostname=host, port=port or free_port(host))
    controller.start()
    return controller


@dataclass(frozen=True)
class StoredMail:
    id: str
    sender: str
    to: str
    subject: str
    date: str
    message: EmailMessage

    def part(self, subtype: str) -> str | None:
        body = self.message.get_body(preferencelist=(subtype,))
        return body.get_content() if body is not None and body.get_content_subtype() == subtype else None

    def text_html(self) -> Markup:
        """The plain-text body, escaped, with URLs turned into links."""
        text = self.part("plain") or ""
        out, last = [], 0
        for match in URL.finditer(text):
            out.append(escape(text[last : match.start()]))
            url = match.group(0)
            out.append(Markup('<a href="{0}" rel="noopener">{0}</a>').format(url))
            last = match.end()
        out.append(escape(text[last:]))
        return Markup("").join(out)


def mail_dir() -> Path:
    return Path(current_app.config.get("SANDBOX_MAIL_DIR") or Path(current_app.instance_path) / "mail")


def _load(path: Path) -> StoredMail:
    with path.open("rb") as fh:
        message = BytesParser(policy=policy.default).parse(fh)
    return StoredMail(
        id=path.stem,
        sender=str(message.get("From", "")),
        to=str(message.get("To", "")),
        subject=str(message.get("Subject", "")),
        date=time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(int(path.stem.split("-")[0]) / 1000)),
        message=message,
    )


def list_mail() -> list[StoredMail]:
    directory = mail_dir()
    if not directory.is_dir():
        return []
    paths = sorted((p for p in directory.glob("*.eml") if MAIL_ID.match(p.stem)), reverse=True)
    return [_load(p) for p in paths[:LIST_LIMIT]]


def get_mail(mail_id: str) -> StoredMail:
    if not MAIL_ID.match(mail_id):  # the id is a file name: nothing else may reach the disk
        abort(404)
    path = mail_dir() / f"{mail_id}.eml"
    if not path.is_file():
        abort(404)
    return _load(path)


@bp.get("/")
def inbox():
    return render_template("sandbox/mail_list.html", mails=list_mail(), page_title="沙箱邮箱")


@bp.get("/<mail_id>")
def show(mail_id: str):
    mail = get_mail(mail_id)
    return render_template("sandbox/mail_show.html", mail=mail, has_html=mail.part("html") is not None,
                           page_title=mail.subject or "邮件")


@bp.get("/<mail_id>/html")
def show_html(mail_id: str):
    html = get_mail(mail_id).part("html")
    if html is None:
        abort(404)
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = HTML_PART_CSP
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
