"""Running the daily pass exactly once per day, whatever the number of processes or hosts.

Each day's pass first inserts that day's ReminderRun row (primary key = the day) in the same
transaction as everything it writes: a second scheduler blocks on, then fails that insert and
does nothing; a crashed pass rolls its claim back and the day is retried. After downtime the
days since the last claimed one (at most REMINDER_CATCHUP_DAYS) are each run once."""
from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import date, datetime, time, timedelta
from time import monotonic

import sqlalchemy as sa
from flask import Flask, current_app

from app.clock import LOCAL_TZ, local_today, utcnow
from app.database import insert_unique
from app.extensions import db, scheduler
from app.notifications.delivery import deliver_due
from app.observability import observe_daily_pass, observe_deliveries
from app.reminders.daily_pass import run_pass
from app.reminders.models import ReminderRun
from app.transaction import commit, rollback

log = logging.getLogger(__name__)
_start_lock = threading.Lock()


def run_at() -> time:
    return time.fromisoformat(current_app.config["REMINDER_RUN_AT"])


def claim_day(day: date, now: datetime) -> bool:
    """Inserts the day's claim inside the current transaction; False if another has it."""
    run = ReminderRun(day=day, claimed_at=now, claimed_by=f"{socket.gethostname()}:{os.getpid()}")
    return insert_unique(run) is not None


def run_day(day: date, now: datetime | None = None, force: bool = False) -> dict | None:
    """Claims `day` and runs its pass, committing both together. Without `force` a day
    already claimed is skipped (None); with it (the CLI) the pass runs again and, its
    reminders being unique per period, adds only what is new.

    The day's `reminder_run` row records the pass that claimed it (its counts and its clock);
    a forced rerun, or one that lost the claim to a
    concurrent pass, returns what it added itself and leaves that record alone."""
    now = now or utcnow()
    started = monotonic()
    claimed = claim_day(day, now)
    if not claimed and not force:
        rollback()
        return None
    summary = run_pass(day, now)
    if claimed:
        db.session.execute(sa.update(ReminderRun)
                           .where(ReminderRun.day == day, ReminderRun.finished_at.is_(None))
                           .values(finished_at=now, summary=summary))
    commit()  # the job's unit of work: the claim and the pass together
    observe_daily_pass(summary, monotonic() - started)
    log.info("reminder pass for %s%s: %s", day, "" if claimed else " (rerun)", summary)
    return summary


def days_due(now: datetime) -> list[date]:
    """Days whose pass should have run by `now` and has not: from the day after the last
    claimed one (or today, on a fresh install) to today if REMINDER_RUN_AT has passed."""
    today = local_today(now)
    last_due = today if now.astimezone(LOCAL_TZ).time() >= run_at() else today - timedelta(days=1)
    last_claimed = db.session.scalar(sa.select(sa.func.max(ReminderRun.day)))
    earliest = last_due - timedelta(days=current_app.config["REMINDER_CATCHUP_DAYS"] - 1)
    first = max(last_claimed + timedelta(days=1), earliest) if last_claimed else last_due
    return [first + timedelta(days=n) for n in range((last_due - first).days + 1)]


def run_due_days(now: datetime | None = None) -> list[date]:
    """Runs every due day once (missed days first); returns the days this process ran."""
    now = now or utcnow()
    ran = []
    for day in days_due(now):
        if run_day(day, now) is not None:
            ran.append(day)
    return ran


def tick(app: Flask, now: datetime | None = None) -> None:
    """One scheduler beat: catch up / run the day's pass if due, then send what is due."""
    with app.app_context():
        try:
            run_due_days(now)
            observe_deliveries(deliver_due(now))
        finally:
            db.session.remove()


def start_scheduler(app: Flask) -> None:
    """Adds the jobs and starts app.extensions.scheduler (a BackgroundScheduler): the pass
    daily at REMINDER_RUN_AT, and a beat every DELIVERY_INTERVAL_SECONDS that catches up
    missed days and sends due deliveries."""
    with _start_lock:
        if scheduler.running:
            return
        at = time.fromisoformat(app.config["REMINDER_RUN_AT"])
        common = dict(replace_existing=True, coalesce=True, max_instances=1,
                      misfire_grace_time=3600)
        scheduler.add_job(tick, "cron", args=[app], hour=at.hour, minute=at.minute,
                          id="reminders-daily", **common)
        scheduler.add_job(tick, "interval", args=[app], id="reminders-beat",
                          seconds=app.config["DELIVERY_INTERVAL_SECONDS"],
                          next_run_time=utcnow(), **common)
        scheduler.start()
        log.info("reminder scheduler started (daily at %s)", at)


def install_embedded(app: Flask) -> None:
    """SCHEDULER_EMBEDDED (`make run`): start the scheduler on the first request, so only a
    process that serves requests runs it: never the reloader's watcher, a CLI command or tests."""
    if not app.config.get("SCHEDULER_EMBEDDED") or app.config.get("TESTING"):
        return

    @app.before_request
    def _start_embedded_scheduler():
        if not app.extensions.get("reminders_scheduler_started"):
            app.extensions["reminders_scheduler_started"] = True
            start_scheduler(app)
