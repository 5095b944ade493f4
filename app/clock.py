"""The clock, in one place: UTC in the database and in Python (aware datetimes), Asia/Shanghai
for what days, months and years mean to users, and those periods as UTC bounds for queries."""
from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_today(now: datetime | None = None) -> date:
    """The calendar date in Asia/Shanghai, which is what years and days mean to users."""
    return (now or utcnow()).astimezone(LOCAL_TZ).date()


def this_year() -> int:
    return local_today().year


def year_of(moment: datetime) -> int:
    return moment.astimezone(LOCAL_TZ).year


def _utc(local: datetime) -> datetime:
    return local.astimezone(UTC)


def day_start(day: date) -> datetime:
    """Midnight of `day` in Asia/Shanghai, as UTC."""
    return _utc(datetime.combine(day, time(), LOCAL_TZ))


def local_moment(day: date, at: time) -> datetime:
    """`day` at `at` (a wall-clock time) in Asia/Shanghai, as UTC."""
    return _utc(datetime.combine(day, at.replace(tzinfo=None), LOCAL_TZ))


def localtime_of(moment: datetime) -> time:
    """The wall-clock time of `moment` in Asia/Shanghai."""
    return moment.astimezone(LOCAL_TZ).time().replace(tzinfo=None)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """[1 January, next 1 January) of `year` in local time, as UTC datetimes."""
    return (_utc(datetime(year, 1, 1, tzinfo=LOCAL_TZ)),
            _utc(datetime(year + 1, 1, 1, tzinfo=LOCAL_TZ)))


def period_bounds(period: str, moment: datetime) -> tuple[datetime, datetime]:
    """The local day, month or year containing `moment`, as UTC bounds."""
    local = moment.astimezone(LOCAL_TZ)
    if period == "day":
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        end = datetime.fromordinal(start.toordinal() + 1).replace(tzinfo=LOCAL_TZ)
    elif period == "month":
        start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
        end = datetime(year, month, 1, tzinfo=LOCAL_TZ)
    elif period == "year":
        return year_bounds(local.year)
    else:
        raise ValueError(f"unknown period {period}")
    return _utc(start), _utc(end)
