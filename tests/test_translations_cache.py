"""The request's catalogue is looked up once per request (app/i18n.py, RequestDomain): pages
still follow the request's language, Flask-Babel's force_locale() and refresh()."""
from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale, gettext, refresh

WORD, ENGLISH = "请先登录", "Please sign in first"


def test_one_catalogue_per_request_in_the_requests_language(app):
    # each request its own app context (and `g`), as in production
    with app.app_context(), app.test_request_context("/?lang=en"):
        assert gettext(WORD) == ENGLISH
        assert render_template_string("{{ _('" + WORD + "') }}") == ENGLISH
    with app.app_context(), app.test_request_context("/"):
        assert gettext(WORD) == WORD


def test_force_locale_and_refresh_switch_the_catalogue(app):
    with app.app_context(), app.test_request_context("/"):
        assert gettext(WORD) == WORD
        with force_locale("en"):
            assert gettext(WORD) == ENGLISH
        assert gettext(WORD) == WORD
        app.extensions["babel"].locale_selector = lambda: "en"
        try:
            refresh()
            assert gettext(WORD) == ENGLISH
        finally:
            app.extensions["babel"].locale_selector = _zh
            refresh()
        assert gettext(WORD) == WORD


def _zh():
    from app import select_locale

    return select_locale()
