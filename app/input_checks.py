"""Text the databases cannot store is refused before any view runs: PostgreSQL rejects NUL
characters in text, and a lone surrogate cannot be encoded as UTF-8. Both would otherwise be
500s deep inside a query; here they are a 422 naming the field, for every endpoint and form."""
from __future__ import annotations

from flask import request

from app.errors import Invalid

MESSAGE = "包含无法保存的字符 / contains characters that cannot be stored (NUL or invalid Unicode)"


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


def refuse_unstorable_text() -> None:
    for source in (request.args, request.form):
        for key, values in source.lists():
            bad = _first_bad([key, *values], key if storable(key) else "query")
            if bad:
                raise Invalid(bad, MESSAGE)
    if request.is_json:
        bad = _first_bad(request.get_json(silent=True), "")
        if bad is not None:
            raise Invalid(bad or "body", MESSAGE)
