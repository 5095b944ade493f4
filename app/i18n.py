"""Marking strings for the message catalog.

`pybabel extract` sees only literal strings inside the keywords it is given (`_`, `gettext`,
`_l`/`lazy_gettext`, `ngettext`, `N_` and `NP_`, see the Makefile's BABEL_EXTRACT). Labels kept in
dicts and lists (statuses, roles, menu entries, checklist titles) must stay Chinese where the
code uses them (stored text, error messages, exports), so they are marked with `N_`, which
changes nothing at run time, and translated where they are shown: `{{ _(label) }}` in a
template, `gettext(label)` in Python.
"""
from __future__ import annotations


def N_(message: str) -> str:
    """Marks `message` for extraction; returns it untranslated."""
    return message


def NP_(context: str, message: str) -> str:
    """Like N_, with a message context: for a menu entry whose word differs in English from
    the same Chinese word elsewhere (地区: "Places" in the menu, "Place" in a column).
    base.html shows `pgettext("menu", label)`, falling back to `_(label)`."""
    return message
