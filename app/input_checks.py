"""Text the databases cannot store is refused before any view runs: PostgreSQL rejects NUL
characters in text, and a lone surrogate cannot be encoded as UTF-8. Both would otherwise be
500s deep inside a query; here they are a 422 naming the field, for every endpoint and form."""
from __future__ import annotations

import unicodedata

from flask import request
from flask_babel import gettext

from app.errors import Invalid
from app.i18n import N_

MESSAGE = N_("包含无法保存的字符")


def storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _Key(str):
    """A dict key waiting to be checked: unstorable, it names the field that holds it."""


def _first_bad(value, name: str) -> str | None:
    """The name of the first field holding unstorable text (keys included), else None. Walks
    with a list, not recursion, so no nesting exhausts the stack (request_body bounds it too)."""
    pending = [(value, name)]
    while pending:
        item, field = pending.pop()
        if isinstance(item, _Key):
            if not storable(item):
                return field or "body"
        elif isinstance(item, str):
            if not storable(item):
                return field
        elif isinstance(item, dict):
            children = []
            for key, child in item.items():
                if isinstance(key, str):
                    children.append((_Key(key), field))
                children.append((child, field or key))
            pending.extend(reversed(children))
        elif isinstance(item, list):
            pending.extend((child, field) for child in reversed(item))
    return None


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refuse_unstorable_text() -> None:
    sources = (request.args, request.form) if request.mimetype in FORM_TYPES else (request.args,)
    for source in sources:
        for key, values in source.lists():
            bad = _first_bad([key, *values], key if storable(key) else "query")
            if bad:
                raise Invalid(bad, gettext(MESSAGE))
    if request.is_json:
        bad = _first_bad(request.get_json(silent=True), "")
        if bad is not None:
            raise Invalid(bad or "body", gettext(MESSAGE))


# ---- visible text -----------------------------------------------------------------------------
# Characters that show nothing: Unicode's format characters (category Cf: zero-width space and
# joiners U+200B-U+200F, bidi embeddings and overrides U+202A-U+202E and isolates U+2066-U+2069,
# word joiner U+2060, BOM U+FEFF, soft hyphen U+00AD, ...) and the blank "letters" (Hangul fillers,
# the braille blank) used to fake a non-empty name. A right-to-left override would also make a
# stored name read backwards on every page and export.
_BLANK_LETTERS = "\u115f\u1160\u3164\uffa0\u2800"


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) == "Cf" or ch in _BLANK_LETTERS


def clean_text(value: str | None) -> str | None:
    """`value` without invisible characters and without surrounding whitespace; text left
    empty by that holds nothing visible (a required field refuses it)."""
    if value is None:
        return None
    if value.isascii():
        return value.strip()
    return "".join(ch for ch in value if not _invisible(ch)).strip()


def column_length(column) -> int:
    """The length of a String column (`Model.attribute`): the most text it can store."""
    return column.property.columns[0].type.length
