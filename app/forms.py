"""The base of every page form, so that pages and the API read input the same way: text is
cleaned like the API's `Text` (invisible characters and surrounding whitespace removed, so a
required text must show something), lengths come from the columns (`fits`), ids and dates are
bounded like the API's (`app.params`)."""
from __future__ import annotations

from flask import flash, redirect, render_template
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from app.errors import DomainError, attach_to_form
from app.extensions import db
from app.input_checks import clean_text, column_length

CLEANED_FIELDS = (StringField, TextAreaField)  # exactly these: never passwords or hidden tokens


class Form(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            if unbound_field.field_class in CLEANED_FIELDS:
                filters = (clean_text, *unbound_field.kwargs.get("filters", ()))
                return unbound_field.bind(form=form, filters=filters, **options)
            return unbound_field.bind(form=form, **options)


def fits(column, min: int = -1) -> Length:  # noqa: A002
    """A form text field holds at most what its column can store."""
    return Length(min=min, max=column_length(column))


def form_page(form, template: str, save, message: str, done, **context):
    """A page with one form that creates something: renders `template` with `form` (200, or 422
    when it was posted with errors); once it validates, calls `save()` — a domain error shows
    under the field it names, with its status — else flashes `message` and redirects to
    `done(what save returned)`."""
    if form.validate_on_submit():
        try:
            saved = save()
        except DomainError as err:
            db.session.rollback()
            attach_to_form(form, err)
            return render_template(template, form=form, **context), err.status_code
        flash(message, "success")
        return redirect(done(saved))
    return render_template(template, form=form, **context), 422 if form.errors else 200
