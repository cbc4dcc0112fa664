"""Award certificates (获奖证书) of a competition round, and how results are shown.

One A4 landscape page per ranked contestant holding an award, in the house style of the
volunteers' certificate: the library's name, a big title, what was won, the date and a box
for the seal. Chinese prints in the vendored Noto Sans SC (``outreach.pdf``).
"""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from outreach import clock
from outreach.competitions import services
from outreach.competitions.models import Round
from outreach.i18n import library_name
from outreach.pdf import render_pdf
from outreach.timezone import local_date


def award_name(award: dict | None, locale: str) -> str:
    """A prize tier's name in ``locale`` (its English name for English readers, when given)."""
    if not award:
        return ""
    if locale.startswith("en") and award.get("name_en"):
        return award["name_en"]
    return award.get("name", "")


def answer(registration, key: str) -> str:
    """A contestant's answer to a contest question (school, piece ...), or an empty string."""
    return str((registration.answers or {}).get(key) or "")


def awarded(round_: Round, *, registration_id: int | None = None) -> list[services.Result]:
    """The round's ranked results that carry an award, in rank order; with ``registration_id``,
    only that contestant's."""
    return [
        result for result in services.results(round_)
        if result.rank is not None and result.award
        and (registration_id is None or result.registration.id == registration_id)
    ]


def template_helpers() -> dict:
    """How the competition templates show an award and an answer (a context processor)."""
    return {"award_name": award_name, "answer": answer}


def certificates_pdf(round_: Round, *, locale: str, registration_id: int | None = None) -> bytes | None:
    """Every award certificate of the round in one PDF (or one contestant's); None when there
    is none to print."""
    results = awarded(round_, registration_id=registration_id)
    if not results:
        return None
    with force_locale(locale):
        html = render_template(
            "competitions/certificate_pdf.html", results=results, round=round_, competition=round_.competition,
            locale=locale, library=library_name(locale), issued_on=local_date(clock.now()),
            award_name=award_name, answer=answer,
        )
    return render_pdf(html)


def certificates_filename(round_: Round, locale: str) -> str:
    with force_locale(locale):
        return _("%(competition)s %(round)s award certificates.pdf",
                 competition=round_.competition.display_title(locale), round=round_.display_name(locale))
