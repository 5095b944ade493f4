"""flask-smorest glue: the Api object, bearer auth for /api, pagination helpers."""
from __future__ import annotations

import flask_smorest
import marshmallow as ma
import sqlalchemy as sa
from flask_smorest.error_handler import ErrorSchema as SmorestErrorSchema
from werkzeug.routing import IntegerConverter

from app.errors import handle_http_exception

# Ids are 32-bit integer columns on every backend; a bigger number is an unknown id, not a crash.
ID_MAX = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in every URL: 0..ID_MAX, so an out-of-range id is a plain 404 (and the
    OpenAPI document says `maximum`)."""

    def __init__(self, map, fixed_digits=0, min=None, max=ID_MAX, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def Id(**kwargs) -> ma.fields.Integer:  # noqa: N802  (reads like a field class)
    """An integer id field (query or body): 1..ID_MAX, else a 422 naming the field."""
    return ma.fields.Integer(strict=kwargs.pop("strict", False),
                             validate=ma.validate.Range(min=1, max=ID_MAX), **kwargs)


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
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100000))
    page_size = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1, max=100))


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
