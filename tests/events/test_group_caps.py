"""The staff event form's caps for groups: the seats all groups together may take and the size
of one group, with their messages beside the fields."""

from __future__ import annotations

from sqlalchemy import select

from outreach.events.models import Event
from outreach.extensions import db
from tests.events.helpers import event_data
from tests.helpers import assert_valid_html, field_error


def test_the_form_saves_the_group_caps(client, staff, hall):
    data = event_data(client, hall, type="visit", capacity="80", groups_capacity="40", max_group_size="35")
    response = client.post("/staff/events/new?lang=en", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    event = db.session.scalar(select(Event))
    assert (event.capacity, event.groups_capacity, event.max_group_size, event.largest_group) == (80, 40, 35, 35)
    edit = client.get(f"/staff/events/{event.id}/edit?lang=en")
    html = edit.get_data(as_text=True)
    assert 'id="groups_capacity"' in html and 'value="40"' in html and 'value="35"' in html


def test_the_form_tells_each_cap_beside_its_field(client, staff, hall):
    data = event_data(client, hall, capacity="80", groups_capacity="90", max_group_size="")
    response = client.post("/staff/events/new?lang=en", data=data)
    assert response.status_code == 422
    assert_valid_html(response)
    assert field_error(response.get_data(as_text=True), "groups_capacity") == "Groups cannot take more seats than the event has (80)."
    data = event_data(client, hall, capacity="80", groups_capacity="", max_group_size="0")
    html = client.post("/staff/events/new?lang=en", data=data).get_data(as_text=True)
    assert field_error(html, "max_group_size") == "Enter a whole number of 1 or more, or leave it empty for the largest party."
    data = event_data(client, hall, capacity="80", groups_capacity="30", max_group_size="31")
    html = client.post("/staff/events/new?lang=en", data=data).get_data(as_text=True)
    assert field_error(html, "max_group_size") == "One group cannot be larger than the seats for groups (30)."
    assert db.session.scalar(select(Event.id)) is None
