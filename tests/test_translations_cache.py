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


def test_templates_and_labels_follow_force_locale_and_refresh(app):
    """Templates' `_()` and `label()` read the catalogue through app.i18n.translations(): it
    must switch with force_locale() and refresh() as Flask-Babel's own gettext does."""
    from app.i18n import N_, label

    table = {"k": N_(WORD)}
    page = "{{ _('" + WORD + "') }}|{{ 'k'|label(TABLE) }}"
    with app.app_context(), app.test_request_context("/"):
        assert render_template_string(page, TABLE=table) == f"{WORD}|{WORD}"
        with force_locale("en"):
            assert render_template_string(page, TABLE=table) == f"{ENGLISH}|{ENGLISH}"
            assert label("k", table) == ENGLISH
        assert render_template_string(page, TABLE=table) == f"{WORD}|{WORD}"
        app.extensions["babel"].locale_selector = lambda: "en"
        try:
            refresh()
            assert label("k", table) == ENGLISH
            assert render_template_string(page, TABLE=table) == f"{ENGLISH}|{ENGLISH}"
        finally:
            app.extensions["babel"].locale_selector = _zh
            refresh()
        assert label("k", table) == WORD


def test_label_outside_a_request_is_chinese(app):
    from app.i18n import N_, label

    with app.app_context():
        assert label("k", {"k": N_(WORD)}) == WORD
