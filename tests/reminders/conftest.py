"""Reminders fixtures: a clock, members approved long ago, evidence rows, a recording sender,
temporary settings and a real SMTP server (aiosmtpd) on a free localhost port."""
from __future__ import annotations

import contextlib
import socket
from datetime import UTC, date, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller

from app.extensions import db
from app.points.models import LedgerEntry
from app.registrations.models import Registration

TODAY = date(2026, 11, 24)                      # a Tuesday, not a checklist checkpoint
NOW = datetime(2026, 11, 24, 1, 30, tzinfo=UTC)  # 09:30 in Asia/Shanghai: after REMINDER_RUN_AT
LONG_AGO = datetime(2026, 6, 1, 2, tzinfo=UTC)


def at(day: date, hour: int = 9, minute: int = 30) -> datetime:
    """`day` at hour:minute Asia/Shanghai, as UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def approved_at(member, when: datetime) -> None:
    reg = db.session.query(Registration).filter_by(member_id=member.id).one()
    reg.approved_at = when
    db.session.flush()


_seq = iter(range(1, 10**9))


def served(member, when: datetime, source_type: str = "service_record") -> LedgerEntry:
    """A ledger entry proving service (or not, for source_type='adjustment') at `when`."""
    n = next(_seq)
    entry = LedgerEntry(member_id=member.id, year=when.year, points=5, rule_key="service_hour",
                        source_type=source_type, source_id=n, created_at=when,
                        idempotency_key=f"test-{source_type}-{n}-{member.id}")
    db.session.add(entry)
    db.session.flush()
    return entry


@pytest.fixture
def idle_world(world):
    """The world with every member approved on 2026-06-01, so all are idle on TODAY."""
    for member in (world.member1, world.member2, world.member3):
        approved_at(member, LONG_AGO)
    world.member1.email = "member1@example.org"
    db.session.flush()
    return world


@pytest.fixture
def settings(app):
    """settings(KEY=value, ...) changes the app's config until the test ends."""
    saved = {}

    def change(**values):
        for key, value in values.items():
            saved.setdefault(key, app.config.get(key))
            app.config[key] = value

    yield change
    app.config.update(saved)


class RecordingSender:
    def __init__(self, fail: bool = False):
        self.sent: list[tuple[str, str, str]] = []
        self.fail = fail

    def send(self, address, subject, body):
        if self.fail:
            raise ConnectionError("channel down")
        self.sent.append((address, subject, body))


@pytest.fixture
def recorder():
    email, sms = RecordingSender(), RecordingSender()
    return {"email": email, "sms": sms}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    """smtp_server.start() / .stop() a real SMTP server on a fixed free port; .messages."""

    class Server:
        port = free_port()
        handler = Inbox()
        controller = None

        @property
        def messages(self):
            return self.handler.messages

        def start(self):
            self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
            self.controller.start()

        def stop(self):
            if self.controller is not None:
                with contextlib.suppress(Exception):
                    self.controller.stop()
                self.controller = None

    server = Server()
    yield server
    server.stop()
