"""What every area's page views share: run a service, commit once, or roll back and show why.

A view calls a service through ``attempt`` (a form to show again with the messages beside
their fields) or ``flash_outcome`` (a button: the message is flashed), and answers a POST
with ``see_other``. The service raises ``OutreachError``; nothing here knows an area's rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import current_app, flash, redirect, request, url_for

from outreach.errors import OutreachError, ValidationError
from outreach.extensions import db
from outreach.forms import attach_errors

class Refused:
    """What ``attempt`` returns when the service refused (a service may itself return None):
    the error, whose ``status`` the page answers with when it shows the form again."""

    __slots__ = ("error",)

    def __init__(self, error: OutreachError):
        self.error = error

    @property
    def status(self) -> int:
        return self.error.status


def refused(result) -> bool:
    """Whether ``attempt`` came back refused."""
    return isinstance(result, Refused)


def attempt(
    form, action: Callable[[], object], *, mapping: Mapping | Callable[[str], str] | None = None,
    take: Callable[[dict], dict] | None = None,
):
    """Run ``action`` (a service call) and commit, returning its result; or roll back, put
    the service's messages on ``form`` and return a ``Refused``.

    Messages go beside the fields they name (``mapping`` renames the service's keys to the
    form's); ``take`` may first take those it places itself (repeated rows, groups) and
    returns the rest; a refusal that names no field goes above the form.
    """
    try:
        result = action()
    except OutreachError as error:
        db.session.rollback()
        fields = dict(error.fields or {})
        if take is not None:
            fields = take(fields)
        attach_errors(form, fields, mapping=mapping)
        if not isinstance(error, ValidationError) or not error.fields:
            form.form_errors.append(str(error.message))
        return Refused(error)
    db.session.commit()
    return result


def flash_outcome(action: Callable[[], object], success: Callable[[object], str] | None = None) -> bool:
    """A button's service call (no form to show again): commit and flash the success message
    (``success(result)``, or the result itself when it is the message), or roll back and
    flash the refusal (the messages of the fields it names, else its message). Returns
    whether it succeeded."""
    try:
        result = action()
    except OutreachError as error:
        db.session.rollback()
        flash(" ".join(str(m) for m in error.fields.values()) if error.fields else str(error.message), "error")
        return False
    db.session.commit()
    flash(str(success(result) if success is not None else result), "success")
    return True


def see_other(endpoint: str, **values):
    """The answer to a POST that worked: 303 to the page to show next."""
    return redirect(url_for(endpoint, **values), code=303)


def accepts_upload(max_bytes: int):
    """Mark a page view that takes a file larger than ``MAX_CONTENT_LENGTH`` (a cover
    picture): its requests may carry up to ``max_bytes``. The limit is raised by
    ``raise_upload_limit``, which runs before the CSRF check reads the form."""

    def decorator(view):
        view.upload_max_bytes = max_bytes
        return view

    return decorator


def raise_upload_limit() -> None:
    """Before every request (registered before CSRF protection): the request limit of a view
    marked by ``accepts_upload``; every other view keeps ``MAX_CONTENT_LENGTH``."""
    view = current_app.view_functions.get(request.endpoint or "")
    limit = getattr(view, "upload_max_bytes", None)
    if limit:
        request.max_content_length = limit
