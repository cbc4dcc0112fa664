"""The staff list of an event's registrations through the JSON API: the door's search route,
extended with ``page``, ``per_page``, ``sort`` and ``status`` (the search answers as before)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from outreach import clock
from outreach.extensions import db
from outreach.registration import services
from tests.helpers import in_days, new_phone


@pytest.fixture
def staff(make_user, api_token):
    return api_token(make_user("staff"))


@pytest.fixture
def event(make_event):
    return make_event(starts_at=in_days(3), capacity=5, max_party_size=5)


def register(event, name, party_size=1, minutes=0, phone=None):
    registration = services.register(
        event, name=name, phone=phone or new_phone(), party_size=party_size,
        now=clock.now() - timedelta(hours=1) + timedelta(minutes=minutes),
    ).registration
    db.session.commit()
    return registration


def test_staff_page_through_the_list_sorted_and_filtered(client, staff, event):
    c = register(event, "丙", 3, minutes=1)
    a = register(event, "甲", 2, minutes=2, phone="13812345678")
    b = register(event, "乙", 1, minutes=3)  # waits: 3 + 2 + 1 > 5
    url = f"/api/v1/events/{event.id}/registrations"
    body = client.get(url + "?page=1", headers=staff).get_json()
    assert [r["id"] for r in body["registrations"]] == [c.id, a.id, b.id]
    assert (body["total"], body["page"], body["per_page"], body["pages"], body["sort"]) == (3, 1, 50, 1, "created")
    assert body["registrations"][1]["phone"] == "13812345678" and body["registrations"][1]["registered_at"]
    body = client.get(url + "?sort=-party&per_page=2&page=2", headers=staff).get_json()
    assert [r["id"] for r in body["registrations"]] == [b.id] and (body["pages"], body["page"]) == (2, 2)
    body = client.get(url + "?status=waitlisted", headers=staff).get_json()
    assert [(r["id"], r["status"]) for r in body["registrations"]] == [(b.id, "waitlisted")]
    body = client.get(url + "?sort=name&q=%2B86 138 1234 5678", headers=staff).get_json()
    assert [r["id"] for r in body["registrations"]] == [a.id]
    # Without the list's arguments the door's search answers as before.
    assert client.get(url + "?q=甲", headers=staff).get_json() == {"registrations": [{
        "id": a.id, "event_id": event.id, "status": "confirmed", "name": "甲", "party_size": 2,
        "phone": "13812345678", "checked_in_at": None, "group": None,
    }]}
    assert client.get(url, headers=staff).get_json() == {"registrations": []}


@pytest.mark.parametrize(
    ("query", "fields"),
    [("page=0", {"page"}), ("per_page=500", {"per_page"}), ("page=x&sort=phone", {"page", "sort"}),
     ("status=lost", {"status"}), ("per_page=-1", {"per_page"})],
)
def test_a_wrong_list_argument_is_a_422_naming_it(client, staff, event, query, fields):
    response = client.get(f"/api/v1/events/{event.id}/registrations?{query}", headers=staff)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == fields


def test_the_list_is_for_staff(client, make_user, api_token, event):
    from outreach.volunteers.models import Shift, ShiftSignup

    volunteer = make_user("volunteer")
    shift = Shift(event_id=event.id, role="签到", starts_at=clock.now() - timedelta(minutes=30),
                  ends_at=clock.now() + timedelta(hours=2), slots=1)
    db.session.add(shift)
    db.session.flush()
    db.session.add(ShiftSignup(shift_id=shift.id, volunteer_id=volunteer.volunteer_profile.id, status="confirmed"))
    db.session.commit()
    headers = api_token(volunteer)
    assert client.get(f"/api/v1/events/{event.id}/registrations?q=x", headers=headers).status_code == 200
    assert client.get(f"/api/v1/events/{event.id}/registrations?page=1", headers=headers).status_code == 403
    assert client.get(f"/api/v1/events/{event.id}/registrations?page=1").status_code == 401
