"""Gauges of the delivery queue and the last daily pass, read from the database when /metrics
is scraped, so every process and host gives the same answer."""
from __future__ import annotations

from flask import Flask
from prometheus_client.core import GaugeMetricFamily

from app.notifications.models import Delivery, DeliveryStatus
from app.reminders.models import ReminderRun


class DatabaseCollector:
    """Gauges read from the database at scrape time: the same answer from every process."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        import sqlalchemy as sa

        from app.extensions import db

        with self.app.app_context():
            try:
                by_status = dict(db.session.execute(
                    sa.select(Delivery.status, sa.func.count()).group_by(Delivery.status)).all())
                last = db.session.execute(
                    sa.select(ReminderRun.day, ReminderRun.finished_at, ReminderRun.summary)
                    .where(ReminderRun.finished_at.is_not(None))
                    .order_by(ReminderRun.day.desc()).limit(1)).first()
            finally:
                db.session.remove()
        queue = GaugeMetricFamily("delivery_queue_length", "Deliveries waiting to be sent.")
        queue.add_metric([], by_status.get(DeliveryStatus.PENDING, 0))
        yield queue
        failed = GaugeMetricFamily("delivery_failed", "Deliveries given up after the last attempt.")
        failed.add_metric([], by_status.get(DeliveryStatus.FAILED, 0))
        yield failed
        finished = GaugeMetricFamily("reminder_last_pass_finished_timestamp_seconds",
                                     "When the last daily pass committed (Unix time).")
        counts = GaugeMetricFamily("reminder_last_pass_items", "What the last daily pass wrote.",
                                   labels=["kind"])
        if last is not None:
            finished.add_metric([], last.finished_at.timestamp())
            for kind, value in (last.summary or {}).items():
                if isinstance(value, int | float):
                    counts.add_metric([kind], value)
        yield finished
        yield counts
