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
from functools import lru_cache

from babel import Locale
from flask import g, has_request_context, request
from flask_babel import Domain, get_domain
from flask_babel import _get_current_context as _babel_context
from pypinyin import Style, lazy_pinyin


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
    catalogue = translations()
    if context:
        word = catalogue.upgettext(context, text)
        if word != text:
            return word
    return catalogue.ugettext(text)


# Surnames read otherwise than the character's usual reading (pypinyin has no surname mode):
# the first character of a name is read so when it is one of these.
SURNAME_READINGS = {"曾": "zeng1", "单": "shan4", "解": "xie4", "仇": "qiu2", "朴": "piao2", "区": "ou1",
                    "查": "zha1", "乐": "yue4", "翟": "zhai2", "盖": "ge3", "缪": "miao4", "覃": "qin2",
                    "柏": "bai3", "尉": "yu4", "秘": "bi4", "种": "chong2", "重": "chong2", "华": "hua4"}


@lru_cache(maxsize=100_000)
def pinyin_key(name: str | None) -> tuple[str, ...]:
    """A sort key putting Chinese names in pinyin order (as a roll call lists them: 蔡 < 陈 <
    王 < 曾 < 张 by sound, then tone; a surname by its surname reading), not in code-point
    order; other characters sort as themselves (lower case)."""
    name = (name or "").strip().lower()
    if name[:1] in SURNAME_READINGS:
        return (SURNAME_READINGS[name[0]], *pinyin_key(name[1:]))
    return tuple(lazy_pinyin(name, style=Style.TONE3, neutral_tone_with_five=True))


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


def translations():
    """The request's catalogue: where RequestDomain keeps it, in one look-up of `g`. Flask-Babel's
    gettext looks `g` up six to eight times per string (get_domain, then the domain's
    get_translations, each through `_get_current_context`); a page shows 100-200 strings. Before
    the catalogue is found, after `refresh()` or inside `force_locale()` (which reset it), and
    outside a request, Flask-Babel's own path finds it."""
    try:
        found = g.get("_flask_babel")
    except RuntimeError:  # no application context
        found = None
    catalogue = getattr(found, "babel_translations", None)
    return catalogue if catalogue is not None else get_domain().get_translations()


def install_template_gettext(jinja_env) -> None:
    """Templates' `_()`, `ngettext()` and `pgettext()` through `translations()` (Flask-Babel
    installs the same callables through its slower look-up); Jinja's newstyle gettext still
    escapes the arguments and fills the placeholders."""
    jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True)


# The two locales, parsed once: Flask-Babel parses what the selector returns for every request
# that translates anything, and parsing a name ("zh_CN") costs ~160 µs (babel lists and
# lower-cases its ~800 locale file names to find it); a Locale it is given is used as it is.
LOCALES = {name: Locale.parse(name) for name in ("zh_CN", "en")}


def select_locale() -> Locale:
    """The request's locale (`locale_of`); outside a request (CLI, jobs) Chinese."""
    if not has_request_context():
        return LOCALES["zh_CN"]
    return locale_of(request)


def locale_of(req) -> Locale:
    """?lang=, else the `lang` cookie, else on /api the Accept-Language header (a client has no
    cookie; its messages follow it), else Chinese. Pages ignore the header: they are Chinese
    until the reader picks English. `req`: any werkzeug request (the kept answers look before
    Flask's request context exists: app/auth/read_cache.py)."""
    lang = req.args.get("lang") or req.cookies.get("lang")
    if lang in LOCALES:
        return LOCALES[lang]
    if req.path.startswith("/api/"):
        for tag, _quality in req.accept_languages:  # highest quality first
            primary = tag.replace("_", "-").split("-")[0].lower()
            if primary in ("zh", "en"):
                return LOCALES["en" if primary == "en" else "zh_CN"]
    return LOCALES["zh_CN"]
