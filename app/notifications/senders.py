"""Channels a stored notification can go out on. A sender raises on failure; the delivery
sweep records the error and retries later, so a sender never needs its own retry logic."""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Protocol

from werkzeug.utils import import_string

from app.auth.permissions import mask_phone

log = logging.getLogger(__name__)


class Sender(Protocol):
    def send(self, address: str, subject: str, body: str) -> None: ...


def masked_address(address: str) -> str:
    """A phone number or email address as a log may show it (whoever reads the log need not
    see it): 138****5678, zh***@example.com."""
    local, at, domain = (address or "").partition("@")
    if at:
        return f"{local[:2]}***@{domain}"
    return mask_phone(address) or ""


class LoggingSender:
    """Writes the message to the log (the address masked): the default SMS channel, and email
    without SMTP_HOST."""

    def __init__(self, channel: str):
        self.channel = channel

    def send(self, address: str, subject: str, body: str) -> None:
        log.info("%s to %s: %s | %s", self.channel, masked_address(address), subject,
                 body.replace("\n", " / "))


class SmtpSender:
    """Plain SMTP (smtplib), optionally STARTTLS and login; one connection per message."""

    def __init__(self, host: str, port: int, from_addr: str, *, username: str = "",
                 password: str = "", starttls: bool = False, timeout: int = 10):
        self.host, self.port, self.from_addr = host, port, from_addr
        self.username, self.password = username, password
        self.starttls, self.timeout = starttls, timeout

    def send(self, address: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self.from_addr
        message["To"] = address
        message["Subject"] = subject
        message.set_content(body or subject)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(message)


def senders_from_config(config) -> dict[str, Sender]:
    """{channel: sender} from the settings: SMTP_HOST (else logging) and SMS_SENDER
    ("logging" or an importable "package.module:Class" taking no arguments)."""
    if config.get("SMTP_HOST"):
        email: Sender = SmtpSender(
            config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_SENDER"],
            username=config.get("SMTP_USERNAME", ""), password=config.get("SMTP_PASSWORD", ""),
            starttls=config.get("SMTP_STARTTLS", False), timeout=config.get("SMTP_TIMEOUT", 10))
    else:
        email = LoggingSender("email")
    sms_name = config.get("SMS_SENDER", "logging")
    sms: Sender = LoggingSender("sms") if sms_name == "logging" else import_string(sms_name)()
    return {"email": email, "sms": sms}
