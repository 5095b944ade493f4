"""Quiet hours (QUIET_HOURS "21:00-08:00", local time): nothing is sent inside them."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from app.clock import LOCAL_TZ


def parse_window(spec: str) -> tuple[time, time] | None:
    """"21:00-08:00" -> (21:00, 08:00); an empty spec means no quiet hours."""
    if not spec or not spec.strip():
        return None
    start, end = (time.fromisoformat(part.strip()) for part in spec.split("-", 1))
    return start, end


def is_quiet(now: datetime, spec: str) -> bool:
    window = parse_window(spec)
    if window is None or window[0] == window[1]:
        return False
    start, end = window
    moment = now.astimezone(LOCAL_TZ).time()
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def first_allowed(now: datetime, spec: str) -> datetime:
    """`now` if outside quiet hours, else the moment they end (UTC)."""
    if not is_quiet(now, spec):
        return now
    _start, end = parse_window(spec)
    local = now.astimezone(LOCAL_TZ)
    morning = datetime.combine(local.date(), end, LOCAL_TZ)
    if morning <= local:
        morning = datetime.combine(local.date() + timedelta(days=1), end, LOCAL_TZ)
    return morning.astimezone(UTC)
