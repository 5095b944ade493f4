"""Domain errors raised by services, and the one place that turns them into responses."""
from __future__ import annotations

import logging

from flask import flash, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

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


class Invalid(DomainError):
    """Bad input for one field: 422 naming the field."""

    status_code = 422
    status = "Unprocessable Entity"

    def __init__(self, field: str, message: str):
        super().__init__(message, {field: [message]})
        self.field = field


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def error_body(code: int, status: str, message: str, errors: dict | None = None):
    body = {"code": code, "status": status, "message": message}
    if errors:
        body["errors"] = errors
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


def _html_error(code: int, message: str):
    if request.method == "POST" and code in (400, 403, 404, 409, 422):
        flash(message, "error")
        return redirect(request.referrer or url_for("main.home"))
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


def handle_unexpected(err: Exception):
    from app.extensions import db

    log.exception("unhandled error")
    db.session.rollback()
    if is_api_request():
        return jsonify(error_body(500, "Internal Server Error", "Internal server error")), 500
    return render_template("error.html", code=500, message="服务器内部错误"), 500
