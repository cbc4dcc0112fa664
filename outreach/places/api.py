"""Branches, series and partners in the JSON API (venues are in events.api)."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from outreach.accounts import branches
from outreach.accounts.permissions import has_role, role_required
from outreach.api.helpers import created, iso, json_body, read_int, read_limit_arg, read_str, window
from outreach.errors import ValidationError
from outreach.events import covers
from outreach.events import services as event_services
from outreach.events.models import Event
from outreach.paging import BadCursor
from outreach.places.models import Branch, Partner, Series
from outreach.extensions import db
from outreach.i18n import current_locale
from outreach.places import services
from outreach.text import clean_text
from outreach.views import accepts_upload

bp = Blueprint("places_api", __name__)

#: The services' own limits, so that a message never names a number the rule does not have.
_TEXT_LIMIT = services.NAME_MAX
_LONG_TEXT_LIMIT = services.DESCRIPTION_MAX
#: The first window of series, of a series' sessions and of partners: more than a county
#: library has of each, so that a client that reads no ``next_cursor`` sees what it saw before.
SERIES_LIMIT = 100
SESSIONS_LIMIT = 200
PARTNERS_LIMIT = 100


def _names(row: Branch | Series | Partner) -> dict:
    return {"id": row.id, "name": row.name, "name_en": row.name_en, "display_name": row.display_name(current_locale())}


def branch_json(branch: Branch) -> dict:
    return {
        **_names(branch),
        "kind": branch.kind,
        "address": branch.address,
        "active": branch.active,
        "venue_ids": sorted(venue.id for venue in branch.venues if venue.active),
    }


def series_json(series: Series) -> dict:
    locale = current_locale()
    description = series.description_en if locale.startswith("en") and series.description_en else series.description
    return {
        **_names(series),
        "description": series.description,
        "description_en": series.description_en,
        "display_description": description,
        "branch_id": series.branch_id,
    }


def session_json(event: Event) -> dict:
    return {
        "id": event.id,
        "session_number": event.session_number,
        "title": event.display_title(current_locale()),
        "starts_at": iso(event.starts_at),
        "status": event.status,
        "url": url_for("registration.event_page", event_id=event.id, _external=True),
    }


@bp.get("/branches")
def list_branches():
    """Public: the branches in service, each with the ids of its venues in service. Not in
    windows: a county library has a few branches (central, branches, a mobile library), a list
    that does not grow with its programme; its cost is two queries however many there are."""
    return jsonify({"branches": [branch_json(branch) for branch in services.active_branches()]})


@bp.post("/branches")
@role_required("admin")
def create_branch():
    data = json_body()
    errors: dict = {}
    values = {
        "name": read_str(data, "name", errors, required=True, max_length=_TEXT_LIMIT),
        "name_en": read_str(data, "name_en", errors, max_length=_TEXT_LIMIT),
        "kind": read_str(data, "kind", errors, default="branch", max_length=32),
        "address": read_str(data, "address", errors, max_length=services.ADDRESS_MAX),
    }
    if errors:
        raise ValidationError(errors)
    branch = services.create_branch(actor=current_user, **values)
    db.session.commit()
    return created(branch_json(branch))


@bp.get("/series")
def list_series():
    """Public: the series by name, in windows (``limit``, ``cursor``)."""
    found = window(services.series_in_order().order_by(None), (Series.name, Series.id), default_limit=SERIES_LIMIT)
    return jsonify({"series": [series_json(series) for series in found.items], "next_cursor": found.next_cursor})


@bp.get("/series/<int:series_id>")
def get_series(series_id: int):
    """Public: the series with its sessions in number order; drafts only for staff."""
    series = db.get_or_404(Series, series_id)
    errors: dict = {}
    limit = read_limit_arg(errors, default=SESSIONS_LIMIT)
    if errors:
        raise ValidationError(errors)
    try:
        found = services.series_sessions_window(
            series, include_drafts=has_role(current_user, "staff"), cursor=request.args.get("cursor") or None, limit=limit,
        )
    except BadCursor:
        raise ValidationError({"cursor": _l("This cursor does not belong to this list: start again without it.")}) from None
    return jsonify({
        **series_json(series), "sessions": [session_json(event) for event in found.items], "next_cursor": found.next_cursor,
    })


@bp.post("/series")
@role_required("staff")
def create_series():
    data = json_body()
    errors: dict = {}
    values = {
        "name": read_str(data, "name", errors, required=True, max_length=_TEXT_LIMIT),
        "name_en": read_str(data, "name_en", errors, max_length=_TEXT_LIMIT),
        "description": read_str(data, "description", errors, max_length=_LONG_TEXT_LIMIT),
        "description_en": read_str(data, "description_en", errors, max_length=_LONG_TEXT_LIMIT),
    }
    try:
        values["branch"] = services.chosen_branch(read_int(data, "branch_id", errors))
    except ValidationError as error:
        errors.update(error.fields)
    if errors:
        raise ValidationError(errors)
    series = services.create_series(actor=current_user, **values)
    db.session.commit()
    return created(series_json(series))


@bp.put("/series/<int:series_id>/cover")
@role_required("staff")
@accepts_upload(covers.UPLOAD_REQUEST_MAX)
def put_series_cover(series_id: int):
    """The picture every session of the series shows unless it has its own."""
    series = db.get_or_404(Series, series_id)
    branches.guard(current_user, series.branch_id)
    if request.mimetype != "multipart/form-data":
        abort(415)
    event_services.set_cover(
        series, data=covers.read_upload(request.files.get("image")),
        alt=clean_text(request.form.get("alt") or ""), actor=current_user,
    )
    db.session.commit()
    return jsonify({"image": _series_image(series)})


@bp.delete("/series/<int:series_id>/cover")
@role_required("staff")
def delete_series_cover(series_id: int):
    series = db.get_or_404(Series, series_id)
    branches.guard(current_user, series.branch_id)
    if series.cover_key:
        event_services.remove_cover(series, actor=current_user)
        db.session.commit()
    return jsonify({"image": _series_image(series)})


def _series_image(series: Series) -> dict | None:
    cover = covers.uploaded(series, external=True)
    return covers.as_json(cover) if cover is not None else None


@bp.get("/partners")
@role_required("staff")
def list_partners():
    """The partners by name, in windows (``limit``, ``cursor``), each with how many events it took part in."""
    found = window(services.partners_in_order().order_by(None), (Partner.name, Partner.id), default_limit=PARTNERS_LIMIT)
    return jsonify({
        "partners": [{**_names(partner), "events": count} for partner, count in services.with_event_counts(found.items)],
        "next_cursor": found.next_cursor,
    })
