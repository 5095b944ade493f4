"""Calendar periods in local time (Asia/Shanghai), as UTC bounds for range queries."""
from __future__ import annotations

from datetime import UTC, date, datetime, time

from app.database import LOCAL_TZ

CAP_PERIODS = ("day", "month", "year")


def day_start(day: date) -> datetime:
    """Midnight of `day` in Asia/Shanghai, as UTC."""
    return datetime.combine(day, time(), LOCAL_TZ).astimezone(UTC)


def _utc(local: datetime) -> datetime:
    return local.astimezone(UTC)


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
