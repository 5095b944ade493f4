"""Marking strings for the message catalog.

`pybabel extract` sees only literal strings inside the keywords it is given (`_`, `gettext`,
`_l`/`lazy_gettext`, `ngettext`, `N_` and `NP_`, see the Makefile's BABEL_EXTRACT). Labels kept in
dicts and lists (statuses, roles, menu entries, checklist titles) must stay Chinese where the
code uses them (stored text, error messages, exports), so they are marked with `N_`, which
changes nothing at run time, and translated where they are shown, through `label()`:
`{{ key|label(TABLE) }}` in a template (escaped), `label(key, TABLE)` in Python.

Only constants are ever translated: gettext output is trusted markup in a template, so stored
text (a title a resident typed, a category sent to the API) must never reach `_()`. `label()`
looks a stored key up in a table of N_-marked constants and translates what it finds; an
unknown key is shown as it is (escaped in a template), never translated.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping

from flask_babel import Domain, gettext, pgettext
from flask_babel import _get_current_context as _babel_context


def N_(message: str) -> str:
    """Marks `message` for extraction; returns it untranslated."""
    return message


def NP_(context: str, message: str) -> str:
    """Like N_, with a message context: for a menu entry whose word differs in English from
    the same Chinese word elsewhere (地区: "Places" in the menu, "Place" in a column).
    base.html shows `label|label(MENU_LABELS, "menu")`: the "menu" context first, then the plain one."""
    return message


def label(key, labels: Mapping | Collection[str], context: str | None = None) -> str:
    """The reader's-language label of the stored `key`: `labels` maps keys to N_-marked labels
    (statuses, roles) or is a collection of N_-marked words stored as they are (categories,
    default titles). `context` (e.g. "menu") is tried first, as NP_ marks it. A key the table
    does not know is returned unchanged and untranslated ("" for None)."""
    if key is None:
        return ""
    if isinstance(labels, Mapping):
        text = labels.get(key)
    else:
        text = key if key in labels else None
    if text is None:
        return str(key)
    if context:
        word = pgettext(context, text)
        if word != text:
            return word
    return gettext(text)


class RequestDomain(Domain):
    """Flask-Babel's message domain, finding the request's catalogue once per request: Flask-Babel
    looks it up again for every string (the locale, the cache, several context look-ups: ~10 µs,
    and a page shows 100-200 strings). It is kept where Flask-Babel itself keeps it for the
    request (`babel_translations`), which `refresh()` and `force_locale()` reset, so both work
    as before. create_app installs it (`babel.domain_instance`)."""

    def get_translations(self):
        ctx = _babel_context()
        if ctx is None:
            return super().get_translations()
        translations = getattr(ctx, "babel_translations", None)
        if translations is None:
            translations = ctx.babel_translations = super().get_translations()
        return translations
