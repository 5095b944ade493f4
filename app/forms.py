"""The base of every page form, so that pages and the API read input the same way: text is
cleaned like the API's `Text` (invisible characters and surrounding whitespace removed, so a
required text must show something), lengths come from the columns (`fits`), ids and dates are
bounded like the API's (`app.params`)."""
from __future__ import annotations

import wtforms
from flask import flash, redirect, render_template
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from app.input_checks import clean_text, column_length
from app.pages import submit_form

CLEANED_FIELDS = (StringField, TextAreaField)  # exactly these: never passwords or hidden tokens


class Form(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            if unbound_field.field_class in CLEANED_FIELDS:
                filters = (clean_text, *unbound_field.kwargs.get("filters", ()))
                return unbound_field.bind(form=form, filters=filters, **options)
            return unbound_field.bind(form=form, **options)


class SubForm(wtforms.Form):
    """A group of fields inside a Form (a FormField, no CSRF of its own), whose messages are in
    the page's language like the Form's."""

    class Meta:
        def get_translations(self, form):
            return translations


def fits(column, min: int = -1) -> Length:  # noqa: A002
    """A form text field holds at most what its column can store."""
    return Length(min=min, max=column_length(column))


def form_page(form, template: str, save, message: str, done, **context):
    """A page with one form that creates something: renders `template` with `form` (200, or 422
    when it was posted with errors); once it validates, calls `save()` — a domain error shows
    under the field it names, with its status — else flashes `message` and redirects to
    `done(what save returned)`."""
    def saved():
        result = save()
        flash(message, "success")
        return redirect(done(result))

    return submit_form(form, saved, lambda: render_template(template, form=form, **context))
