"""The printed poster of an event: A4, to pin up in the library, a school or a village
reading room, with a QR code that opens the event's page (where people register)."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import force_locale

from outreach import pdf, qr
from outreach.events.models import Event, EventPartner
from outreach.i18n import library_name

#: How much of the description a poster prints; the page online has the rest.
EXCERPT_CHARS = 200
#: The order partners are printed in: the naming sponsor first and largest (台北城杯).
PARTNER_ORDER = ("naming_sponsor", "host", "co_organiser", "sponsor")


def excerpt(text: str | None, limit: int = EXCERPT_CHARS) -> str:
    """The first ``limit`` characters of ``text`` as one paragraph, cut with an ellipsis."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def other_title(event: Event, locale: str) -> str | None:
    """The title in the other language, when the event has one that differs."""
    other = event.title if locale == "en" else event.title_en
    return other if other and other != event.display_title(locale) else None


def ordered_partners(event: Event) -> list[EventPartner]:
    return sorted(event.partner_links, key=lambda link: (PARTNER_ORDER.index(link.role), link.partner.name))


def poster_filename(event: Event) -> str:
    return f"poster-{event.id}.pdf"


def poster_html(event: Event, *, locale: str) -> str:
    url = url_for("registration.event_page", event_id=event.id, _external=True)
    with force_locale(locale):
        return render_template(
            "events/poster_pdf.html", event=event, locale=locale, library=library_name(locale),
            other_title=other_title(event, locale), partners=ordered_partners(event),
            summary=excerpt(event.display_description(locale)), qr=qr.qr_data_uri(url), url=url,
        )


def poster_pdf(event: Event, *, locale: str) -> bytes:
    """One A4 portrait page in ``locale``; the QR code encodes the event page's absolute address."""
    return pdf.render_pdf(poster_html(event, locale=locale))
