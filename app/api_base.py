"""flask-smorest glue: the Api object, bearer auth for /api, pagination helpers, and the input
fields every schema uses (ids, integers, years, text, datetimes)."""
from __future__ import annotations

import flask_smorest
import marshmallow as ma
import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_smorest.error_handler import ErrorSchema as SmorestErrorSchema
from werkzeug.routing import IntegerConverter

from app.clock import LOCAL_TZ, this_year
from app.errors import handle_http_exception
from app.input_checks import clean_text, storable
from app.params import ID_MAX, PAGE_MAX, YEAR_MAX, YEAR_MIN, year_in_range


class IdConverter(IntegerConverter):
    """`<int:...>` in every URL: 0..ID_MAX, so an out-of-range id is a plain 404 (and the
    OpenAPI document says `maximum`)."""

    def __init__(self, map, fixed_digits=0, min=None, max=ID_MAX, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class Integer(ma.fields.Integer):
    """An integer field that refuses what is not a whole number (`1.5`, `true`) instead of
    truncating it; "12" in a query string is still 12. Every integer input field is one."""

    def _validated(self, value):
        if isinstance(value, float) and not value.is_integer():  # 1.5, NaN, Infinity
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


def Id(**kwargs) -> Integer:  # noqa: N802  (reads like a field class)
    """An integer id field (query or body): 1..ID_MAX, else a 422 naming the field."""
    return Integer(validate=ma.validate.Range(min=1, max=ID_MAX), **kwargs)


def Year(**kwargs) -> Integer:  # noqa: N802
    """A year (query or body): YEAR_MIN..YEAR_MAX, else a 422 naming the field; when it is not
    required, absent means this year (Asia/Shanghai)."""
    if not kwargs.get("required"):
        kwargs.setdefault("load_default", this_year)
    return Integer(validate=ma.validate.Range(min=YEAR_MIN, max=YEAR_MAX), **kwargs)


class Text(ma.fields.String):
    """Free text: invisible characters (zero-width, bidi controls) and surrounding whitespace
    removed before the length is checked, so a required text must hold a visible character;
    NUL (which PostgreSQL cannot store) refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not storable(text):
            raise ma.ValidationError(_("不能包含 NUL 字符"))
        return clean_text(text)


def text(min: int = 0, max: int = 200, **kw) -> Text:  # noqa: A002
    """A text of min..max visible-trimmed characters; min >= 1 means it must show something."""
    error = _l("须为 {min} 至 {max} 个可见字符") if min else None
    return Text(validate=ma.validate.Length(min=min, max=max, error=error), **kw)


def _year_in_range(value) -> None:
    if not year_in_range(value):
        raise ma.ValidationError(_("年度须在 %(min)s 至 %(max)s 之间", min=YEAR_MIN, max=YEAR_MAX))


def aware(**kw) -> ma.fields.AwareDateTime:
    """ISO 8601; a time without an offset is Asia/Shanghai; years YEAR_MIN..YEAR_MAX."""
    return ma.fields.AwareDateTime(default_timezone=LOCAL_TZ, validate=_year_in_range, **kw)


class ErrorSchema(SmorestErrorSchema):
    """The contract's error body, with the request id (the X-Request-ID header) to quote."""

    request_id = ma.fields.String(metadata={"description": "The X-Request-ID of this answer"})


class Api(flask_smorest.Api):
    """Api whose HTTP errors use the contract's body on /api and HTML pages elsewhere."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        return handle_http_exception(error)


ERROR_DESCRIPTIONS = {
    400: "Malformed request",
    401: "No token, or a bad, expired or revoked one",
    403: "Outside the caller's role or scope",
    404: "Unknown id, or one the caller may not know exists",
    409: "State conflict (duplicate, wrong state)",
    429: "Too many attempts; retry later",
}


def documents_errors(blp: flask_smorest.Blueprint, *codes: int):
    """Declares the error answers an operation gives (the contract's error body), so the
    OpenAPI document lists them and clients and the fuzz test check them."""

    def decorator(view):
        for code in codes:
            view = blp.alt_response(code, schema=ErrorSchema, description=ERROR_DESCRIPTIONS[code])(view)
        return view

    return decorator


class PageArgs(ma.Schema):
    page = Integer(load_default=1, validate=ma.validate.Range(min=1, max=PAGE_MAX))
    page_size = Integer(load_default=20, validate=ma.validate.Range(min=1, max=100))


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """{"items": [...], "total": n} for a list endpoint."""
    return type(
        name,
        (ma.Schema,),
        {"items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
         "total": ma.fields.Integer(required=True)},
    )


def paginate(session, stmt, page: int, page_size: int) -> dict:
    """Runs a counted, windowed select: two queries whatever the table size."""
    total = session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    items = session.scalars(stmt.limit(page_size).offset((page - 1) * page_size)).all()
    return {"items": items, "total": total or 0}


def one_of(choices, **kw):
    """A string that must be one of `choices` (a configured list: categories); 422 otherwise."""
    return ma.fields.String(validate=ma.validate.OneOf(list(choices)), **kw)
