"""Domain errors raised by services, and the one place that turns them into responses."""
from __future__ import annotations

import logging

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from app.redirects import back_url

log = logging.getLogger(__name__)


class DomainError(Exception):
    status_code = 400
    status = "Bad Request"

    def __init__(self, message: str = "", errors: dict | None = None):
        super().__init__(message or self.status)
        self.message = message or self.status
        self.errors = errors or {}


class NotFound(DomainError):
    status_code = 404
    status = "Not Found"


class Unauthorized(DomainError):
    status_code = 401
    status = "Unauthorized"


class Forbidden(DomainError):
    status_code = 403
    status = "Forbidden"


class Conflict(DomainError):
    status_code = 409
    status = "Conflict"


class TooLarge(DomainError):
    """One uploaded file over its own limit (the request as a whole was within its limit): 413
    naming the field."""

    status_code = 413
    status = "Payload Too Large"

    def __init__(self, field: str, message: str):
        super().__init__(message, {field: [message]})
        self.field = field


class Invalid(DomainError):
    """Bad input for one field: 422 naming the field."""

    status_code = 422
    status = "Unprocessable Entity"

    def __init__(self, field: str, message: str):
        super().__init__(message, {field: [message]})
        self.field = field


class BadParameter(Invalid):
    """A malformed or out-of-range query-string parameter of a page: 400 naming it."""

    status_code = 400
    status = "Bad Request"


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def error_body(code: int, status: str, message: str, errors: dict | None = None):
    from app.observability import current_request_id

    body = {"code": code, "status": status, "message": message}
    if errors:
        body["errors"] = errors
    body["request_id"] = current_request_id()  # the X-Request-ID header: quoted in a user's report
    return body


def flatten_errors(errors: dict | None) -> dict:
    """webargs nests errors by location ({"json": {...}}); the contract wants {field: [...]}."""
    if not errors:
        return {}
    flat: dict = {}
    for location, fields in errors.items():
        if location in {"json", "query", "form", "headers", "path", "files", "view_args"} and isinstance(
            fields, dict
        ):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


def attach_to_form(form, err: DomainError) -> None:
    """Shows a service's error on the page's form: under the field it names (an `Invalid` or a
    field-keyed `Conflict`), else as a form-wide message. The caller re-renders the form."""
    placed = False
    for field, messages in (err.errors or {}).items():
        if hasattr(form, field):
            getattr(form, field).errors = list(messages)
            placed = True
    if not placed:
        form.form_errors.append(err.message)


def _back() -> str:
    """Where a refused form post returns: the page it came from, if it is on this site."""
    return back_url(url_for("main.home"))


def _html_error(code: int, message: str):
    if request.method == "POST" and code in (400, 403, 404, 409, 422):
        flash(message, "error")
        return redirect(_back())
    return render_template("error.html", code=code, message=message), code


def handle_domain_error(err: DomainError):
    from app.extensions import db

    db.session.rollback()
    if is_api_request():
        return jsonify(error_body(err.status_code, err.status, err.message, err.errors)), err.status_code
    return _html_error(err.status_code, err.message)


def handle_http_exception(err: HTTPException):
    code = err.code or 500
    if is_api_request():
        data = getattr(err, "data", {}) or {}
        errors = flatten_errors(data.get("messages"))
        message = data.get("message") or err.description or err.name
        if code == 422 and errors and not data.get("message"):
            message = "Invalid input: " + ", ".join(sorted(errors))
        response = jsonify(error_body(code, err.name, message, errors))
        response.status_code = code
        for key, value in (data.get("headers") or {}).items():
            response.headers[key] = value
        if code == 429:
            response.headers.setdefault("Retry-After", "60")
        return response
    return render_template("error.html", code=code, message=err.description), code


def handle_body_too_large(err: HTTPException):
    """413 (the body limit, `MAX_CONTENT_LENGTH`): the contract's JSON on /api, a Chinese page
    elsewhere, both naming the limit instead of werkzeug's English text."""
    limit = request.max_content_length or 0
    unit, name = next((u, n) for u, n in ((1 << 20, "MB"), (1 << 10, "KB"), (1, "B")) if limit >= u or u == 1)
    size = f"{round(limit / unit, 1):g} {name}"
    if is_api_request():
        message = f"请求体过大（上限 {size}） / request body too large (limit {size})"
    else:
        message = gettext("提交的内容超过上限（%(size)s）", size=size)
    return handle_http_exception(type(err)(description=message))


RACE_MESSAGE = "数据已被他人同时修改，请刷新后重试 / changed by someone else at the same moment, retry"


def is_unique_violation(err: Exception) -> bool:
    """A unique index refused a row (PostgreSQL SQLSTATE 23505, SQLite's UNIQUE failure)."""
    orig = getattr(err, "orig", None)
    return getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(orig)


def handle_integrity_error(err: Exception):
    """A unique index refusing a row that a service checked for just before is a duplicate
    sent at the same moment by another request (on PostgreSQL the check cannot see it): the
    answer is the 409 of a duplicate, not a 500. Other integrity errors are bugs: 500."""
    from flask import current_app

    if is_unique_violation(err):
        log.warning("concurrent duplicate answered 409: %s", getattr(err, "orig", err))
        return handle_domain_error(Conflict(RACE_MESSAGE))
    if current_app.config.get("TESTING_RAISE_ERRORS"):
        raise err
    return handle_unexpected(err)


def handle_unexpected(err: Exception):
    from app.extensions import db

    log.exception("unhandled error")
    db.session.rollback()
    if is_api_request():
        return jsonify(error_body(500, "Internal Server Error", "Internal server error")), 500
    return render_template("error.html", code=500, message=gettext("服务器内部错误")), 500
