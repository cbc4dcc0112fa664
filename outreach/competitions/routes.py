"""Public competition pages: rounds, sittings and, once published, results.

A competition is public once one of its sittings is (``services.competition_for_public``);
staff also see drafts, marked as such. Results appear round by round when staff publish
them, and show what a certificate shows (rank, name, school, piece, score, award), never a
phone number or an e-mail address.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from outreach.accounts.permissions import has_role
from outreach.competitions import documents, services
from outreach.competitions.models import Competition
from outreach.events.services import is_visible
from outreach.extensions import db
from outreach.paging import page_of

bp = Blueprint("competitions", __name__, url_prefix="/competitions")

#: Competitions on a page of the public list.
PER_PAGE = 25


bp.context_processor(documents.template_helpers)


@bp.get("/")
def index():
    """The competitions the public may see, newest first."""
    found = page_of(services.competitions_query(public=True), request.args.get("page"), PER_PAGE)
    return render_template("competitions/index.html", competitions=found.items, pagination=found)


@bp.get("/<int:competition_id>")
def detail(competition_id: int):
    competition = services.competition_for_public(competition_id)
    public = competition is not None
    staff = has_role(current_user, "staff")
    if not public and staff:
        competition = db.session.get(Competition, competition_id)
    if competition is None:
        abort(404)
    rounds = [
        {
            "round": round_,
            "sittings": [s for s in round_.sittings if is_visible(s, current_user)],
            "results": _published_results(round_),
        }
        for round_ in competition.rounds
    ]
    return render_template(
        "competitions/detail.html", competition=competition, rounds=rounds, public=public, staff=staff,
    )


def _published_results(round_) -> list[services.Result]:
    """The ranked results of a round whose results are published; nothing before that."""
    if round_.results_published_at is None:
        return []
    return [result for result in services.results(round_) if result.rank is not None]
