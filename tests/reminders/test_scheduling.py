"""Exactly once per day: the day's claim, catching up missed days, concurrent schedulers
(threads and processes, real commits, SQLite and PostgreSQL), and the CLI."""
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.activities.models import Activity, ActivitySignup
from app.extensions import db
from app.notifications.models import Notification
from app.reminders.models import Reminder, ReminderKind, ReminderRun
from app.reminders.scheduling import days_due, run_day, run_due_days
from tests.conftest import LONG_AGO, NOW, TODAY, approved_at, at, count

ROOT = Path(__file__).resolve().parents[2]


def test_days_due_after_run_time_before_it_and_on_a_fresh_install(app, settings):
    settings(REMINDER_RUN_AT="07:30", REMINDER_CATCHUP_DAYS=3)
    assert days_due(NOW) == [TODAY]                      # fresh install: today only
    db.session.add(ReminderRun(day=TODAY - timedelta(days=1)))
    db.session.flush()
    assert days_due(at(TODAY, 7, 29)) == []              # today's time has not come
    assert days_due(at(TODAY, 7, 30)) == [TODAY]
    db.session.add(ReminderRun(day=TODAY - timedelta(days=100)))
    db.session.flush()
    assert days_due(NOW) == [TODAY]                      # the latest claim counts
    db.session.execute(sa.delete(ReminderRun).where(ReminderRun.day == TODAY - timedelta(days=1)))
    assert days_due(NOW) == [TODAY - timedelta(days=2), TODAY - timedelta(days=1), TODAY]


def test_a_missed_day_is_caught_up_once(idle_world):
    w = idle_world
    db.session.add(ReminderRun(day=TODAY - timedelta(days=2)))  # the server was down yesterday
    today_activity = Activity(community_id=w.comm1.id, title="今天下午的活动", category="c",
                              starts_at=at(TODAY, 15, 0), ends_at=at(TODAY, 17, 0), capacity=3)
    db.session.add(today_activity)
    db.session.flush()
    db.session.add(ActivitySignup(activity_id=today_activity.id, member_id=w.member1.id))
    db.session.flush()

    ran = run_due_days(NOW)

    assert ran == [TODAY - timedelta(days=1), TODAY]
    runs = db.session.scalars(sa.select(ReminderRun).order_by(ReminderRun.day)).all()
    assert [r.day for r in runs] == [TODAY - timedelta(days=2), TODAY - timedelta(days=1), TODAY]
    yesterday = runs[1]
    assert yesterday.finished_at == NOW
    assert yesterday.summary[ReminderKind.ACTIVITY_TOMORROW] == 1  # yesterday's "tomorrow"
    snapshot = (count(Reminder), count(Notification))

    assert run_due_days(NOW + timedelta(hours=1)) == []
    assert (count(Reminder), count(Notification)) == snapshot
    assert count(Reminder, Reminder.user_id == w.member1.id,
                 Reminder.kind == ReminderKind.ACTIVITY_TOMORROW) == 1


def test_a_claimed_day_is_skipped_unless_forced(idle_world):
    assert run_day(TODAY, NOW) is not None
    assert run_day(TODAY, NOW) is None
    forced = run_day(TODAY, NOW, force=True)
    assert forced is not None and all(v == 0 for v in forced.values())
    assert count(ReminderRun) == 1


def _record(day):
    return db.session.execute(sa.select(ReminderRun.summary, ReminderRun.claimed_at,
                                        ReminderRun.finished_at).where(ReminderRun.day == day)).one()


def test_a_forced_rerun_keeps_the_days_record(idle_world):
    """The record tells what the pass that did the work did; a rerun adding nothing must not
    overwrite it with zeros (nor move finished_at before claimed_at)."""
    first = run_day(TODAY, NOW)
    assert first["idle"] == 3
    kept = _record(TODAY)
    assert kept.summary == first and kept.finished_at >= kept.claimed_at
    forced = run_day(TODAY, NOW - timedelta(hours=1), force=True)
    assert forced["idle"] == 0
    assert tuple(_record(TODAY)) == (first, NOW, NOW)


@pytest.mark.commits
def test_concurrent_forced_runs_keep_the_winners_record(app, world):
    """Two `flask reminders run` at once (the second one's clock a minute behind): one claims
    the day and does the work; the other adds nothing and leaves the record alone."""
    from tests.races import race

    _commit_world(world)
    summaries = {}

    def run(moment):
        return lambda: summaries.__setitem__(moment, run_day(TODAY, moment, force=True))

    assert race(app, [run(NOW), run(NOW - timedelta(minutes=1))]) == ["ok", "ok"]
    db.session.remove()
    record = _record(TODAY)
    assert sorted(s["idle"] for s in summaries.values()) == [0, 3]
    assert record.summary == summaries[record.claimed_at] and record.summary["idle"] == 3
    assert record.finished_at >= record.claimed_at
    assert count(Reminder, Reminder.kind == "idle") == 3


def _commit_world(world) -> list[int]:
    members = (world.member1, world.member2, world.member3)
    for member in members:
        approved_at(member, LONG_AGO)
    ids = [m.id for m in members]
    db.session.commit()
    db.session.remove()  # no open transaction (SQLite: no write lock) while the others run
    return ids


@pytest.mark.commits
def test_two_schedulers_started_at_once_send_each_reminder_once(app, world):
    member_ids = _commit_world(world)
    db.session.add(ReminderRun(day=TODAY - timedelta(days=3)))  # two days to catch up, and today
    db.session.commit()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def scheduler():
        with app.app_context():
            try:
                barrier.wait()
                results.append(run_due_days(NOW))
            except Exception as exc:  # surfaced below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert errors == []
    all_days = sorted(d for ran in results for d in ran)
    assert all_days == [TODAY - timedelta(days=2), TODAY - timedelta(days=1), TODAY]  # no day twice
    db.session.remove()
    assert count(ReminderRun) == 4
    for member_id in member_ids:
        assert count(Reminder, Reminder.user_id == member_id, Reminder.kind == "idle") == 1
        assert count(Notification, Notification.user_id == member_id) == 1


@pytest.mark.commits
def test_two_scheduler_processes_run_the_day_once(app, world, database_url):
    member_ids = _commit_world(world)
    env = {**os.environ, "DATABASE_URL": database_url, "FLASK_APP": "wsgi",
           "NOTIFY_CHANNELS": "", "QUIET_HOURS": ""}
    command = [sys.executable, "-m", "flask", "scheduler", "run", "--once"]
    procs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT) for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0].decode() for p in procs]

    assert [p.returncode for p in procs] == [0, 0], outputs
    db.session.remove()
    assert count(ReminderRun) == 1  # a fresh install runs only the current day
    for member_id in member_ids:
        assert count(Reminder, Reminder.user_id == member_id, Reminder.kind == "idle") == 1
        assert count(Notification, Notification.user_id == member_id) == 1


def test_cli_run_twice_for_the_same_day_adds_nothing(app, idle_world):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["reminders", "run", "--today", TODAY.isoformat(), "--no-deliver"])
    assert first.exit_code == 0, first.output
    assert "idle=3" in first.output and "digests=3" in first.output
    snapshot = (count(Reminder), count(Notification))

    second = runner.invoke(args=["reminders", "run", "--today", TODAY.isoformat(), "--no-deliver"])

    assert second.exit_code == 0 and "idle=0" in second.output and "digests=0" in second.output
    assert (count(Reminder), count(Notification)) == snapshot
    assert count(ReminderRun) == 1
    assert _record(TODAY).summary["idle"] == 3  # the first run's record, not the rerun's zeros


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", "24/11/2026"])
def test_cli_rejects_a_bad_day_and_writes_nothing(app, idle_world, bad):
    result = app.test_cli_runner().invoke(args=["reminders", "run", "--today", bad])
    assert result.exit_code == 2
    assert count(Reminder) == 0 and count(ReminderRun) == 0


def test_cli_deliver_reports(app, world):
    result = app.test_cli_runner().invoke(args=["reminders", "deliver"])
    assert result.exit_code == 0
    assert "deliveries" in result.output or "quiet hours" in result.output


def test_the_embedded_scheduler_never_starts_in_tests_or_cli(app, client):
    from app.extensions import scheduler

    client.get("/healthz")
    app.test_cli_runner().invoke(args=["reminders", "deliver"])
    assert not scheduler.running


def test_start_scheduler_adds_the_daily_pass_and_the_beat(app, monkeypatch, settings):
    from apscheduler.schedulers.background import BackgroundScheduler

    from app.reminders import scheduling

    settings(REMINDER_RUN_AT="06:45", DELIVERY_INTERVAL_SECONDS=30)
    beats = []
    monkeypatch.setattr(scheduling, "tick", lambda app_, now=None: beats.append(app_))
    own = BackgroundScheduler(timezone="Asia/Shanghai")
    monkeypatch.setattr(scheduling, "scheduler", own)
    try:
        scheduling.start_scheduler(app)
        scheduling.start_scheduler(app)  # a second start adds nothing
        jobs = {job.id: job for job in own.get_jobs()}
        assert set(jobs) == {"reminders-daily", "reminders-beat"}
        daily = {f.name: str(f) for f in jobs["reminders-daily"].trigger.fields}
        assert (daily["hour"], daily["minute"]) == ("6", "45")
        assert jobs["reminders-beat"].trigger.interval.total_seconds() == 30
        deadline = time.monotonic() + 5
        while not beats and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        own.shutdown(wait=True)
    assert beats == [app]  # the beat ran once at start-up (catch-up), in the scheduler's thread


def test_embedded_scheduler_starts_on_the_first_served_request_only(database_url, monkeypatch):
    from app import create_app
    from app.reminders import scheduling
    from config import TestConfig

    started = []
    monkeypatch.setattr(scheduling, "start_scheduler", lambda app_: started.append(app_))
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    served = create_app({**settings, "SQLALCHEMY_DATABASE_URI": database_url, "TESTING": False,
                         "SCHEDULER_EMBEDDED": True})
    quiet = create_app({**settings, "SQLALCHEMY_DATABASE_URI": database_url, "TESTING": False,
                        "SCHEDULER_EMBEDDED": False})
    assert started == []  # creating the app (CLI commands, the reloader's watcher) starts nothing
    with served.app_context():
        client = served.test_client()
        client.get("/healthz")
        client.get("/healthz")
    with quiet.app_context():
        quiet.test_client().get("/healthz")
    assert started == [served]
