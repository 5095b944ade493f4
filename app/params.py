"""The one way to read integers, ids, pages, years and dates from the outside world.

Ids are 32-bit integer columns on every backend, so every layer bounds them the same way: the
URL converter and the API's `Id` field (app/api_base.py), page query strings and forms (here),
and services handed a raw number (`require_id`). A value outside its bound is refused before
it reaches a query, so PostgreSQL never sees an integer it cannot hold (a 500 otherwise):
an id beyond the bound is an unknown id (404), a malformed or out-of-range page parameter a
400 naming it, a bad form value an error under its field."""
from __future__ import annotations

from datetime import date, datetime

from flask import request
from flask_babel import gettext, lazy_gettext
from werkzeug.datastructures import MultiDict
from wtforms.validators import NumberRange, ValidationError

from app.clock import this_year
from app.errors import BadParameter, NotFound
from app.i18n import N_, label

ID_MAX = 2**31 - 1       # the largest value of a 32-bit signed integer column
PAGE_MAX = 100_000       # pages are 1..PAGE_MAX (the API's PageArgs too)
YEAR_MIN, YEAR_MAX = 2000, 2100  # years of ratings, checklists, points; dates people enter


def valid_id(value: int | None) -> int | None:
    """`value` if it can be an id (1..ID_MAX), else None."""
    return value if isinstance(value, int) and 0 < value <= ID_MAX else None


# The things `require_id` and the services name in a 404 ("工单不存在"); another name (a query
# parameter such as community_id) is shown as it is.
THINGS = {"order": N_("工单"), "member": N_("党员"), "activity": N_("活动"), "community": N_("社区"),
          "street": N_("街道"), "district": N_("区"), "grid": N_("网格"), "place": N_("地区"),
          "unit": N_("单位"), "household": N_("困难户"), "service record": N_("服务记录"),
          "suggestion": N_("建议")}


def not_found(what: str) -> str:
    """The 404 message naming `what` in the reader's language."""
    return gettext("%(what)s不存在", what=label(what, THINGS))


def require_id(value: int | None, what: str) -> int:
    """An id a service was given, if it can exist; else NotFound (as for an unknown id)."""
    if valid_id(value) is None:
        raise NotFound(not_found(what))
    return value


def _raw(name: str, source: MultiDict | None) -> str | None:
    raw = (request.args if source is None else source).get(name)
    return raw.strip() if raw is not None and raw.strip() else None


def _whole(raw: str) -> int | None:
    """The whole number `raw` spells ("12", "-3"), else None ("1.5", "abc", "1e3")."""
    try:
        return int(raw)
    except ValueError:
        return None


def query_int(name: str, default: int | None = None, *, min: int, max: int,  # noqa: A002
              source: MultiDict | None = None) -> int | None:
    """An integer parameter (`request.args` unless `source` is given, e.g. `request.values`):
    absent or empty → `default`; not a whole number or outside min..max → BadParameter (400)."""
    raw = _raw(name, source)
    if raw is None:
        return default
    value = _whole(raw)
    if value is None or not min <= value <= max:
        raise BadParameter(name, gettext("%(field)s：须为 %(min)s 至 %(max)s 之间的整数",
                                         field=name, min=min, max=max))
    return value


def query_id(name: str, source: MultiDict | None = None) -> int | None:
    """An id parameter (a filter such as `community_id`): absent, empty or 0 → None; not a
    whole number → 400; beyond ID_MAX (or negative) → 404, as an id that does not exist."""
    raw = _raw(name, source)
    if raw is None:
        return None
    value = _whole(raw)
    if value is None:
        raise BadParameter(name, gettext("%(field)s：须为编号（整数）", field=name))
    if value == 0:
        return None
    return require_id(value, name)


def query_choice(name: str, choices, default: str | None = None,
                 source: MultiDict | None = None) -> str | None:
    """A parameter that must be one of `choices` (a status, a category): absent or empty →
    `default`; anything else → BadParameter (400) naming it."""
    raw = _raw(name, source)
    if raw is None:
        return default
    if raw not in set(choices):
        raise BadParameter(name, gettext("%(field)s：不是可选的值", field=name))
    return raw


def query_text(name: str, max_length: int = 100, source: MultiDict | None = None) -> str | None:
    """A search text: absent or blank → None; longer than `max_length` → BadParameter (400)."""
    raw = _raw(name, source)
    if raw is not None and len(raw) > max_length:
        raise BadParameter(name, gettext("%(field)s：最多 %(max)s 个字", field=name, max=max_length))
    return raw


def query_page(name: str = "page") -> int:
    """The page number of a list page: 1 when absent, 1..PAGE_MAX, else 400."""
    return query_int(name, 1, min=1, max=PAGE_MAX)


def query_year(name: str = "year", default: int | None = None,
               source: MultiDict | None = None) -> int:
    """A year parameter: `default` (this year, Asia/Shanghai) when absent; YEAR_MIN..YEAR_MAX,
    else 400."""
    return query_int(name, default or this_year(), min=YEAR_MIN, max=YEAR_MAX,
                     source=source)


def query_date(name: str, source: MultiDict | None = None) -> date | None:
    """A date parameter (YYYY-MM-DD): absent or empty → None; malformed or outside
    YEAR_MIN..YEAR_MAX → BadParameter (400) naming it."""
    raw = _raw(name, source)
    if raw is None:
        return None
    try:
        value = date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        value = None
    if value is None:
        raise BadParameter(name, gettext("日期格式应为 YYYY-MM-DD"))
    if not year_in_range(value):
        raise BadParameter(name, year_range_message())
    return value


def year_in_range(moment: date | datetime | None) -> bool:
    return moment is None or YEAR_MIN <= moment.year <= YEAR_MAX


def year_range_message() -> str:
    return gettext("日期须在 %(min)s 年至 %(max)s 年之间", min=YEAR_MIN, max=YEAR_MAX)


# ---- form validators ------------------------------------------------------------------------

def id_range() -> NumberRange:
    """A form's id field: 1..ID_MAX (an IntegerField refuses "1.5" and "abc" itself)."""
    return NumberRange(min=1, max=ID_MAX, message=lazy_gettext("不是有效的编号"))


def year_range() -> NumberRange:
    return NumberRange(min=YEAR_MIN, max=YEAR_MAX,
                       message=lazy_gettext("年度须在 %(min)s 至 %(max)s 之间", min=YEAR_MIN, max=YEAR_MAX))


class DateInRange:
    """A date or datetime field's value lies in YEAR_MIN..YEAR_MAX (year 1 or 9999 would
    overflow time zone arithmetic and deadlines further on)."""

    def __call__(self, form, field) -> None:
        if not year_in_range(field.data):
            raise ValidationError(year_range_message())
