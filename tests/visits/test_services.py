"""The rules of visit requests: accepted into a visit event with its room booked and one ticket for
the group; a clash refused with nothing made; proposals accepted or declined by the requester; a
decline needs a reason; each step one message to the requester and one audit entry."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import func, select

from outreach.errors import OutreachError, ValidationError
from outreach.events.models import Event
from outreach.extensions import db
from outreach.platform.models import AuditEntry, OutboxMessage
from outreach.registration import services as registration
from outreach.registration.models import Registration
from outreach.reports import privacy
from outreach.visits import services
from outreach.visits.models import VisitRequest
from outreach.demo import loader
from outreach.volunteers.models import Shift
from tests.helpers import local
from tests.platform.aliyun import FakeAliyun, sms_config


def slot(room, **overrides) -> services.Slot:
    values = {"day": date(2027, 3, 10), "starts": time(9, 30), "ends": time(11, 0), "venue": room, "title": None,
              "guides": None}
    values.update(overrides)
    return services.Slot(**values)


def messages() -> list[tuple[str, str]]:
    return list(db.session.execute(select(OutboxMessage.kind, OutboxMessage.recipient).order_by(OutboxMessage.id)))


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("visit.%"))
                                   .order_by(AuditEntry.id)))


def test_a_request_is_kept_with_its_link_and_a_receipt(make_request):
    visit, token = make_request()
    assert (visit.status, visit.party_size, visit.preferred) == (
        "new", 45, [{"date": "2027-03-10", "part": "morning", "from": None, "to": None}])
    assert services.find_by_token(token) is visit
    assert messages() == [("visit.received", "teacher@example.org")]
    assert actions() == ["visit.request"]


def test_accepted_into_a_visit_event_with_the_room_booked_and_one_ticket(make_request, room, staff):
    visit, _token = make_request()
    event = services.accept(visit, slot(room, guides=2), actor=staff)
    db.session.commit()
    assert (event.type, event.status, event.venue_id, event.title) == ("visit", "published", room.id, "古籍修复 · 南门中学")
    assert (event.starts_at, event.ends_at) == (local(2027, 3, 10, 9, 30), local(2027, 3, 10, 11, 0))
    tickets = db.session.scalars(select(Registration).where(Registration.event_id == event.id)).all()
    assert [(t.name, t.phone, t.party_size, t.status, t.email) for t in tickets] == [
        ("李老师", "13712345678", 45, "confirmed", "teacher@example.org")]
    # a group's ticket: the door admits it with the number who came
    assert (tickets[0].group_kind, tickets[0].group_organisation, tickets[0].group_children + tickets[0].group_adults,
            tickets[0].group_arrival) == ("school_class", "南门中学", 45, time(9, 30))
    assert (visit.status, visit.event_id, visit.registration_id) == ("accepted", event.id, tickets[0].id)
    # closed to the public: nobody else may register
    assert registration.registration_state(event, datetime(2027, 3, 2, tzinfo=timezone.utc)) == "closed"
    with pytest.raises(OutreachError) as refused:
        registration.register(event, name="路人", phone="13812345678")
    assert refused.value.code == "registration_closed"
    # the guides' shift
    shifts = db.session.scalars(select(Shift).where(Shift.event_id == event.id)).all()
    assert [(s.slots, s.starts_at, s.ends_at) for s in shifts] == [(2, event.starts_at, event.ends_at)]
    # one message to the requester (the ticket's link in it), one audit entry for the step
    assert messages()[1:] == [("visit.accepted", "teacher@example.org")]
    body = db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.kind == "visit.accepted")).one()
    assert registration.ticket_token(tickets[0]) in body
    assert "visit.accept" in actions()


@pytest.mark.parametrize("email", ["teacher@example.org", None])
def test_with_texts_on_the_requester_hears_of_the_ticket_once(make_request, room, staff, app, monkeypatch, email):
    """With an e-mail address, the visit's message carries the ticket and no text goes beside
    it; without one, the ticket's text is the one message (the visit's mails need an address)."""
    for name, value in sms_config(FakeAliyun()).items():  # no server: nothing is delivered here
        monkeypatch.setitem(app.config, name, value)
    visit, _token = make_request(email=email)
    services.accept(visit, slot(room), actor=staff)
    db.session.commit()
    sent = list(db.session.execute(select(OutboxMessage.kind, OutboxMessage.channel, OutboxMessage.recipient)
                                   .order_by(OutboxMessage.id)))
    if email:
        assert sent == [("visit.received", "email", email), ("visit.accepted", "email", email)]
    else:
        assert sent == [("registration.confirmed", "sms", "13712345678")]


def test_a_room_clash_is_refused_and_nothing_is_made(make_request, make_event, room, staff):
    taken = make_event(venue=room, starts_at=local(2027, 3, 10, 9, 0), ends_at=local(2027, 3, 10, 10, 0), title="故事会")
    visit, _token = make_request()
    before = messages()
    with pytest.raises(OutreachError) as refused:
        services.accept(visit, slot(room), actor=staff)
    db.session.rollback()
    assert refused.value.code == "room_booked"
    assert set(refused.value.fields) == {"venue_id", "starts"}
    assert "故事会" in str(refused.value.fields["venue_id"])
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Event).where(Event.id != taken.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
    assert db.session.get(VisitRequest, visit.id).status == "new"
    assert messages() == before
    assert actions() == ["visit.request"]


def test_propose_then_the_requester_accepts_and_the_event_is_made(make_request, room, staff):
    visit, _token = make_request(locale="en")
    services.propose(visit, slot(room, day=date(2027, 3, 17), guides=1), "周三上午人少", actor=staff)
    db.session.commit()
    assert (visit.status, visit.proposed_starts_at, visit.proposed_venue_id) == (
        "proposed", local(2027, 3, 17, 9, 30), room.id)
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0
    proposal = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "visit.proposed")).one()
    assert proposal.subject == "We propose another date for your visit" and "周三上午人少" in proposal.body
    services.respond(visit, True)
    db.session.commit()
    event = visit.event
    assert (visit.status, event.type, event.starts_at, event.venue_id) == (
        "accepted", "visit", local(2027, 3, 17, 9, 30), room.id)
    assert visit.registration.party_size == 45
    assert [k for k, _r in messages()] == ["visit.received", "visit.proposed", "visit.accepted"]
    assert actions() == ["visit.request", "visit.propose", "visit.proposal_accept"]


def test_a_clash_since_the_proposal_is_refused_when_the_requester_accepts(make_request, make_event, room, staff):
    visit, _token = make_request()
    services.propose(visit, slot(room, day=date(2027, 3, 17)), None, actor=staff)
    db.session.commit()
    make_event(venue=room, starts_at=local(2027, 3, 17, 10, 0), ends_at=local(2027, 3, 17, 12, 0))
    with pytest.raises(OutreachError) as refused:
        services.respond(visit, True)
    db.session.rollback()
    assert refused.value.code == "room_booked"
    assert db.session.get(VisitRequest, visit.id).status == "proposed"


def test_the_requester_declines_the_proposal(make_request, room, staff):
    visit, _token = make_request()
    services.propose(visit, slot(room, day=date(2027, 3, 17)), None, actor=staff)
    services.respond(visit, False)
    db.session.commit()
    assert visit.status == "withdrawn" and visit.event_id is None
    assert [k for k, _r in messages()] == ["visit.received", "visit.proposed", "visit.withdrawn"]
    assert actions() == ["visit.request", "visit.propose", "visit.proposal_decline"]
    with pytest.raises(OutreachError) as again:
        services.respond(visit, True)
    assert again.value.code == "visit_answered"


def test_a_decline_needs_a_reason_and_is_mailed(make_request, staff):
    visit, _token = make_request()
    with pytest.raises(ValidationError) as refused:
        services.decline(visit, "  ", actor=staff)
    assert set(refused.value.fields) == {"reason"}
    db.session.rollback()
    services.decline(visit, "三月的周三都已约满", actor=staff)
    db.session.commit()
    assert (visit.status, visit.decline_reason) == ("declined", "三月的周三都已约满")
    declined = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "visit.declined")).one()
    assert declined.subject == "关于您的参观预约" and "三月的周三都已约满" in declined.body
    assert actions() == ["visit.request", "visit.decline"]
    with pytest.raises(OutreachError):
        services.accept(visit, slot(None), actor=staff)


def test_a_forged_or_changed_token_finds_nothing(make_request):
    _visit, token = make_request()
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert services.find_by_token(changed) is None
    assert services.find_by_token("x" * 22 + "." + "y" * 16) is None
    assert services.find_by_token("") is None


def test_the_request_rules(app):
    _clean, errors = services.check_request({
        "organisation": "", "kind": "zoo", "contact_name": "", "phone": "12", "email": "nope",
        "preferred": [{"date": date(2027, 2, 1), "part": "times", "from": time(10, 0), "to": time(9, 0)}],
        "children": 0, "adults": 0, "wish": "topic", "topic": "", "consent": False,
    }, date(2027, 3, 1))
    assert set(errors) == {"organisation", "kind", "contact_name", "phone", "email", "preferred.0.date",
                           "preferred.0.to", "children", "topic", "consent"}


def test_a_visit_in_the_past_is_refused_beside_the_date(make_request, room, staff):
    visit, _token = make_request()
    with pytest.raises(ValidationError) as refused:
        services.accept(visit, slot(room, day=date(2027, 2, 20)), actor=staff)
    assert set(refused.value.fields) == {"day"}


def test_the_staff_answer_starts_from_the_first_choice(make_request):
    visit, _token = make_request(preferred=[{"date": date(2027, 3, 11), "part": "times", "from": time(14, 0),
                                             "to": time(15, 30)}])
    assert services.first_choice(visit) == {"day": date(2027, 3, 11), "starts": time(14, 0), "ends": time(15, 30)}
    morning, _token = make_request()
    assert services.first_choice(morning) == {"day": date(2027, 3, 10), "starts": time(9, 30), "ends": time(11, 0)}


def test_old_requests_lose_their_contact_details_with_the_registrations(make_request, room, staff):
    visit, _token = make_request()
    services.accept(visit, slot(room), actor=staff)
    waiting, _token = make_request(organisation="幸福幼儿园")
    db.session.commit()
    assert privacy.anonymise(date(2027, 3, 11), now=datetime(2027, 3, 12, tzinfo=timezone.utc)) == 1
    db.session.commit()
    rows = db.session.execute(select(VisitRequest.organisation, VisitRequest.contact_name, VisitRequest.phone,
                                     VisitRequest.email, VisitRequest.needs, VisitRequest.adults)
                              .order_by(VisitRequest.id)).all()
    assert rows == [("南门中学", "—", "—", None, None, 3), ("幸福幼儿园", "—", "—", None, None, 3)]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.anonymise")).one()
    assert entry.data["visit_requests"] == 2


def test_the_demo_has_a_booked_visit_a_proposal_and_a_new_request(app):
    loader.load(today=date(2026, 12, 4))
    db.session.commit()
    found = {v.organisation: v for v in db.session.scalars(select(VisitRequest))}
    assert {v.status for v in found.values()} == {"accepted", "proposed", "new"}
    booked = found["南门中学 八年级三班"]
    assert (booked.event.type, booked.registration.group_kind, booked.registration.party_size) == ("visit", "school_class", 48)
    assert found["实验幼儿园 大班"].proposed_starts_at is not None
