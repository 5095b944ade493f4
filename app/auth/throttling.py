"""Throttling of sign-in and sign-up: the one rule for the pages and the API.

The page (`/login`, `/signup`) and the API (`POST /api/v1/auth/token`, `POST
/api/v1/members/signup`) take the same decorator, whose limits are shared (one scope), so they
keep one count: a failure on the page counts for the API and the other way round. The counts
live in the limiter's store (`RATELIMIT_STORAGE_URI`): with Redis, every worker and host shares
them.

- Sign-in failures (answers 401) are counted per client address and username
  (`LOGIN_FAILURE_LIMIT`) and per client address whatever the username
  (`LOGIN_ADDRESS_FAILURE_LIMIT`): one address trying many usernames is stopped too. Once a
  count is full every sign-in from there is a 429, even with the right password, until the
  window passes; other addresses and accounts are not affected by the first count.
- Sign-ups are counted per client address, every attempt (`SIGNUP_LIMIT`).
"""
from __future__ import annotations

from flask import current_app, request

from app.extensions import limiter


def client_address() -> str:
    """The client's address (behind `TRUSTED_PROXIES` proxies, the one they report)."""
    return request.remote_addr or "local"


def _username() -> str:
    """The username tried, from the form (page) or the JSON body (API); case-folded so that
    `Admin` and `admin` count together."""
    if request.is_json:
        body = request.get_json(silent=True)
        username = body.get("username") if isinstance(body, dict) else None
    else:
        username = request.form.get("username")
    return username.strip().casefold() if isinstance(username, str) else ""


def _address_and_username() -> str:
    return f"{client_address()}|{_username()}"


def _failed(response) -> bool:
    return response.status_code == 401


_per_account = limiter.shared_limit(
    lambda: current_app.config["LOGIN_FAILURE_LIMIT"], scope="sign-in:account",
    key_func=_address_and_username, methods=["POST"], deduct_when=_failed)
_per_address = limiter.shared_limit(
    lambda: current_app.config["LOGIN_ADDRESS_FAILURE_LIMIT"], scope="sign-in:address",
    key_func=client_address, methods=["POST"], deduct_when=_failed)
sign_up_throttled = limiter.shared_limit(
    lambda: current_app.config["SIGNUP_LIMIT"], scope="sign-up", key_func=client_address,
    methods=["POST"])


def sign_in_throttled(view):
    """For a sign-in view (page or API) that answers 401 to wrong credentials."""
    return _per_account(_per_address(view))
