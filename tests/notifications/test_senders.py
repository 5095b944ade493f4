"""The logging sender (the default SMS channel in production) never writes a whole phone number
or email address to the log: whoever reads the log need not see them."""
import logging

from app.notifications.senders import LoggingSender


def test_the_log_shows_masked_addresses(caplog, monkeypatch):
    # migrations/env.py's fileConfig disables loggers that existed when the tests migrated
    monkeypatch.setattr(logging.getLogger("app.notifications.senders"), "disabled", False)
    with caplog.at_level(logging.INFO, logger="app.notifications.senders"):
        LoggingSender("sms").send("13812345678", "提醒", "您已超过30天没有服务记录")
        LoggingSender("email").send("zhang.wei@example.com", "提醒", "正文")
    text = caplog.text
    assert "13812345678" not in text and "138****5678" in text
    assert "zhang.wei@" not in text and "zh***@example.com" in text
    assert "您已超过30天没有服务记录" in text  # the message itself is still logged
