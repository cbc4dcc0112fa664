"""iCalendar (RFC 5545) feeds, made with the icalendar library."""

from __future__ import annotations

from flask import current_app, request, url_for
from icalendar import Calendar
from icalendar import Event as VEvent

from outreach.events.models import Event
from outreach.timezone import library_tz

#: How far back the public feed reaches.
PAST_DAYS = 90


def uid(kind: str, id_: int) -> str:
    """Stable across renames and reschedules: the record's kind and id, and the library's host."""
    host = current_app.config.get("SERVER_NAME") or request.host
    return f"{kind}-{id_}@{host.split(':')[0]}"


def event_uid(event: Event) -> str:
    return uid("event", event.id)


def new_calendar(*, name: str, product: str) -> Calendar:
    """An empty calendar with the properties every feed of ours carries."""
    calendar = Calendar()
    calendar.add("prodid", f"-//Outreach//{product}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", current_app.config["TIMEZONE"])
    return calendar


def calendar_for(events: list[Event], *, locale: str, name: str) -> bytes:
    calendar = new_calendar(name=name, product="Library programme")
    tz = library_tz()
    for event in events:
        item = VEvent()
        item.add("uid", event_uid(event))
        item.add("summary", event.display_title(locale))
        item.add("dtstart", event.starts_at.astimezone(tz))
        item.add("dtend", event.ends_at.astimezone(tz))
        item.add("dtstamp", event.updated_at)
        item.add("last-modified", event.updated_at)
        place = event.venue.display_name(locale)
        if event.venue.branch:
            place += ", " + event.venue.branch.display_name(locale)
        if event.venue.address:
            place += ", " + event.venue.address
        item.add("location", place)
        item.add("url", url_for("events.detail", event_id=event.id, _external=True))
        description = event.display_description(locale)
        if description:
            item.add("description", description)
        item.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
        calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar.to_ical()
