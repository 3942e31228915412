"""Outgoing e-mail over SMTP (MAIL_* settings): plain text + HTML, UTF-8, RFC 2047 Chinese headers.

Sending happens on a small background pool, so that a request never waits for the mail server (and the
password-recovery form answers in the same time whether or not a mail goes out). A failed delivery is
logged with the recipient masked; the user-facing flows never depend on it.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any

from flask import current_app, render_template

log = logging.getLogger(__name__)
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mail")


@dataclass(frozen=True)
class SmtpSettings:
    """A snapshot of the MAIL_* settings, safe to hand to a worker thread (no app context there)."""

    server: str
    port: int
    username: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    sender: str = "noreply@localhost"
    timeout: float = 10.0

    @classmethod
    def from_config(cls, config: Any) -> SmtpSettings:
        return cls(
            server=str(config.get("MAIL_SERVER") or "127.0.0.1"),
            port=int(config.get("MAIL_PORT") or 25),
            username=str(config.get("MAIL_USERNAME") or ""),
            password=str(config.get("MAIL_PASSWORD") or ""),
            use_tls=bool(config.get("MAIL_USE_TLS")),
            use_ssl=bool(config.get("MAIL_USE_SSL")),
            sender=str(config.get("MAIL_SENDER") or "noreply@localhost"),
            timeout=float(config.get("MAIL_TIMEOUT") or 10.0),
        )


def mask_email(address: str) -> str:
    """zh***@example.com: enough to tell mails apart in logs, not enough to harvest addresses."""
    local, _, domain = address.partition("@")
    return f"{local[:2]}***@{domain}" if domain else "***"


def build_message(sender: str, to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    """A multipart/alternative message; the default policy encodes non-ASCII headers (RFC 2047) and bodies."""
    message = EmailMessage()
    name, addr = parseaddr(sender)
    local, _, domain = addr.partition("@")
    message["From"] = Address(display_name=name, username=local, domain=domain) if domain else sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=domain or "localhost")
    message.set_content(text, charset="utf-8")
    if html is not None:
        message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def render_message(to: str, subject: str, template: str, **context: Any) -> EmailMessage:
    """Render `<template>.txt` and `<template>.html` into a message from MAIL_SENDER (needs an app context)."""
    settings = SmtpSettings.from_config(current_app.config)
    text = render_template(f"{template}.txt", **context)
    html = render_template(f"{template}.html", **context)
    return build_message(settings.sender, to, subject, text, html)


def deliver(settings: SmtpSettings, message: EmailMessage) -> None:
    """Send one message now (blocking); every network step is bounded by the timeout."""
    if settings.use_ssl:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.server, settings.port, timeout=settings.timeout, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
    with smtp:
        if settings.use_tls and not settings.use_ssl:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password)
        smtp.send_message(message)


def _deliver_logged(settings: SmtpSettings, message: EmailMessage) -> bool:
    to = mask_email(str(message["To"]))
    try:
        deliver(settings, message)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("mail to %s failed: %s", to, exc)
        return False
    log.info("mail to %s sent", to)
    return True


def send_async(message: EmailMessage) -> Future[bool]:
    """Queue the message for the background sender; the future resolves to True once the server took it."""
    settings = SmtpSettings.from_config(current_app.config)
    return _pool.submit(_deliver_logged, settings, message)
