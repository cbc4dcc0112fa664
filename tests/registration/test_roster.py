"""The scanner's roster: the whole list, the changes since a cursor, and 304 to its ETag.

Every path that changes what a device holds (register, cancel, promote, move, check in,
undo, anonymise) must reach the changes: a test per path, on a clock the tests move."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from outreach import clock
from outreach.extensions import db
from outreach.registration import services
from outreach.registration.models import CheckIn, Registration
from outreach.reports import privacy
from tests.helpers import count_statements, new_phone

T0 = datetime.now(timezone.utc).replace(microsecond=0)


class Clock:
    def __init__(self):
        self.now = T0

    def tick(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def moment(monkeypatch):
    frozen = Clock()
    monkeypatch.setattr(clock, "now", lambda: frozen.now)
    return frozen


@pytest.fixture
def staff(make_user, api_token):
    return api_token(make_user("staff"))


@pytest.fixture
def door(make_event):
    """Starts an hour after T0, the door open from two hours before."""
    return make_event(starts_at=T0 + timedelta(hours=1), capacity=3, max_party_size=4, checkin_opens_minutes=120)


def register(client, event, **body) -> dict:
    payload = {"name": "张三", "phone": new_phone(), "party_size": 1, **body}
    response = client.post(f"/api/v1/events/{event.id}/registrations", json=payload)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def roster(client, event, headers, since=None, etag=None):
    query = {"since": since} if since is not None else {}
    if etag:
        headers = {**headers, "If-None-Match": etag}
    return client.get(f"/api/v1/events/{event.id}/roster", query_string=query, headers=headers)


def by_id(answer) -> dict:
    return {entry["id"]: entry for entry in answer.get_json()["entries"]}


def check_in(client, staff, ticket, event, **more):
    response = client.post("/api/v1/checkins", json={"token": ticket["ticket"]["token"], "event_id": event.id, **more},
                           headers=staff)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_plain_get_is_the_whole_roster_with_a_cursor_and_an_etag(client, door, staff, moment):
    first = register(client, door, name="王小明", party_size=2)
    gone = register(client, door)
    assert client.post(f"/api/v1/tickets/{gone['ticket']['token']}/cancel").status_code == 200
    answer = roster(client, door, staff)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["full"] is True and body["event_id"] == door.id
    assert body["entries"] == [{
        "id": first["id"], "digest": hashlib.sha256(first["ticket"]["token"].encode()).hexdigest(),
        "name": "王小明", "party_size": 2, "status": "confirmed", "checked_in_at": None,
    }]
    assert (body["entries_total"], body["entries_id_sum"]) == (1, first["id"])
    assert isinstance(body["next_since"], str) and body["generated_at"]
    assert answer.headers["ETag"].startswith('"') and answer.headers["Cache-Control"] == "no-store"


def test_since_sends_only_the_entries_changed_since(client, door, staff, moment):
    kept, cancelled, admitted = (register(client, door) for _ in range(3))
    moment.tick(minutes=10)
    cursor = roster(client, door, staff).get_json()["next_since"]
    moment.tick(minutes=1)
    new = register(client, door, name="李新")
    assert client.post(f"/api/v1/tickets/{cancelled['ticket']['token']}/cancel").status_code == 200
    check_in(client, staff, admitted, door)
    moment.tick(minutes=1)
    answer = roster(client, door, staff, since=cursor)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["full"] is False
    entries = by_id(answer)
    assert sorted(entries) == sorted([cancelled["id"], admitted["id"], new["id"]])  # not the unchanged one
    assert entries[cancelled["id"]]["status"] == "cancelled"
    assert entries[admitted["id"]]["checked_in_at"] is not None
    assert entries[new["id"]]["name"] == "李新" and entries[new["id"]]["status"] == "confirmed"
    assert (body["entries_total"], body["entries_id_sum"]) == (3, kept["id"] + admitted["id"] + new["id"])
    assert body["attendance"]["checked_in"] == 1
    # The changes of the two minutes before a cursor are sent again (merged twice, the same);
    # from a cursor taken after them, nothing more.
    moment.tick(minutes=5)
    again = roster(client, door, staff, since=body["next_since"]).get_json()
    assert again["entries"] == body["entries"]
    later = roster(client, door, staff, since=again["next_since"]).get_json()
    assert later["entries"] == [] and later["full"] is False


def test_a_change_stamped_just_before_the_cursor_is_still_sent(client, door, staff, moment):
    """The race: a change flushed (stamped) before a roster answer but committed after it."""
    moment.tick(minutes=10)
    cursor = roster(client, door, staff).get_json()["next_since"]
    moment.tick(seconds=-30)  # the slow request's stamp
    late = register(client, door)
    moment.tick(minutes=1)
    assert list(by_id(roster(client, door, staff, since=cursor))) == [late["id"]]


def test_an_offline_check_in_sent_later_is_sent_with_its_own_time(client, door, staff, moment):
    ticket = register(client, door)
    moment.tick(minutes=10)
    cursor = roster(client, door, staff).get_json()["next_since"]
    moment.tick(minutes=20)
    scanned = T0 + timedelta(minutes=5)  # admitted offline before the cursor, synced after it
    check_in(client, staff, ticket, door, scanned_at=scanned.isoformat(), client_key="k" * 20, device_id="d1")
    entry = by_id(roster(client, door, staff, since=cursor))[ticket["id"]]
    assert datetime.fromisoformat(entry["checked_in_at"]) == scanned


def test_undoing_a_check_in_is_a_change(client, door, staff, moment):
    ticket = register(client, door)
    checkin_id = check_in(client, staff, ticket, door)["checkin_id"]
    moment.tick(minutes=10)
    answer = roster(client, door, staff)
    assert by_id(answer)[ticket["id"]]["checked_in_at"] is not None
    moment.tick(minutes=1)
    assert client.delete(f"/api/v1/checkins/{checkin_id}", headers=staff).status_code == 200
    entries = by_id(roster(client, door, staff, since=answer.get_json()["next_since"]))
    assert entries[ticket["id"]]["checked_in_at"] is None


def test_a_cancellation_promotes_the_waiting_list_and_both_are_sent(client, door, staff, moment):
    big = register(client, door, party_size=3)
    waiting = register(client, door, party_size=2)
    assert waiting["status"] == "waitlisted"
    moment.tick(minutes=10)
    cursor = roster(client, door, staff).get_json()["next_since"]
    moment.tick(minutes=1)
    assert client.post(f"/api/v1/tickets/{big['ticket']['token']}/cancel").status_code == 200
    entries = by_id(roster(client, door, staff, since=cursor))
    assert {n: e["status"] for n, e in entries.items()} == {big["id"]: "cancelled", waiting["id"]: "confirmed"}


def test_promoting_by_hand_is_a_change(client, door, staff, moment, make_user):
    register(client, door, party_size=3)
    waiting = register(client, door, party_size=1)
    assert waiting["status"] == "waitlisted"
    moment.tick(minutes=10)
    cursor = roster(client, door, staff).get_json()["next_since"]
    moment.tick(minutes=1)
    services.promote_by_hand(db.session.get(Registration, waiting["id"]), actor=make_user("staff"))
    db.session.commit()
    assert {n: e["status"] for n, e in by_id(roster(client, door, staff, since=cursor)).items()} == {waiting["id"]: "confirmed"}


def test_a_move_reaches_both_events(client, door, staff, moment, make_event, make_user):
    other = make_event(starts_at=T0 + timedelta(hours=1, minutes=30), capacity=10, checkin_opens_minutes=120)
    stays, moves = register(client, door), register(client, door)
    moment.tick(minutes=10)
    old_cursor = roster(client, door, staff).get_json()["next_since"]
    new_cursor = roster(client, other, staff).get_json()["next_since"]
    moment.tick(minutes=1)
    services.move(db.session.get(Registration, moves["id"]), other, actor=make_user("staff"))
    db.session.commit()
    arrived = roster(client, other, staff, since=new_cursor).get_json()
    assert [e["id"] for e in arrived["entries"]] == [moves["id"]]
    # The old event has no row of it any more: its totals tell the device its list is off.
    left = roster(client, door, staff, since=old_cursor).get_json()
    assert (left["entries_total"], left["entries_id_sum"]) == (1, stays["id"])


def test_anonymising_is_a_change(client, make_event, moment):
    past = make_event(starts_at=T0 - timedelta(days=800))
    registration = services.register(past, name="张三", phone=new_phone(), now=past.starts_at - timedelta(days=1))
    db.session.commit()
    stamp = db.session.get(Registration, registration.registration.id).changed_at
    assert stamp == T0  # stamped by the clock, whatever ``now`` the service was given
    moment.tick(minutes=3)
    assert privacy.anonymise(date.today()) == 1
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Registration, registration.registration.id).changed_at == moment.now


def test_a_check_in_stamps_when_it_was_stored(client, door, staff, moment):
    ticket = register(client, door)
    moment.tick(minutes=7)
    check_in(client, staff, ticket, door)
    assert db.session.scalar(select(CheckIn.recorded_at)) == moment.now


def test_if_none_match_answers_304_until_something_changes(client, door, staff, moment):
    ticket = register(client, door)
    moment.tick(minutes=10)
    full = roster(client, door, staff)
    etag = full.headers["ETag"]
    moment.tick(minutes=1)
    again = roster(client, door, staff, etag=etag)
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    # The changes since a cursor: 304 too while there are none, then 200 with them.
    cursor = full.get_json()["next_since"]
    delta = roster(client, door, staff, since=cursor)
    assert delta.status_code == 200 and delta.get_json()["entries"] == []
    assert roster(client, door, staff, since=cursor, etag=delta.headers["ETag"]).status_code == 304
    check_in(client, staff, ticket, door)
    changed = roster(client, door, staff, since=cursor, etag=delta.headers["ETag"])
    assert changed.status_code == 200 and list(by_id(changed)) == [ticket["id"]]
    assert roster(client, door, staff, etag=etag).status_code == 200


@pytest.mark.parametrize("since", ["", "nonsense", "WzEsIjIwMjYtMDEtMDEiLDFd.forged"])
def test_a_cursor_the_roster_never_gave_is_422(client, door, staff, moment, since):
    answer = roster(client, door, staff, since=since)
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == {"since"}


def test_a_tampered_cursor_is_422(client, door, staff, moment):
    cursor = roster(client, door, staff).get_json()["next_since"]
    payload, signature = cursor.split(".", 1)
    assert roster(client, door, staff, since=payload + "x." + signature).status_code == 422


def test_another_events_or_an_old_cursor_gets_the_whole_roster(client, door, staff, moment, make_event):
    other = make_event(starts_at=T0 + timedelta(hours=1), checkin_opens_minutes=120)
    register(client, door)
    foreign = roster(client, other, staff).get_json()["next_since"]
    answer = roster(client, door, staff, since=foreign).get_json()
    assert answer["full"] is True and len(answer["entries"]) == 1
    cursor = roster(client, door, staff).get_json()["next_since"]
    moment.tick(hours=7)  # a device that slept (the event's single day still)
    old = roster(client, door, staff, since=cursor).get_json()
    assert old["full"] is True and len(old["entries"]) == 1


def test_the_roster_is_a_volunteers_or_staffs_only(client, door, make_user, api_token, moment):
    assert client.get(f"/api/v1/events/{door.id}/roster?since=x").status_code == 401
    assert client.get(f"/api/v1/events/{door.id}/roster?since=x", headers=api_token(make_user("volunteer"))).status_code == 403


@pytest.mark.parametrize("since", [False, True])
def test_the_roster_costs_the_same_statements_for_5_and_50_tickets(client, make_event, staff, moment, since):
    counts = []
    for n in (5, 50):
        event = make_event(starts_at=T0 + timedelta(hours=1), capacity=None, checkin_opens_minutes=120)
        for i in range(n):
            outcome = services.register(event, name=f"读者{i}", phone=new_phone())
            if i % 2:
                services.check_in(outcome.registration, event=event)
        db.session.commit()
        cursor = roster(client, event, staff).get_json()["next_since"] if since else None
        with count_statements() as counted:
            answer = roster(client, event, staff, since=cursor)
        assert answer.status_code == 200 and len(answer.get_json()["entries"]) == n
        counts.append(counted.n)
    assert counts[0] == counts[1]


def test_any_change_to_a_registration_row_stamps_it(client, door, staff, moment):
    """A name or party size changed by any future path (no edit form exists yet) reaches the
    scanners too: ``changed_at`` is set on every flush of a changed row."""
    ticket = register(client, door, name="王一", party_size=1)
    moment.tick(minutes=10)
    cursor = roster(client, door, staff).get_json()["next_since"]
    moment.tick(minutes=1)
    registration = db.session.get(Registration, ticket["id"])
    registration.name, registration.party_size = "王一一", 2
    db.session.commit()
    assert registration.changed_at == moment.now
    (entry,) = roster(client, door, staff, since=cursor).get_json()["entries"]
    assert (entry["name"], entry["party_size"]) == ("王一一", 2)
