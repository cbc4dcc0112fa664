"""Group registrations: a school class or another group registers as a whole, within the
event's caps for groups, waits and is promoted as a whole, never split."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select

from outreach import clock
from outreach.errors import ValidationError
from outreach.extensions import db
from outreach.platform.models import AuditEntry, OutboxMessage
from outreach.registration import services
from outreach.registration.models import Registration
from tests.helpers import assert_valid_html, csrf_token_from, field_error, new_phone

NOW = datetime(2026, 12, 5, 1, 0, tzinfo=timezone.utc)  # 09:00 in Shanghai


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def visit(make_event, frozen):
    # 60 seats, groups may take 40 of them, one group at most 30.
    return make_event(
        type="visit", starts_at=NOW + timedelta(hours=1), capacity=60, groups_capacity=40, max_group_size=30,
        max_party_size=4,
    )


def group(children, adults=0, kind="school_class", organisation="南门中学 三年级二班", **more):
    return {"kind": kind, "organisation": organisation, "children": children, "adults": adults, **more}


def reg(event, name="王老师", party_size=None, grp=None, **kwargs):
    kwargs.setdefault("phone", new_phone())
    if grp is None:
        party_size = party_size or 1
    outcome = services.register(event, name=name, party_size=party_size, group=grp, **kwargs)
    db.session.commit()
    return outcome.registration


def statuses(event):
    rows = db.session.execute(
        select(Registration.name, Registration.status).where(Registration.event_id == event.id).order_by(Registration.id)
    ).all()
    return dict(rows)


# --- the service -----------------------------------------------------------------------------


def test_a_group_registers_with_its_numbers_and_one_ticket(visit):
    registration = reg(visit, grp=group(25, 3, needs="两位同学坐轮椅", arrival="09:40"))
    assert registration.status == "confirmed"
    assert registration.is_group
    assert (registration.group_kind, registration.group_organisation) == ("school_class", "南门中学 三年级二班")
    assert (registration.group_children, registration.group_adults, registration.party_size) == (25, 3, 28)
    assert registration.group_needs == "两位同学坐轮椅"
    assert registration.group_arrival == time(9, 40)
    # Larger than max_party_size (4): the group's own limit holds, not the individuals'.
    assert services.group_seats_taken(visit.id) == 28
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "registration.create")).one()
    assert entry.data["group"] == {"kind": "school_class", "party_size": 28}


def test_a_group_over_the_per_group_cap_is_refused_with_a_clear_message(visit):
    with pytest.raises(ValidationError) as refused:
        services.register(visit, name="王老师", phone=new_phone(), party_size=None, group=group(29, 2))
    assert {k: str(v) for k, v in refused.value.fields.items()} == {
        "group.children": "一个团体最多 30 人（儿童和成人合计）。",
    }
    db.session.rollback()
    assert db.session.scalar(select(Registration.id)) is None


@pytest.mark.parametrize("bad, fields", [
    ({"kind": "army"}, {"group.kind"}),
    ({"organisation": ""}, {"group.organisation"}),
    ({"organisation": "x" * 201}, {"group.organisation"}),
    ({"children": -1}, {"group.children"}),
    ({"adults": "3"}, {"group.adults"}),
    ({"children": 0, "adults": 0}, {"group.children"}),
    ({"needs": "x" * 501}, {"group.needs"}),
    ({"arrival": "half past nine"}, {"group.arrival"}),
])
def test_bad_group_details_are_named(visit, bad, fields):
    with pytest.raises(ValidationError) as refused:
        services.register(visit, name="王老师", phone=new_phone(), party_size=None, group={**group(10, 1), **bad})
    assert set(refused.value.fields) == fields


def test_the_groups_cap_waitlists_a_group_but_not_an_individual(visit):
    reg(visit, "A", grp=group(28, 2))  # 30 of the 40 seats for groups
    assert reg(visit, "B", grp=group(10, 1)).status == "waitlisted"  # 41 > 40 for groups
    assert reg(visit, "C", 4).status == "confirmed"  # individuals still have seats: 34 of 60
    assert reg(visit, "D", grp=group(9, 1)).status == "confirmed"  # exactly 40 for groups
    assert services.group_seats_taken(visit.id) == 40
    assert services.seats_taken(visit.id) == 44


def test_the_capacity_waitlists_a_group_as_a_whole(make_event, frozen):
    event = make_event(starts_at=NOW + timedelta(hours=1), capacity=20, max_party_size=5, max_group_size=15)
    reg(event, "A", 5)
    reg(event, "B", 5)
    waiting = reg(event, "class", grp=group(10, 1))  # 11 > 10 left: waits, whole
    assert waiting.status == "waitlisted"
    assert services.seats_taken(event.id) == 10


def test_a_group_is_promoted_as_a_whole_never_split(visit):
    first = reg(visit, "A", grp=group(20, 2))  # 22 of 40 for groups
    reg(visit, "B", grp=group(15, 1))  # 38
    waiting = reg(visit, "class", grp=group(18, 2))  # 20: 58 > 40, waits
    small = reg(visit, "small", grp=group(1, 1))  # 2: exactly 40
    assert (waiting.status, small.status) == ("waitlisted", "confirmed")
    later = reg(visit, "later", grp=group(3, 1))  # 4: waits behind the class
    # B cancels: 16 seats for groups free (24 free then): the class of 20 still does not fit,
    # so it is skipped, not split; the group of 4 behind it is seated.
    b = db.session.scalars(select(Registration).where(Registration.name == "B")).one()
    services.cancel(b)
    db.session.commit()
    assert statuses(visit)["class"] == "waitlisted"
    assert statuses(visit)["later"] == "confirmed"
    assert db.session.get(Registration, waiting.id).party_size == 20  # not split
    assert services.group_seats_taken(visit.id) == 28
    # A cancels: 22 more free for groups (34): the whole class of 20 is promoted at once.
    services.cancel(first)
    db.session.commit()
    promoted = db.session.get(Registration, waiting.id)
    assert promoted.status == "confirmed"
    assert promoted.promoted_at == NOW
    assert (promoted.party_size, promoted.group_children, promoted.group_adults) == (20, 18, 2)
    assert services.group_seats_taken(visit.id) == 26
    assert services.seats_taken(visit.id) <= visit.capacity


def test_an_individual_promoted_beside_a_group_that_is_capped(visit):
    reg(visit, "G", grp=group(28, 2))
    reg(visit, "I1", 4)
    waiting_group = reg(visit, "G2", grp=group(14, 1))  # 45 > 40 for groups
    assert waiting_group.status == "waitlisted"
    # seats remain for individuals: nothing blocks them
    assert reg(visit, "I2", 4).status == "confirmed"


def test_the_event_checks_its_group_caps(make_venue):
    from outreach.events.services import check_event

    base = {
        "title": "参观", "type": "visit", "status": "published", "registration": "open", "audience": "all",
        "starts_at": NOW, "ends_at": NOW + timedelta(hours=1), "venue": object(), "max_party_size": 4,
        "checkin_opens_minutes": 120, "capacity": 60,
    }
    assert check_event({**base, "groups_capacity": 30, "max_group_size": 30}) == {}
    errors = check_event({**base, "groups_capacity": 61})
    assert str(errors["groups_capacity"]) == "团体名额不能超过活动总名额（60）。"
    errors = check_event({**base, "groups_capacity": 30, "max_group_size": 31})
    assert str(errors["max_group_size"]) == "单个团体人数不能超过团体名额（30）。"
    assert set(check_event({**base, "groups_capacity": -1, "max_group_size": 0})) == {"groups_capacity", "max_group_size"}


def test_no_groups_when_the_groups_cap_is_zero(make_event, frozen):
    event = make_event(starts_at=NOW + timedelta(hours=1), capacity=20, groups_capacity=0)
    with pytest.raises(ValidationError) as refused:
        services.register(event, name="王老师", phone=new_phone(), party_size=None, group=group(5))
    assert {k: str(v) for k, v in refused.value.fields.items()} == {"group": "本活动不接受团体报名。"}


# --- the API -----------------------------------------------------------------------------------


def post(client, event, body, **headers):
    return client.post(f"/api/v1/events/{event.id}/registrations", json=body, headers=headers)


def test_api_registers_a_group_and_answers_it_back(client, visit):
    response = post(client, visit, {
        "name": "王老师", "phone": "13812345678",
        "group": {"kind": "kindergarten", "organisation": "星海幼儿园", "children": 20, "adults": 4, "arrival": "09:30"},
    })
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "confirmed"
    assert body["party_size"] == 24
    assert body["group"] == {
        "kind": "kindergarten", "organisation": "星海幼儿园", "children": 20, "adults": 4, "needs": None, "arrival": "09:30",
    }
    ticket = client.get(f"/api/v1/tickets/{body['ticket']['token']}").get_json()
    assert ticket["group"]["organisation"] == "星海幼儿园"
    # An individual's registration answers "group": null.
    single = post(client, visit, {"name": "李四", "phone": "13812345679", "party_size": 2}).get_json()
    assert single["group"] is None


@pytest.mark.parametrize("body, fields", [
    ({"group": {"kind": "school_class", "organisation": "南门中学", "children": 40, "adults": 5}}, {"group.children"}),
    ({"group": {"kind": "club", "organisation": "南门中学", "children": 4}}, {"group.kind"}),
    ({"group": {"kind": "school_class", "children": 4}}, {"group.organisation"}),
    ({"group": {"kind": "school_class", "organisation": "南门中学", "children": 4, "adults": 1}, "party_size": 6}, {"party_size"}),
    ({"group": "a class"}, {"group"}),
    ({"group": {"kind": "school_class", "organisation": "南门中学", "children": 4, "arrival": "25:00"}}, {"group.arrival"}),
])
def test_api_group_validation_422s(client, visit, body, fields):
    response = post(client, visit, {"name": "王老师", "phone": "13812345678", **body})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == fields
    assert db.session.scalar(select(Registration.id)) is None


def test_api_over_the_cap_message(client, visit):
    response = post(client, visit, {
        "name": "王老师", "phone": "13812345678",
        "group": {"kind": "school_class", "organisation": "南门中学", "children": 40, "adults": 5},
    }, **{"Accept-Language": "zh-Hans"})
    assert response.get_json()["error"]["fields"] == {"group.children": "一个团体最多 30 人（儿童和成人合计）。"}


def test_openapi_documents_the_group(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    assert set(schemas["GroupIn"]["properties"]) == {"kind", "organisation", "children", "adults", "needs", "arrival"}
    assert "#/components/schemas/GroupIn" in str(schemas["RegistrationIn"]["properties"]["group"])
    assert "#/components/schemas/Group'" in str(schemas["Registration"]["properties"]["group"])


def test_events_api_takes_and_answers_the_group_caps(client, make_user, api_token, make_venue):
    staff = api_token(make_user("staff"))
    venue = make_venue()
    body = {
        "title": "南门中学参观", "type": "visit", "starts_at": "2027-03-01T09:00", "ends_at": "2027-03-01T11:00",
        "venue_id": venue.id, "capacity": 80, "groups_capacity": 40, "max_group_size": 45,
    }
    refused = client.post("/api/v1/events", json=body, headers={**staff, "Accept-Language": "en"})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"] == {"max_group_size": "One group cannot be larger than the seats for groups (40)."}
    created = client.post("/api/v1/events", json={**body, "max_group_size": 35}, headers=staff)
    assert created.status_code == 201, created.get_json()
    assert (created.get_json()["groups_capacity"], created.get_json()["max_group_size"]) == (40, 35)
    changed = client.patch(f"/api/v1/events/{created.get_json()['id']}", json={"groups_capacity": 90}, headers=staff)
    assert changed.status_code == 422
    assert set(changed.get_json()["error"]["fields"]) == {"groups_capacity"}


# --- the pages --------------------------------------------------------------------------------


def test_the_event_page_links_to_the_group_form(client, visit):
    page = client.get(f"/events/{visit.id}?lang=en")
    assert f'href="/events/{visit.id}/group"' in page.get_data(as_text=True)
    form = client.get(f"/events/{visit.id}/group?lang=en")
    assert form.status_code == 200
    assert_valid_html(form)
    assert "A group may bring up to 30 people, children and adults together." in form.get_data(as_text=True)


def test_the_group_form_registers_a_group(client, visit):
    token = csrf_token_from(client, f"/events/{visit.id}/group")
    response = client.post(f"/events/{visit.id}/group?lang=en", data={
        "csrf_token": token, "kind": "school_class", "organisation": "南门中学 三年级二班", "children": "25",
        "adults": "3", "name": "王老师", "phone": "13812345678", "arrival": "09:40", "needs": "",
        "consent": "y", "client_key": "k" * 24,
    })
    assert response.status_code == 303
    registration = db.session.scalars(select(Registration)).one()
    assert (registration.group_kind, registration.party_size, registration.status) == ("school_class", 28, "confirmed")
    ticket = client.get(response.headers["Location"] + "?lang=en")
    html = ticket.get_data(as_text=True)
    assert "南门中学 三年级二班 (School class) · 25 children, 3 adults" in html
    assert "Group leader" in html


def test_the_group_form_shows_the_cap_beside_the_field(client, visit):
    token = csrf_token_from(client, f"/events/{visit.id}/group")
    response = client.post(f"/events/{visit.id}/group?lang=en", data={
        "csrf_token": token, "kind": "school_class", "organisation": "南门中学", "children": "40",
        "adults": "5", "name": "王老师", "phone": "13812345678", "consent": "y",
    })
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "children") == "A group may bring at most 30 people (children and adults together)."
    assert db.session.scalar(select(Registration.id)) is None


def test_the_ticket_pdf_shows_the_group(client, visit):
    from io import BytesIO

    from pypdf import PdfReader

    outcome = services.register(visit, name="王老师", phone=new_phone(), party_size=None, group=group(25, 3, organisation="Nanmen School"))
    db.session.commit()
    pdf = client.get(f"/t/{outcome.token}/ticket.pdf?lang=en")
    assert pdf.status_code == 200
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf.data)).pages)
    assert "Nanmen School" in text and "25 children, 3 adults" in text


# --- staff: groups apart, the group list ---------------------------------------------------------


def test_staff_see_groups_apart_with_their_leaders_phones(client, visit, make_user, login):
    reg(visit, "王老师", grp=group(25, 3), phone="13812345678")
    reg(visit, "李四", 2, phone="13912345678")
    login(make_user("staff"))
    token = csrf_token_from(client, f"/staff/events/{visit.id}")
    answer = client.post(f"/staff/events/{visit.id}/registrations/search?lang=en", data={"csrf_token": token, "who": "groups"})
    assert answer.status_code == 303 and "who=groups" in answer.headers["Location"]
    page = client.get(answer.headers["Location"])
    html = page.get_data(as_text=True)
    assert "王老师" in html and "13812345678" in html and "南门中学 三年级二班" in html
    assert "李四" not in html
    html = client.get(f"/staff/events/{visit.id}?who=individuals").get_data(as_text=True)
    assert "李四" in html and "王老师" not in html


def test_the_group_list_pdf(client, visit, make_user, login):
    from io import BytesIO

    from pypdf import PdfReader

    reg(visit, "Ms Wang", grp=group(25, 3, organisation="Nanmen Middle School", arrival="09:40", needs="Two wheelchairs"), phone="13812345678")
    reg(visit, "Mr Li", grp=group(10, 2, kind="kindergarten", organisation="Xinghai Kindergarten"), phone="13912345678")
    reg(visit, "Zhang", 2)
    staff = make_user("staff")
    login(staff)
    answer = client.get(f"/staff/events/{visit.id}/groups.pdf?lang=en")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(answer.data)).pages)
    assert "Group list" in text
    assert "Nanmen Middle School School class Ms Wang 13812345678 25 3 28 09:40 Two wheelchairs Confirmed" in text
    assert "Xinghai Kindergarten Kindergarten Mr Li 13912345678 10 2 12" in text
    assert "Confirmed groups, in total 35 5 40" in text
    assert "Zhang" not in text
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "registration.export")).one()
    assert entry.data == {"format": "group_list"} and entry.actor_id == staff.id


# --- at once ---------------------------------------------------------------------------------------


def test_parallel_groups_and_individuals_never_overbook_either_cap(app, make_event):
    from tests.helpers import in_days, run_in_threads

    event = make_event(starts_at=in_days(2), capacity=60, groups_capacity=30, max_group_size=12, max_party_size=3)
    event_id = event.id

    def work(client, n):
        body = {"name": f"P{n}", "phone": new_phone()}
        if n % 2:
            body["group"] = {"kind": "community", "organisation": f"社区 {n}", "children": 4 + n % 6, "adults": 1}
        else:
            body["party_size"] = 1 + n % 3
        return client.post(f"/api/v1/events/{event_id}/registrations", json=body).status_code

    assert run_in_threads(app, 30, work) == [201] * 30
    rows = db.session.execute(
        select(Registration.status, Registration.party_size, Registration.group_kind).where(Registration.event_id == event_id)
    ).all()
    seats = sum(size for status, size, _kind in rows if status == "confirmed")
    group_seats = sum(size for status, size, kind in rows if status == "confirmed" and kind)
    assert seats <= 60 and group_seats <= 30 and len(rows) == 30
    # Every group still waiting is larger than the seats left for groups or in all: none was
    # passed over by a race, and none was split.
    for status, size, kind in rows:
        if status == "waitlisted" and kind:
            assert size > 30 - group_seats or size > 60 - seats
    # Cancelling every confirmed group at once promotes waiting groups whole, within the cap.
    from outreach.registration import services as registration_services

    for registration in db.session.scalars(
        select(Registration).where(Registration.event_id == event_id, Registration.status == "confirmed",
                                   Registration.group_kind.is_not(None))
    ):
        registration_services.cancel(registration)
    db.session.commit()
    assert registration_services.group_seats_taken(event_id) <= 30


def test_a_groups_confirmation_names_the_group_and_its_numbers(visit):
    registration = reg(visit, grp=group(25, 1), email="teacher@example.org", locale="en")
    body = db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.kind == "registration.confirmed")).one()
    assert ("For 南门中学 三年级二班: 25 children and 1 adult. The leader's ticket admits the whole group; "
            "at the door, say how many came.") in body
    assert registration.status == "confirmed"
    reg(visit, name="李老师", grp=group(2, 1), email="li@example.org")  # in the library's language
    zh = db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.recipient == "li@example.org")).one()
    assert "团体：南门中学 三年级二班，儿童 2 名，成人 1 名。带队人的入场券可供全团入场" in zh


def test_the_group_form_says_how_many_places_are_left_for_groups(client, visit):
    page = client.get(f"/events/{visit.id}/group?lang=en").get_data(as_text=True)
    assert "40 places are left for groups now" in page  # the groups' 40 of the event's 60
    reg(visit, grp=group(28))
    reg(visit, name="individuals", party_size=4)
    page = client.get(f"/events/{visit.id}/group?lang=en").get_data(as_text=True)
    assert "12 places are left for groups now" in page
    reg(visit, name="B", grp=group(12))
    page = client.get(f"/events/{visit.id}/group?lang=zh_Hans").get_data(as_text=True)
    assert "团体名额已满" in page
