"""The registration and check-in routes of the contract, through the JSON API."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.registration import services
from outreach.registration.models import CheckIn, Registration, WalkIn
from tests.helpers import IsolatedClient, in_days, new_phone, run_in_threads


@pytest.fixture
def staff(make_user, api_token):
    return api_token(make_user("staff"))


@pytest.fixture
def soon(make_event):
    """Starts in 30 minutes: the door is open."""
    from datetime import datetime, timezone

    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=30)
    return make_event(starts_at=start, capacity=10, max_party_size=6)


def register(client, event, **body):
    """``event`` is an Event or, in threads without an app context, its id."""
    event_id = event if isinstance(event, int) else event.id
    payload = {"name": "张三", "phone": new_phone(), "party_size": 1, **body}
    return client.post(f"/api/v1/events/{event_id}/registrations", json=payload)


def test_register_returns_the_ticket_links(client, soon, make_user, api_token):
    response = register(client, soon, party_size=2, email="z@example.org")
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "confirmed" and body["party_size"] == 2
    token = body["ticket"]["token"]
    assert body["ticket"]["url"] == f"http://outreach.test/t/{token}"
    assert body["ticket"]["qr_png_url"].endswith(f"/t/{token}/qr.png")
    assert body["ticket"]["qr_svg_url"].endswith(f"/t/{token}/qr.svg")
    assert body["ticket"]["pdf_url"].endswith(f"/t/{token}/ticket.pdf")
    assert body["ticket"]["cancel_url"] == f"http://outreach.test/api/v1/tickets/{token}/cancel"
    # The PNG holds the ticket URL, as the contract says.
    png = client.get(body["ticket"]["qr_png_url"])
    assert png.mimetype == "image/png"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))[0].text
    assert decoded == body["ticket"]["url"]
    # What the camera read checks the ticket in.
    staff = api_token(make_user("staff"))
    checked = client.post("/api/v1/checkins", json={"token": decoded, "event_id": soon.id}, headers=staff)
    assert checked.get_json()["result"] == "checked_in"
    assert checked.get_json()["registration"]["party_size"] == 2
    assert client.get(body["ticket"]["qr_svg_url"]).mimetype == "image/svg+xml"
    pdf = client.get(body["ticket"]["pdf_url"])
    assert pdf.mimetype == "application/pdf" and pdf.data[:5] == b"%PDF-"


def test_register_waitlists_when_full(client, soon):
    assert register(client, soon, party_size=6).get_json()["status"] == "confirmed"
    assert register(client, soon, party_size=5).get_json()["status"] == "waitlisted"
    assert register(client, soon, party_size=4).get_json()["status"] == "confirmed"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"party_size": 0}, {"party_size"}),
        ({"party_size": 7}, {"party_size"}),
        ({"party_size": "2"}, {"party_size"}),
        ({"name": ""}, {"name"}),
        ({"phone": "abc"}, {"phone"}),
        ({"email": "nope"}, {"email"}),
    ],
)
def test_register_validation(client, soon, body, fields):
    response = register(client, soon, **body)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == fields
    assert db.session.scalar(select(func.count(Registration.id))) == 0


def test_register_reports_every_bad_field_at_once(client, soon):
    response = client.post(
        f"/api/v1/events/{soon.id}/registrations?lang=en", json={"name": "", "phone": "12", "party_size": 99}
    )
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"name", "phone", "party_size"}
    assert fields["party_size"] == "Enter a number of people from 1 to 6."


def test_register_closed_and_hidden(client, make_event, soon):
    no_registration = make_event(registration="none")
    response = register(client, no_registration)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "registration_closed"
    over = make_event(starts_at=in_days(-3), ends_at=in_days(-3) + timedelta(hours=2))
    assert register(client, over).get_json()["error"]["code"] == "registration_closed"
    draft = make_event(status="draft")
    assert register(client, draft).status_code == 404


def test_register_with_idempotency_key_is_safe_to_retry(client, soon):
    headers = {"Idempotency-Key": "retry-1234567"}
    first = client.post(f"/api/v1/events/{soon.id}/registrations", json={"name": "A", "phone": "13812345678"}, headers=headers)
    again = client.post(f"/api/v1/events/{soon.id}/registrations", json={"name": "A", "phone": "13812345678"}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["ticket"]["token"] == again.get_json()["ticket"]["token"]
    assert db.session.scalar(select(func.count(Registration.id))) == 1


def test_cancel_by_ticket_twice_and_forged(client, soon):
    waiting_party = register(client, soon, party_size=6).get_json()
    waiting = register(client, soon, party_size=6).get_json()
    assert waiting["status"] == "waitlisted"
    cancel = client.post(f"/api/v1/tickets/{waiting_party['ticket']['token']}/cancel")
    assert cancel.status_code == 200 and cancel.get_json() == {"status": "cancelled"}
    assert client.post(f"/api/v1/tickets/{waiting_party['ticket']['token']}/cancel").get_json() == {"status": "cancelled"}
    assert db.session.get(Registration, waiting["id"]).status == "confirmed"  # promoted
    forged = client.post("/api/v1/tickets/AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAA/cancel")
    assert forged.status_code == 404
    assert forged.get_json()["error"]["code"] == "invalid_ticket"


def test_check_in_by_token_or_url(client, soon, staff):
    ticket = register(client, soon, party_size=3).get_json()
    response = client.post("/api/v1/checkins", json={"token": ticket["ticket"]["url"]}, headers=staff)
    assert response.status_code == 200
    body = response.get_json()
    assert body["result"] == "checked_in"
    assert body["registration"] == {"id": ticket["id"], "name": "张三", "party_size": 3, "event_id": soon.id}
    assert body["checked_in_at"].endswith("+08:00")
    again = client.post("/api/v1/checkins", json={"token": ticket["ticket"]["token"], "event_id": soon.id}, headers=staff)
    assert again.get_json()["result"] == "already_checked_in"
    assert again.get_json()["checked_in_at"] == body["checked_in_at"]
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1


def test_check_in_refusals_have_the_contract_codes(client, soon, make_event, staff):
    cancelled = register(client, soon).get_json()
    client.post(f"/api/v1/tickets/{cancelled['ticket']['token']}/cancel")
    register(client, soon, party_size=6)
    waiting = register(client, soon, party_size=6).get_json()
    other = make_event(starts_at=soon.starts_at)
    good = register(client, soon).get_json()
    cases = [
        ({"token": "not-a-ticket"}, 404, "invalid_ticket"),
        ({"token": good["ticket"]["token"][:-1] + ("A" if good["ticket"]["token"][-1] != "A" else "B")}, 404, "invalid_ticket"),
        ({"token": cancelled["ticket"]["token"]}, 409, "cancelled"),
        ({"token": waiting["ticket"]["token"]}, 409, "waitlisted"),
        ({"token": good["ticket"]["token"], "event_id": other.id}, 409, "wrong_event"),
    ]
    for body, status, code in cases:
        response = client.post("/api/v1/checkins", json=body, headers=staff)
        assert (response.status_code, response.get_json()["error"]["code"]) == (status, code), body


def test_check_in_closed_outside_the_window(client, make_event, staff):
    later = make_event(starts_at=in_days(3))
    ticket = register(client, later).get_json()
    response = client.post("/api/v1/checkins", json={"token": ticket["ticket"]["token"]}, headers=staff)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "checkin_closed"


def test_check_in_needs_door_rights(client, soon, make_user, api_token):
    ticket = register(client, soon).get_json()
    assert client.post("/api/v1/checkins", json={"token": ticket["ticket"]["token"]}).status_code == 401
    volunteer = api_token(make_user("volunteer"))
    response = client.post("/api/v1/checkins", json={"token": ticket["ticket"]["token"]}, headers=volunteer)
    assert response.status_code == 403


def test_check_in_refuses_a_volunteer_off_shift_before_reading_the_body(client, soon, make_user, api_token):
    """Found by the permission matrix: a volunteer with no shift on now got the body's
    validation (422, "There is no such event") and an unknown ticket's 404 from the door."""
    from outreach.volunteers.models import Shift, ShiftSignup

    volunteer = make_user("volunteer")
    headers = api_token(volunteer)
    for body in ({}, {"token": "x", "event_id": 987654}, {"token": "not-a-ticket"}):
        response = client.post("/api/v1/checkins", json=body, headers=headers)
        assert (response.status_code, response.get_json()["error"]["code"]) == (403, "forbidden"), body
    # on a shift of another event now, they are door people: their mistakes are answered
    shift = Shift(event_id=soon.id, role="签到引导", starts_at=soon.starts_at - timedelta(hours=1), ends_at=soon.ends_at, slots=3)
    db.session.add(shift)
    db.session.flush()
    db.session.add(ShiftSignup(shift_id=shift.id, volunteer_id=volunteer.volunteer_profile.id, status="confirmed"))
    db.session.commit()
    assert client.post("/api/v1/checkins", json={}, headers=headers).status_code == 422


def test_volunteer_on_a_shift_of_the_event_may_check_in(client, soon, make_user, api_token):
    from outreach.volunteers.models import Shift, ShiftSignup

    volunteer = make_user("volunteer")
    shift = Shift(event_id=soon.id, role="签到引导", starts_at=soon.starts_at - timedelta(hours=1), ends_at=soon.ends_at, slots=3)
    db.session.add(shift)
    db.session.flush()
    db.session.add(ShiftSignup(shift_id=shift.id, volunteer_id=volunteer.volunteer_profile.id, status="confirmed"))
    db.session.commit()
    ticket = register(client, soon).get_json()
    headers = api_token(volunteer)
    assert client.post("/api/v1/checkins", json={"token": ticket["ticket"]["token"]}, headers=headers).status_code == 200
    assert client.post(f"/api/v1/events/{soon.id}/walkins", json={"count": 2}, headers=headers).status_code == 201
    assert client.get(f"/api/v1/events/{soon.id}/attendance", headers=headers).get_json()["attendance"] == 3


def test_walkins_and_attendance(client, soon, staff):
    a = register(client, soon, party_size=3).get_json()
    register(client, soon, party_size=2)
    register(client, soon, party_size=6)  # waits
    client.post("/api/v1/checkins", json={"token": a["ticket"]["token"]}, headers=staff)
    response = client.post(f"/api/v1/events/{soon.id}/walkins", json={"count": 4}, headers=staff)
    assert response.status_code == 201
    for bad in ({"count": 0}, {"count": "4"}, {}):
        assert client.post(f"/api/v1/events/{soon.id}/walkins", json=bad, headers=staff).status_code == 422
    assert client.get(f"/api/v1/events/{soon.id}/attendance", headers=staff).get_json() == {
        "capacity": 10, "registered": 5, "waitlisted": 6, "checked_in": 3, "walk_ins": 4, "attendance": 7, "no_shows": 0,
    }
    assert db.session.scalar(select(func.sum(WalkIn.count))) == 4


def test_undo_check_in_by_staff_only(client, soon, staff, make_user, api_token):
    ticket = register(client, soon).get_json()
    checkin_id = client.post("/api/v1/checkins", json={"token": ticket["ticket"]["token"]}, headers=staff).get_json()["checkin_id"]
    assert client.delete(f"/api/v1/checkins/{checkin_id}", headers=api_token(make_user("volunteer"))).status_code == 403
    assert client.delete(f"/api/v1/checkins/{checkin_id}", headers=staff).get_json() == {"status": "undone"}
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_roster_has_digests_not_tokens(client, soon, staff):
    ticket = register(client, soon, name="王小明", party_size=2).get_json()
    roster = client.get(f"/api/v1/events/{soon.id}/roster", headers=staff).get_json()
    assert roster["door_open"] is True
    (entry,) = roster["entries"]
    assert entry["name"] == "王小明" and entry["party_size"] == 2 and entry["checked_in_at"] is None
    import hashlib

    assert entry["digest"] == hashlib.sha256(ticket["ticket"]["token"].encode()).hexdigest()
    assert ticket["ticket"]["token"] not in str(roster)


def test_nul_characters_are_dropped_from_every_text_the_api_reads(client, soon, staff):
    """PostgreSQL refuses NUL in text: the JSON body and the search are cleaned as a form is."""
    response = register(client, soon, name="李\x00小红", email="li\x00@example.org")
    assert response.status_code == 201, response.get_json()
    registration = db.session.get(Registration, response.get_json()["id"])
    assert (registration.name, registration.email) == ("李小红", "li@example.org")
    found = client.get(f"/api/v1/events/{soon.id}/registrations?q=小\x00红", headers=staff)
    assert found.status_code == 200
    assert [r["name"] for r in found.get_json()["registrations"]] == ["李小红"]


def test_search_masks_phones_for_volunteers(client, soon, make_user, api_token, staff):
    from outreach.volunteers.models import Shift, ShiftSignup

    register(client, soon, name="李小红", phone="13912340002")
    full = client.get(f"/api/v1/events/{soon.id}/registrations?q=小红", headers=staff).get_json()["registrations"]
    assert full[0]["phone"] == "13912340002"
    volunteer = make_user("volunteer")
    shift = Shift(event_id=soon.id, role="签到", starts_at=soon.starts_at, ends_at=soon.ends_at, slots=1)
    db.session.add(shift)
    db.session.flush()
    db.session.add(ShiftSignup(shift_id=shift.id, volunteer_id=volunteer.volunteer_profile.id, status="confirmed"))
    db.session.commit()
    masked = client.get(f"/api/v1/events/{soon.id}/registrations?q=0002", headers=api_token(volunteer)).get_json()
    assert masked["registrations"][0]["phone"] == "*******0002"


def test_public_registration_is_rate_limited(make_app, make_event):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC_WRITE="5 per minute")
    event = make_event(starts_at=in_days(2))
    app.test_client_class = IsolatedClient
    client = app.test_client()
    statuses = [register(client, event).status_code for _ in range(6)]
    assert statuses == [201] * 5 + [429]
    response = register(client, event)
    assert response.get_json()["error"]["code"] == "rate_limited"


# --- concurrency ----------------------------------------------------------------------------


def test_parallel_registrations_never_overbook(app, make_event):
    event = make_event(starts_at=in_days(2), capacity=25, max_party_size=4)
    sizes, event_id = [1 + n % 4 for n in range(40)], event.id
    statuses = run_in_threads(app, 40, lambda client, n: register(client, event_id, party_size=sizes[n]).status_code)
    assert statuses == [201] * 40
    rows = db.session.execute(select(Registration.status, Registration.party_size).where(Registration.event_id == event.id)).all()
    confirmed = sum(size for status, size in rows if status == "confirmed")
    free = 25 - confirmed
    assert confirmed <= 25 and len(rows) == 40
    # Every party still waiting is larger than the seats left: none was skipped by a race.
    assert all(size > free for status, size in rows if status == "waitlisted")


def test_parallel_cancellations_promote_exactly_the_freed_seats(app, make_event):
    event = make_event(starts_at=in_days(2), capacity=10)
    confirmed = [services.register(event, name=f"C{n}", phone=new_phone()) for n in range(10)]
    waiting = [services.register(event, name=f"W{n}", phone=new_phone()) for n in range(15)]
    db.session.commit()
    assert {o.registration.status for o in waiting} == {"waitlisted"}
    tokens = [o.token for o in confirmed[:8]]
    run_in_threads(app, 8, lambda client, n: client.post(f"/api/v1/tickets/{tokens[n]}/cancel").status_code)
    rows = dict(db.session.execute(
        select(Registration.name, Registration.status).where(Registration.event_id == event.id)
    ).all())
    assert sum(1 for status in rows.values() if status == "confirmed") == 10
    assert [name for name in (f"W{n}" for n in range(15)) if rows[name] == "confirmed"] == [f"W{n}" for n in range(8)]


def test_parallel_scans_of_one_ticket_admit_it_once(app, soon, make_user, api_token):
    outcome = services.register(soon, name="A", phone="13812345678", party_size=2)
    db.session.commit()
    headers = api_token(make_user("staff"))
    results = run_in_threads(
        app, 10, lambda client, n: client.post("/api/v1/checkins", json={"token": outcome.token}, headers=headers).get_json()["result"]
    )
    assert sorted(results) == ["already_checked_in"] * 9 + ["checked_in"]
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1


def test_parallel_retries_with_one_idempotency_key_register_once(app, soon):
    """Eight copies of one request at once (a client retrying a lost answer): one registration,
    and every answer names it. Looking the key up before taking the event's lock let two
    through to the INSERT, and the loser answered 500 on PostgreSQL."""
    event_id = soon.id
    answers = run_in_threads(app, 8, lambda client, n: client.post(
        f"/api/v1/events/{event_id}/registrations", json={"name": "张三", "phone": "13812345678", "party_size": 2},
        headers={"Idempotency-Key": "retry-key-0001"},
    ))
    assert sorted(answer.status_code for answer in answers) == [200] * 7 + [201]  # 200: the first one, again
    assert len({answer.get_json()["id"] for answer in answers}) == 1
    assert db.session.scalar(select(func.count(Registration.id))) == 1
    assert db.session.scalar(select(Registration.party_size)) == 2


def test_parallel_walkins_with_one_client_key_count_once(app, soon, staff):
    """A scanner re-sending its offline count from two tabs at once: counted once, no 500."""
    event_id = soon.id
    statuses = run_in_threads(app, 8, lambda client, n: client.post(
        f"/api/v1/events/{event_id}/walkins", json={"count": 3, "client_key": "door-1-count-7"}, headers=staff,
    ).status_code)
    assert statuses == [201] * 8
    assert db.session.scalar(select(func.count(WalkIn.id))) == 1
    assert db.session.scalar(select(func.sum(WalkIn.count))) == 3


def test_the_printed_ticket_number_checks_in_at_its_own_events_door_only(client, soon, make_event, make_user, api_token, staff):
    mine = services.register(soon, name="王小明", phone="13812345678", party_size=2).registration
    other_event = make_event(title="少儿故事大王", starts_at=soon.starts_at)
    theirs = services.register(other_event, name="赵六", phone="13812345679").registration
    db.session.commit()
    mine_id, theirs_id = mine.id, theirs.id
    # Without the event it stands for nothing; another event's number is the wrong event.
    response = client.post("/api/v1/checkins", json={"token": str(mine_id)}, headers=staff)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "invalid_ticket"
    response = client.post("/api/v1/checkins", json={"token": str(theirs_id), "event_id": soon.id}, headers=staff)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "wrong_event"
    outsider = api_token(make_user("volunteer"))  # no shift at this event
    response = client.post("/api/v1/checkins", json={"token": str(mine_id), "event_id": soon.id}, headers=outsider)
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0
    response = client.post("/api/v1/checkins", json={"token": str(mine_id), "event_id": soon.id}, headers=staff)
    body = response.get_json()
    assert response.status_code == 200 and body["result"] == "checked_in"
    assert body["registration"] == {"id": mine_id, "name": "王小明", "party_size": 2, "event_id": soon.id}
    assert set(body) == {"result", "checked_in_at", "checkin_id", "conflict", "headcount", "registration"}


def test_a_second_registration_with_the_same_phone_answers_200_with_the_first(client, soon):
    first = register(client, soon, name="王小明", phone="13812345678", party_size=3)
    again = register(client, soon, name="王小明", phone="１３８１２３４５６７８", party_size=3)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert db.session.scalar(select(func.count(Registration.id))) == 1
    assert services.attendance(soon).registered == 3


@pytest.mark.parametrize(
    ("phone", "status", "stored"),
    [
        ("１３９１２３４５６７８", 201, "13912345678"),
        ("+86 139-1234-5678", 201, "13912345678"),
        ("0731-23456789", 201, "073123456789"),
        ("+44 20 7946 0958", 201, "+442079460958"),
        ("1391234567", 422, None),  # 10 digits from 1
        ("12912345678", 422, None),
        ("10086", 422, None),
    ],
)
def test_phone_numbers_through_the_api(client, soon, phone, status, stored):
    response = register(client, soon, phone=phone)
    assert response.status_code == status
    if status == 422:
        assert set(response.get_json()["error"]["fields"]) == {"phone"}
    assert db.session.scalar(select(Registration.phone)) == stored


def test_the_openapi_description_tells_the_repeat(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/events/{event_id}/registrations"]["post"]
    assert "One active (confirmed or waitlisted) registration per phone number" in operation["description"]
    assert "this phone number" in operation["responses"]["200"]["description"]


def test_parallel_attempts_with_one_phone_take_one_place(app, make_event):
    event = make_event(starts_at=in_days(2), capacity=25, max_party_size=4)
    event_id = event.id
    phones = ["13812345678", "１３８１２３４５６７８", "+86 138 1234 5678"]
    answers = run_in_threads(
        app, 12, lambda client, n: (lambda r: (r.status_code, r.get_json()["id"]))(
            register(client, event_id, name="王小明", phone=phones[n % 3], party_size=2)
        ),
    )
    assert sorted(status for status, _ in answers) == [200] * 11 + [201]
    assert len({registration_id for _, registration_id in answers}) == 1
    assert db.session.scalar(select(func.count(Registration.id))) == 1
    assert services.seats_taken(event_id) == 2


def test_wrong_event_names_no_other_event(client, soon, make_event, staff):
    secret = make_event(title="馆长内部座谈", title_en="Director's private briefing", starts_at=soon.starts_at)
    ticket = register(client, secret).get_json()
    for lang in ("en", "zh_Hans"):
        response = client.post(f"/api/v1/checkins?lang={lang}", json={"token": ticket["ticket"]["token"], "event_id": soon.id},
                               headers=staff)
        assert response.status_code == 409
        error = response.get_json()["error"]
        assert error["code"] == "wrong_event"
        assert "馆长内部座谈" not in response.get_data(as_text=True) and "briefing" not in response.get_data(as_text=True)
    assert error["message"] == "此入场券属于另一个活动。"
