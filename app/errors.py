"""Domain errors raised by services, and the one place that turns them into responses."""
from __future__ import annotations

import logging
import re

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from app.i18n import N_
from app.redirects import back_url

log = logging.getLogger(__name__)


class DomainError(Exception):
    """`status` is the HTTP reason phrase (a token, as `code`); `message` the reader's-language
    text, `default_message` (translated when raised) when none is given."""

    status_code = 400
    status = "Bad Request"
    default_message = N_("请求有误")

    def __init__(self, message: str = "", errors: dict | None = None):
        message = message or gettext(self.default_message)
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotFound(DomainError):
    status_code = 404
    status = "Not Found"
    default_message = N_("未找到")


class Unauthorized(DomainError):
    status_code = 401
    status = "Unauthorized"
    default_message = N_("需要登录")


class Forbidden(DomainError):
    status_code = 403
    status = "Forbidden"
    default_message = N_("无权操作")


class Conflict(DomainError):
    status_code = 409
    status = "Conflict"
    default_message = N_("当前状态不能这样操作")


class Invalid(DomainError):
    """Bad input for one field: 422 naming the field."""

    status_code = 422
    status = "Unprocessable Entity"

    def __init__(self, field: str, message: str):
        super().__init__(message, {field: [message]})
        self.field = field


class TooLarge(Invalid):
    """One uploaded file over its own limit (the request as a whole was within its limit): 413
    naming the field."""

    status_code = 413
    status = "Payload Too Large"


class BadParameter(Invalid):
    """A malformed or out-of-range query-string parameter of a page: 400 naming it."""

    status_code = 400
    status = "Bad Request"


def is_api_path(path: str) -> bool:
    """Whether a path is the JSON API's (bearer tokens, JSON errors) rather than a page's."""
    return path.startswith("/api/")


def is_api_request() -> bool:
    return is_api_path(request.path)


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


# marshmallow's English messages (what webargs puts in a 422's `errors`), worded as in
# marshmallow 4, and the shared fields' ranges: translated when the API answers. Our own
# messages are translated already and pass unchanged.
VALIDATION_MESSAGES = {
    "Missing data for required field.": N_("必填"),
    "Field may not be null.": N_("不能为空"),
    "Invalid value.": N_("取值无效"),
    "Invalid input.": N_("输入无效"),
    "Unknown field.": N_("未知字段"),
    "Invalid input type.": N_("输入类型无效"),
    "Invalid type.": N_("类型无效"),
    "Not a valid integer.": N_("须为整数"),
    "Not a valid number.": N_("须为数字"),
    "Number too large.": N_("数字过大"),
    "Not a valid string.": N_("须为文本"),
    "Not a valid utf-8 string.": N_("须为 UTF-8 文本"),
    "Not a valid boolean.": N_("须为 true 或 false"),
    "Not a valid datetime.": N_("须为日期时间（ISO 8601）"),
    "Not a valid date.": N_("须为日期（YYYY-MM-DD）"),
    "Not a valid list.": N_("须为列表"),
    "Not a valid mapping type.": N_("须为对象"),
    "Not a valid email address.": N_("不是有效的邮箱地址"),
    "Special numeric values (nan or infinity) are not permitted.": N_("不能为 NaN 或无穷大"),
    "String does not match expected pattern.": N_("格式不正确"),
    "Invalid JSON body.": N_("JSON 格式有误"),  # webargs
}
VALIDATION_PATTERNS = [(re.compile(pattern), message) for pattern, message in (
    (r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.", N_("长度须为 %(min)s 至 %(max)s")),
    (r"Shorter than minimum length (?P<min>\d+)\.", N_("长度至少为 %(min)s")),
    (r"Longer than maximum length (?P<max>\d+)\.", N_("长度最多为 %(max)s")),
    (r"Length must be (?P<equal>\d+)\.", N_("长度须为 %(equal)s")),
    (r"Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\.",
     N_("须在 %(min)s 至 %(max)s 之间")),
    (r"Must be greater than or equal to (?P<min>\S+)\.", N_("不能小于 %(min)s")),
    (r"Must be less than or equal to (?P<max>\S+)\.", N_("不能大于 %(max)s")),
    (r"Must be greater than (?P<min>\S+)\.", N_("须大于 %(min)s")),
    (r"Must be less than (?P<max>\S+)\.", N_("须小于 %(max)s")),
    (r"Must be one of: (?P<choices>.*)\.", N_("须为以下之一：%(choices)s")),
)]


def translate_validation(errors):
    """`errors` (webargs' {field: [messages]}, nested for nested fields and list items) with
    marshmallow's messages in the reader's language."""
    if isinstance(errors, dict):
        return {key: translate_validation(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [translate_validation(value) for value in errors]
    if not isinstance(errors, str):
        return errors
    if errors in VALIDATION_MESSAGES:
        return gettext(VALIDATION_MESSAGES[errors])
    for pattern, message in VALIDATION_PATTERNS:
        match = pattern.fullmatch(errors)
        if match:
            return gettext(message, **match.groupdict())
    return errors


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


def refuse_form(form, err: DomainError) -> int:
    """A service refused a page's form: the request's writes undone (and what waited for the
    commit dropped), the error shown on the form (attach_to_form); returns the status to answer
    the re-rendered page with. The one primitive of a refused form: `app.pages.submit_form` (the
    usual page flow) and the few views that need more control (sign-in by phone) use it."""
    from app.transaction import rollback

    rollback()
    attach_to_form(form, err)
    return err.status_code


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


# The API's message for an HTTP error raised without one of ours (werkzeug's English
# description, flask-limiter's "10 per 1 minute"): translated when answered.
HTTP_MESSAGES = {
    400: N_("请求格式有误"), 401: N_("需要登录"), 403: N_("无权操作"), 404: N_("未找到"),
    405: N_("不支持该请求方法"), 406: N_("无法提供所要求的格式"), 409: N_("当前状态不能这样操作"),
    413: N_("请求体过大"), 415: N_("不支持的内容类型"), 422: N_("输入有误"),
    429: N_("操作太频繁，请稍后再试"), 500: N_("服务器内部错误"),
}


def _own_description(err: HTTPException) -> str | None:
    """The description the code that raised `err` gave, None for werkzeug's default one (and
    flask-limiter's, which names the limit in English)."""
    from werkzeug.exceptions import TooManyRequests

    if isinstance(err, TooManyRequests) or err.description == type(err).description:
        return None
    return err.description


def http_message(err: HTTPException) -> str:
    code = err.code or 500
    own = _own_description(err)
    if own:
        return own
    return gettext(HTTP_MESSAGES[code]) if code in HTTP_MESSAGES else gettext("出错了")


def handle_http_exception(err: HTTPException):
    code = err.code or 500
    if is_api_request():
        data = getattr(err, "data", {}) or {}
        errors = translate_validation(flatten_errors(data.get("messages")))
        message = data.get("message") or http_message(err)
        if code == 422 and errors and not data.get("message"):
            message = gettext("输入有误：%(fields)s", fields=", ".join(sorted(errors)))
        response = jsonify(error_body(code, err.name, message, errors))
        response.status_code = code
        for key, value in (data.get("headers") or {}).items():
            response.headers[key] = value
        if code == 429:
            response.headers.setdefault("Retry-After", "60")
        return response
    return render_template("error.html", code=code, message=_own_description(err)), code


def handle_body_too_large(err: HTTPException):
    """413 (the body limit, `MAX_CONTENT_LENGTH`): the contract's JSON on /api, a Chinese page
    elsewhere, both naming the limit instead of werkzeug's English text."""
    limit = request.max_content_length or 0
    unit, name = next((u, n) for u, n in ((1 << 20, "MB"), (1 << 10, "KB"), (1, "B")) if limit >= u or u == 1)
    size = f"{round(limit / unit, 1):g} {name}"
    if is_api_request():
        message = gettext("请求体过大（上限 %(size)s）", size=size)
    else:
        message = gettext("提交的内容超过上限（%(size)s）", size=size)
    return handle_http_exception(type(err)(description=message))


RACE_MESSAGE = N_("数据已被他人同时修改，请刷新后重试")


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
        return handle_domain_error(Conflict(gettext(RACE_MESSAGE)))
    if current_app.config.get("TESTING_RAISE_ERRORS"):
        raise err
    return handle_unexpected(err)


def handle_unexpected(err: Exception):
    from app.extensions import db

    log.exception("unhandled error")
    db.session.rollback()
    if is_api_request():
        return jsonify(error_body(500, "Internal Server Error", _last_resort_message())), 500
    return render_template("error.html", code=500, message=_last_resort_message()), 500


def _last_resort_message() -> str:
    """The 500's message in the reader's language; untranslated where Flask-Babel cannot
    answer (an app without it, a broken catalog): the 500 itself must not fail."""
    try:
        return gettext(INTERNAL_ERROR)
    except Exception:  # noqa: BLE001
        return INTERNAL_ERROR


INTERNAL_ERROR = N_("服务器内部错误")
