"""The one way a page handles a posted form: validate, call the service, and on any refusal
re-render the same form with the message under the field it names and everything the user
typed kept (WTForms re-fills every field from the request, except password fields, which never
render their value). A service's `Invalid(field, msg)` (or a `Conflict` keyed by a field of the
form) lands at that field; an `Invalid` naming no field of the form is shown above it; other
refusals (403, 404, a state conflict) go to the error handlers (a flash and back). The answer is then 422
(or the error's status), so the request's transaction rolls back (app/transaction.py)."""
from __future__ import annotations

from collections.abc import Callable

from flask import request

from app.errors import DomainError, Invalid, attach_to_form
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
            if not isinstance(err, Invalid) and not any(hasattr(form, name) for name in err.errors):
                raise  # 403 / 404 / a state conflict: not a matter of what was typed (flashed)
            rollback()
            attach_to_form(form, err)
            return render(), err.status_code
    return render(), 422
