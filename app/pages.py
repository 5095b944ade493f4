"""The one way a page handles a posted form: validate, call the service, and on any refusal
re-render the same form with the message under the field it names and everything the user
typed kept (WTForms re-fills every field from the request, except password fields, which never
render their value). A service's `Invalid(field, msg)` (or a `Conflict` keyed by a field of the
form) lands at that field; an `Invalid` or a `Conflict` naming no field of the form is shown
above it; 403 and 404 go to the error handlers (a flash and back, or the error page). The
answer is then 422 (or the error's status), so the request's transaction rolls back
(app/transaction.py)."""
from __future__ import annotations

from collections.abc import Callable

from flask import request

from app.errors import DomainError, Invalid, refuse_form


def submit_form(form, on_valid: Callable[[], object], render: Callable[[], object], *,
                conflicts_at_form: bool = True):
    """`on_valid()` (which calls the service and returns the answer, usually a redirect) when a
    POSTed form validates; else `render()` (the page with `form`), 422 after a refused POST.
    `conflicts_at_form=False` (an action on a page that changes with the state, like an order's
    buttons): a 409 naming no field is flashed on the page it came from instead."""
    if request.method != "POST":
        return render()
    if form.validate_on_submit():
        try:
            return on_valid()
        except DomainError as err:
            at_field = isinstance(err, Invalid) or any(hasattr(form, name) for name in err.errors)
            if not at_field and (err.status_code != 409 or not conflicts_at_form):
                raise  # 403 / 404 / a state conflict: not a matter of what was typed (flashed)
            status = refuse_form(form, err)
            return render(), status
    return render(), 422
