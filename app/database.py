"""Column types and clocks shared by every model: UTC in the database, aware datetimes in Python."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_today(now: datetime | None = None) -> date:
    """The calendar date in Asia/Shanghai, which is what years and days mean to users."""
    return (now or utcnow()).astimezone(LOCAL_TZ).date()


def year_of(moment: datetime) -> int:
    return moment.astimezone(LOCAL_TZ).year


class UTCDateTime(TypeDecorator):
    """Stores UTC; always hands back timezone-aware datetimes (SQLite drops the offset)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def update_by_id(session, model, rows: list[dict]) -> None:
    """Bulk UPDATE by primary key (one executemany per set of changed columns): each dict holds
    the primary key and only the columns that change."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    for group in groups.values():
        session.execute(sa.update(model), group)
