"""Helpers of the events tests."""

from __future__ import annotations

from tests.helpers import csrf_token_from


def event_data(client, venue, **overrides) -> dict:
    data = {
        "csrf_token": csrf_token_from(client, "/staff/events/new"),
        "type": "lecture", "title": "星海讲坛", "title_en": "Xinghai Forum", "description": "",
        "description_en": "", "venue_id": str(venue.id), "starts_at": "2026-12-05T09:30",
        "ends_at": "2026-12-05T11:00", "capacity": "80", "registration": "open", "max_party_size": "4",
        "audience": "adults", "series_id": "", "session_number": "", "speaker": "李老师",
        "daily_opens_at": "", "daily_closes_at": "", "status": "draft",
    }
    return {**data, **overrides}
