"""The one way a page handles a posted form: validate, call the service, and on any refusal
re-render the same form with the message under the field it names and everything the user
typed kept (WTForms re-fills every field from the request, except password fields, which never
render their value). A service's `Invalid(field, msg)` (or a field-keyed `Conflict`) lands at
that field; an error naming no field of the form is shown above it. The answer is then 422
(or the error's status), so the request's transaction rolls back (app/transaction.py)."""
from __future__ import annotations

from collections.abc import Callable

from flask import request

from app.errors import DomainError, attach_to_form
from app.transaction import rollback


def submit_form(form, on_valid: Callable[[], object], render: Callable[[], object]):
    """`on_valid()` (which calls the service and returns the answer, usually a redirect) when a
    POSTed form validates; else `render()` (the page with `form`), 422 after a refused POST."""
    if request.method != "POST":
        return render()
    if form.validate_on_submit():
        try:
            return on_valid()
        except DomainError as err:
            if err.status_code not in (400, 409, 422):
                raise  # 403 / 404: not a matter of what was typed
            rollback()
            attach_to_form(form, err)
            return render(), err.status_code
    return render(), 422
