"""The password policy, in one place: sign-up, account creation, password change and the CLI
all call `check_password_policy`. Temporary passwords (after a reset) are made here too.

A chosen password has 8 to 128 characters, is not whitespace only, is not (and does not
contain) the username, and is not a common or easily guessed password: zxcvbn (Dropbox's
estimator, with its lists of common passwords, names, words and keyboard patterns) must rate
it at least "somewhat guessable" (score 2, about a million guesses). Passwords set without a
choice (the demo's shared password, factories) are hashed directly and never come here.
"""
from __future__ import annotations

import secrets

from flask_babel import gettext as _
from zxcvbn import zxcvbn

from app.errors import Invalid

MIN_LENGTH, MAX_LENGTH = 8, 128
MIN_SCORE = 2
ZXCVBN_MAX_LENGTH = 72  # zxcvbn refuses longer input; the first 72 characters decide
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread on a phone


def password_problem(password: str | None, *, username: str = "", name: str = "") -> str | None:
    """Why `password` is refused (a sentence in the reader's language), or None if it is fine."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return _("密码至少需要%(n)s个字符", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("密码最多%(n)s个字符", n=MAX_LENGTH)
    if not password.strip():
        return _("密码不能只有空格")
    folded, user = password.casefold(), (username or "").strip().casefold()
    if len(user) >= 3 and (user in folded or user[::-1] in folded or folded in user):
        return _("密码不能是用户名，也不能包含用户名")
    inputs = [word for word in (username, name) if word]
    if zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=inputs)["score"] < MIN_SCORE:
        return _("密码太常见或太容易猜到（如 12345678、password），请换一个更长、不规则的密码")
    return None


def check_password_policy(password: str | None, *, username: str = "", name: str = "",
                          field: str = "password") -> None:
    """Raises Invalid(field, reason) for a password the policy refuses."""
    problem = password_problem(password, username=username, name=name)
    if problem is not None:
        raise Invalid(field, problem)


def temporary_password() -> str:
    """A one-time password for a reset: 12 random characters in three groups (about 59 bits),
    easy to read out over the phone."""
    chars = "".join(secrets.choice(TEMPORARY_ALPHABET) for _n in range(12))
    return "-".join(chars[i:i + 4] for i in range(0, 12, 4))
