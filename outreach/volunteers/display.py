"""How a shift is named and placed wherever it is shown: pages, the API, PDFs and calendars."""

from __future__ import annotations

from outreach.volunteers.models import Shift


def shift_activity(shift: Shift, locale: str) -> str:
    """What the shift serves: its event's title, or its role for a standing duty."""
    if shift.event is not None:
        return shift.event.display_title(locale)
    return shift.role


def shift_title(shift: Shift, locale: str) -> str:
    """The role and the event, as calendars and lists show a shift."""
    if shift.event is not None:
        return f"{shift.role} · {shift.event.display_title(locale)}"
    return shift.role


def shift_place(shift: Shift, locale: str) -> str:
    """Where to go: the shift's own location, else its event's venue; "" when neither is known."""
    if shift.location:
        return shift.location
    if shift.event is not None and shift.event.venue is not None:
        return shift.event.venue.display_name(locale)
    return ""
