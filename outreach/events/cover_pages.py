"""The staff page of a cover image, shared by events (``staff``) and series (``places``):
upload or replace the picture and describe it, or remove it. The routes that use it check
the role; this keeps the form, the upload's size limit and the answer the same for both."""

from __future__ import annotations

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from outreach.events import covers, services
from outreach.events.forms import CoverForm
from outreach.forms import ActionForm
from outreach.views import attempt, flash_outcome, refused

#: What a cover's request may carry (``covers.UPLOAD_REQUEST_MAX``).
UPLOAD_REQUEST_MAX = covers.UPLOAD_REQUEST_MAX


def edit_cover(owner, *, heading: str, explanation: str, trail: list, shown: covers.Cover, action: str,
               remove_action: str, done):
    """GET: the page; POST: save the upload and its description, then ``done()`` (a 303),
    or the page again with the messages beside their fields (422). The route is marked
    ``accepts_upload(UPLOAD_REQUEST_MAX)``: a picture over ``covers.MAX_BYTES`` still
    arrives, to be refused beside its field."""
    form = CoverForm()
    if request.method == "GET":
        form.alt.data = owner.cover_alt
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            data = covers.read_upload(form.image.data)
            saved = attempt(form, lambda: services.set_cover(owner, data=data, alt=form.alt.data, actor=current_user))
            if not refused(saved):
                flash(_("The cover image is saved."), "success")
                return done()
        status = 422
    return render_template(
        "staff/cover_form.html", form=form, remove_form=ActionForm(), heading=heading, explanation=explanation,
        trail=trail, shown=shown, own=type(owner).__name__.lower(), action=action, remove_action=remove_action,
    ), status


def remove_cover(owner, done):
    """Take the picture away (a button's POST), then ``done()``."""
    if not ActionForm().validate_on_submit():
        abort(400)
    flash_outcome(lambda: services.remove_cover(owner, actor=current_user), lambda _result: _("The cover image is removed."))
    return done()
