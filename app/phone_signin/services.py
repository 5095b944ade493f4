"""Sending a sign-in code: issued and committed, then handed to the configured SMS sender
(SMS_SENDER) at once — never queued as a delivery, held by quiet hours or put in a digest."""
from __future__ import annotations

import logging

from flask import current_app
from flask_babel import gettext as _

from app.auth import sms
from app.errors import DomainError
from app.notifications.senders import LoggingSender, masked_address, senders_from_config
from app.transaction import commit

log = logging.getLogger(__name__)


class SmsUnavailable(DomainError):
    status_code = 503
    status = "Service Unavailable"


def send_code(phone: str, address: str) -> str:
    """Issues a code for the phone, commits, sends it; returns the code (for the page outside
    production). Raises Invalid (bad phone), 429 (throttled), 503 (the sender failed)."""
    phone, code = sms.issue_code(phone, address)
    commit()  # the code exists before it is sent
    sender = senders_from_config(current_app.config)["sms"]
    subject = _("登录验证码")
    body = _("您的验证码是 %(code)s，%(minutes)s分钟内有效。请勿告诉他人。", code=code,
             minutes=current_app.config["SMS_CODE_TTL_SECONDS"] // 60)
    if isinstance(sender, LoggingSender) and not current_app.config["SMS_CODE_SHOWN"]:
        # production on the logging stand-in: the log must never hold a live code
        log.info("sms to %s: %s | (code withheld)", masked_address(phone), subject)
        return code
    try:
        sender.send(phone, subject, body)
    except Exception:
        log.exception("sms code to %s not sent", masked_address(phone))
        raise SmsUnavailable(_("短信发送失败，请稍后再试")) from None
    return code
