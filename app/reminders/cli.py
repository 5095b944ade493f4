"""`flask reminders run|deliver` and `flask scheduler run`."""
from __future__ import annotations

import signal
import threading
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from app.clock import local_today, utcnow
from app.extensions import db, scheduler
from app.notifications.delivery import deliver_due

reminders_group = AppGroup("reminders", help="The daily reminder pass and notification delivery.")
scheduler_group = AppGroup("scheduler", help="The scheduler process (production: run it once).")


@reminders_group.command("run")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Run the pass as of this day (YYYY-MM-DD); default: today (Asia/Shanghai).")
@click.option("--no-deliver", is_flag=True, help="Only store; leave sending to the scheduler.")
def run_command(today, no_deliver: bool) -> None:
    """Run the daily reminder pass once; running it again for the same day adds nothing."""
    from app.reminders.scheduling import run_day

    now = utcnow()
    day: date = today.date() if today else local_today(now)
    summary = run_day(day, now, force=True)
    click.echo(f"reminder pass for {day.isoformat()}: " +
               ", ".join(f"{k}={v}" for k, v in summary.items()))
    if not no_deliver:
        report = deliver_due()
        click.echo(_delivery_line(report))


@reminders_group.command("deliver")
def deliver_command() -> None:
    """Send the email / SMS deliveries that are due (outside quiet hours)."""
    click.echo(_delivery_line(deliver_due()))


def _delivery_line(report) -> str:
    if report.quiet:
        return "quiet hours: nothing sent, deliveries stay queued"
    return f"deliveries: sent={report.sent} retry_later={report.failed} gave_up={report.gave_up}"


@scheduler_group.command("run")
@click.option("--once", is_flag=True, help="One beat (catch up, run today's pass if due, "
                                           "deliver) and exit.")
def scheduler_run(once: bool) -> None:
    """Run the scheduler in this process until stopped (SIGTERM / Ctrl-C)."""
    from app.reminders.scheduling import start_scheduler, tick

    app = current_app._get_current_object()
    if once:
        db.session.remove()
        tick(app)
        click.echo("scheduler beat done")
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    start_scheduler(app)
    click.echo(f"scheduler running: reminder pass daily at {app.config['REMINDER_RUN_AT']}, "
               f"deliveries every {app.config['DELIVERY_INTERVAL_SECONDS']} s")
    try:
        while not stop.wait(1):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.shutdown(wait=True)


commands = [reminders_group, scheduler_group]
