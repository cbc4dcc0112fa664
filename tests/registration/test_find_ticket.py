"""Finding a lost ticket by phone number (issue 11 point 6): the same answer whether or not
the number registered; links by e-mail, or shown after the registered name matches; a
throttle per number; no phone number or name in a URL or a log. And the confirmation pages
and messages that tell patrons to keep their ticket."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select

from outreach.extensions import db
from outreach.phone import phone_digest
from outreach.platform import mail
from outreach.registration import services
from outreach.registration.models import Registration
from tests.helpers import IsolatedClient, assert_valid_html, csrf_token_from, in_days, new_phone

PHONE, NAME = "13812345678", "王小明"
UNKNOWN = "13987654321"


@pytest.fixture
def lecture(make_event):
    return make_event(title="星海讲坛 第15期", title_en="Xinghai Forum No. 15", starts_at=in_days(5), capacity=10)


@pytest.fixture
def sent(app):
    outbox = app.extensions.setdefault("outreach_sent_mail", [])
    outbox.clear()
    return outbox


@pytest.fixture
def smtp(app, monkeypatch):
    """A mail server that takes every message (what it took is listed)."""
    delivered = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, email):
            delivered.append(email["To"])

        def quit(self):  # the connection is closed after its batch
            pass

    monkeypatch.setitem(app.config, "SMTP_HOST", "smtp.example.org")
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    return delivered


def register(event, *, phone=PHONE, name=NAME, email=None, party_size=1):
    outcome = services.register(event, name=name, phone=phone, email=email, party_size=party_size)
    db.session.commit()
    return outcome


def find(client, phone, name="", event="", lang="en"):
    token = csrf_token_from(client, "/tickets/find")
    return client.post(f"/tickets/find?lang={lang}", data={
        "csrf_token": token, "phone": phone, "name": name, "event": str(event),
    })


def answer(response) -> str:
    """The answer's section, as text without markup and spacing."""
    html = response.get_data(as_text=True)
    match = re.search(r'<section class="lookup-answer".*?</section>', html, re.S)
    assert match, "no answer on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def ticket_links(response) -> list[str]:
    return re.findall(r'href="(/t/[^"]+)"', response.get_data(as_text=True))


# --- the page -------------------------------------------------------------------------------


def test_the_page_asks_for_the_phone_by_post_and_offers_the_event(client, lecture):
    response = client.get(f"/tickets/find?event={lecture.id}&lang=en")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    document = assert_valid_html(response)
    form = document.find(".//main//form")
    assert form.get("method") == "post" and "?" not in form.get("action")
    assert document.find(".//input[@name='phone']").get("type") == "tel"
    assert document.find(".//input[@name='name']") is not None
    chosen = document.find(".//select[@name='event']/option[@selected]")
    assert chosen.get("value") == str(lecture.id) and "Xinghai Forum No. 15" in chosen.text
    assert document.find(".//select[@name='event']/option").text == "All my upcoming events"


def test_the_event_page_and_the_programme_link_to_it(client, lecture):
    assert f'href="/tickets/find?event={lecture.id}"' in client.get(f"/events/{lecture.id}?lang=en").get_data(as_text=True)
    programme = client.get("/?lang=en").get_data(as_text=True)
    assert 'href="/tickets/find"' in programme and "Find my ticket" in programme


def test_the_right_name_shows_a_ticket_given_without_an_e_mail(client, lecture):
    outcome = register(lecture)
    response = find(client, "+86 138-1234-5678", name="王 小明")  # as people type them
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert_valid_html(response)
    assert ticket_links(response) == [f"/t/{outcome.token}"]
    assert "We found 1 ticket for this phone number and name." in answer(response)
    assert "Open your ticket, then save the page or take a screenshot of it." in answer(response)


def test_a_wrong_name_answers_exactly_as_an_unknown_number(client, lecture):
    register(lecture)
    known_wrong_name = find(client, PHONE, name="李四")
    known_no_name = find(client, PHONE)
    unknown = find(client, UNKNOWN, name=NAME)
    assert known_wrong_name.status_code == known_no_name.status_code == unknown.status_code == 200
    assert answer(known_wrong_name) == answer(known_no_name) == answer(unknown)
    assert ticket_links(known_wrong_name) == ticket_links(unknown) == []
    assert "No ticket is shown for this phone number and name." in answer(unknown)
    assert_valid_html(unknown)


def test_with_a_mail_server_the_link_goes_to_the_e_mail_and_the_answer_is_the_same(client, lecture, sent, smtp):
    outcome = register(lecture, email="wang@example.org")
    sent.clear()
    smtp.clear()
    known = find(client, PHONE)
    assert smtp == ["wang@example.org"]
    assert [m.to for m in sent] == ["wang@example.org"]
    assert f"/t/{outcome.token}" in sent[0].body and "Xinghai Forum No. 15" in sent[0].body
    assert PHONE not in sent[0].subject and NAME not in sent[0].subject
    known_right_name = find(client, PHONE, name=NAME)  # the e-mail takes it: not shown here
    unknown = find(client, UNKNOWN, name=NAME)
    assert len(sent) == 2
    assert known.status_code == known_right_name.status_code == unknown.status_code == 200
    assert answer(known) == answer(known_right_name) == answer(unknown)
    assert ticket_links(known) == ticket_links(known_right_name) == []
    assert "we have sent the ticket link to that address" in answer(unknown)


def test_a_mail_server_refusing_the_message_answers_the_same_too(client, app, lecture, sent, monkeypatch):
    register(lecture, email="wang@example.org")

    class Refusing:
        def __init__(self, *args, **kwargs):
            raise OSError("down")

    monkeypatch.setitem(app.config, "SMTP_HOST", "smtp.example.org")
    monkeypatch.setattr(mail.smtplib, "SMTP", Refusing)
    known, unknown = find(client, PHONE), find(client, UNKNOWN)
    assert known.status_code == unknown.status_code == 200 and answer(known) == answer(unknown)


def test_without_a_mail_server_the_page_never_says_it_sent_and_the_name_shows_the_ticket(client, lecture, sent):
    outcome = register(lecture, email="wang@example.org")
    sent.clear()
    known = find(client, PHONE, name="李四")
    unknown = find(client, UNKNOWN)
    assert sent == []  # nothing queued: no server would send it
    assert answer(known) == answer(unknown)
    assert "sent" not in answer(known)
    right = find(client, PHONE, name=NAME)
    assert ticket_links(right) == [f"/t/{outcome.token}"]


def test_one_event_or_every_upcoming_one(client, lecture, make_event):
    other = make_event(title="少儿绘本", title_en="Picture books", starts_at=in_days(9), capacity=10)
    ended = make_event(title="旧讲座", starts_at=in_days(-3), capacity=10)
    first, second = register(lecture), register(other)
    db.session.add(Registration(
        event_id=ended.id, ticket_digest="x" * 64, ticket_seed="s" * 32, status="confirmed", name=NAME,
        phone=PHONE, phone_digest=phone_digest(PHONE),
    ))
    cancelled = register(make_event(starts_at=in_days(4), capacity=10))
    services.cancel(cancelled.registration)
    erased = register(make_event(starts_at=in_days(6), capacity=10))
    erased.registration.anonymised_at = erased.registration.created_at
    db.session.commit()
    assert ticket_links(find(client, PHONE, name=NAME)) == [f"/t/{first.token}", f"/t/{second.token}"]
    assert ticket_links(find(client, PHONE, name=NAME, event=other.id)) == [f"/t/{second.token}"]


def test_a_waiting_list_place_is_found_and_said_to_be_one(client, make_event):
    full = make_event(starts_at=in_days(5), capacity=1)
    register(full, phone=new_phone(), name="甲")
    waiting = register(full)
    assert waiting.registration.status == "waitlisted"
    response = find(client, PHONE, name=NAME)
    assert ticket_links(response) == [f"/t/{waiting.token}"]
    assert "On the waiting list" in answer(response)


def test_bad_input_is_answered_beside_the_field(client, lecture):
    response = find(client, "12")
    assert response.status_code == 422
    assert 'id="phone-error"' in response.get_data(as_text=True)
    assert find(client, "").status_code == 422
    token = csrf_token_from(client, "/tickets/find")
    forged = client.post("/tickets/find", data={"csrf_token": token, "phone": PHONE, "event": "999999"})
    assert forged.status_code == 422


def test_the_form_needs_its_csrf_token(client, lecture):
    assert client.post("/tickets/find", data={"phone": PHONE, "event": ""}).status_code == 400


def test_a_found_ticket_is_remembered_for_self_check_in(client, lecture):
    outcome = register(lecture)
    find(client, PHONE, name=NAME)
    with client.session_transaction() as session:
        assert session["my_tickets"] == [outcome.token]


# --- throttling ------------------------------------------------------------------------------


@pytest.fixture
def limited(app, make_app):
    """An app with the limits on (made after the `app` fixture: the limiter is one, the last app sets it)."""
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_TICKET_LOOKUP="3 per hour", RATELIMIT_PUBLIC_WRITE="100 per minute")
    app.test_client_class = IsolatedClient
    return app


def test_one_number_cannot_be_probed_again_and_again(limited, lecture):
    register(lecture)
    client = limited.test_client()
    statuses = [find(client, PHONE, name=f"猜{n}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    html = find(client, PHONE, name=NAME).get_data(as_text=True)
    assert "This phone number has been looked up too often." in html and "/t/" not in html
    # An unknown number is throttled alike (the throttle tells nothing); another number is not.
    assert [find(client, UNKNOWN).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert find(client, "13700000001").status_code == 200


def test_the_throttle_counts_the_number_from_any_address(limited, lecture):
    register(lecture)
    clients = [limited.test_client() for _ in range(4)]
    statuses = [
        find(c, PHONE).status_code if n % 2 else c.post("/api/v1/tickets/lookup", json={"phone": PHONE}).status_code
        for n, c in enumerate(clients)
    ]
    assert statuses == [200, 200, 200, 429]


def test_the_page_is_rate_limited_per_address(make_app, lecture):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC_WRITE="2 per minute")
    app.test_client_class = IsolatedClient
    client = app.test_client()
    assert [find(client, f"1370000000{n}").status_code for n in range(3)] == [200, 200, 429]


# --- nothing personal in a URL or a log --------------------------------------------------------


def test_no_phone_number_or_name_in_a_url_or_a_log(limited, lecture, caplog, smtp):
    caplog.set_level(logging.DEBUG)
    register(lecture, email="wang@example.org")
    register(lecture, phone="13700000077", name="赵六")
    client = limited.test_client()
    responses = [find(client, PHONE, name=NAME), find(client, "13700000077", name="赵六")]
    responses += [find(client, PHONE) for _ in range(3)]  # the last is throttled
    assert responses[-1].status_code == 429
    for response in responses:
        assert "Location" not in response.headers
    for link in ticket_links(responses[1]):
        assert "13700000077" not in link and "赵六" not in link
    assert "mail to w***@example.org sent" in caplog.text  # the mail was logged, masked
    for secret in (PHONE, "13700000077", NAME, "赵六", "wang@example.org", "/t/"):
        assert secret not in caplog.text


# --- the JSON API ---------------------------------------------------------------------------


def test_api_answers_the_same_shape_either_way(client, lecture):
    outcome = register(lecture)
    known = client.post("/api/v1/tickets/lookup?lang=en", json={"phone": PHONE, "name": "李四"})
    unknown = client.post("/api/v1/tickets/lookup?lang=en", json={"phone": UNKNOWN, "name": NAME})
    assert known.status_code == unknown.status_code == 200
    assert known.get_json() == unknown.get_json() == {
        "mail_configured": False,
        "message": "A ticket is listed only when the phone number and the name both match the registration.",
        "tickets": [],
    }
    right = client.post("/api/v1/tickets/lookup", json={"phone": PHONE, "name": NAME, "event_id": lecture.id}).get_json()
    assert [t["ticket"]["token"] for t in right["tickets"]] == [outcome.token]
    assert right["tickets"][0]["status"] == "confirmed" and right["tickets"][0]["event"]["id"] == lecture.id
    assert right["tickets"][0]["ticket"]["url"].endswith(f"/t/{outcome.token}")


def test_api_mails_the_link_and_says_so_for_every_number(client, lecture, sent, smtp):
    outcome = register(lecture, email="wang@example.org")
    sent.clear()
    known = client.post("/api/v1/tickets/lookup", json={"phone": PHONE, "name": NAME}).get_json()
    unknown = client.post("/api/v1/tickets/lookup", json={"phone": UNKNOWN}).get_json()
    assert known == unknown and known["mail_configured"] is True and known["tickets"] == []
    assert [m.to for m in sent] == ["wang@example.org"] and f"/t/{outcome.token}" in sent[0].body


def test_api_refuses_bad_input_with_a_structured_error(client, lecture):
    bad = client.post("/api/v1/tickets/lookup", json={"phone": "12"})
    assert bad.status_code == 422 and "phone" in bad.get_json()["error"]["fields"]
    assert client.post("/api/v1/tickets/lookup", json={}).status_code == 422
    assert client.post("/api/v1/tickets/lookup", json={"phone": PHONE, "event_id": 999999}).status_code == 404
    assert client.post("/api/v1/tickets/lookup", data="phone=1").status_code == 415


def test_api_throttle_is_a_structured_429(limited, lecture):
    client = limited.test_client()
    statuses = [client.post("/api/v1/tickets/lookup", json={"phone": UNKNOWN}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    error = client.post("/api/v1/tickets/lookup", json={"phone": UNKNOWN}).get_json()["error"]
    assert error["code"] == "lookup_throttled"


def test_api_lookup_is_described_in_openapi(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/tickets/lookup"]["post"]
    assert set(operation["responses"]) == {"200", "400", "404", "413", "415", "422", "429", "503"}
    assert "TicketLookup" in document["components"]["schemas"]


# --- keeping the ticket ------------------------------------------------------------------------


def _register_by_form(client, event, phone):
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    fields = dict(re.findall(r'name="(csrf_token|client_key)" type="hidden" value="([^"]*)"', html))
    return client.post(f"/events/{event.id}/register?lang=en", data={
        "name": NAME, "phone": phone, "party_size": "1", "consent": "y", **fields,
    })


def test_the_ticket_page_says_to_save_it_and_how_to_find_it_again(client, make_event):
    event = make_event(starts_at=in_days(5), capacity=1)
    confirmed = _register_by_form(client, event, new_phone())
    page = client.get(confirmed.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "You are registered. Show this ticket at the door." in page
    assert "Keep your ticket" in page
    assert "Save this page (add a bookmark) or take a screenshot of the code: you show it at the door, and a screenshot works without internet." in page
    assert "Lost it? Find it again with the phone number you registered with:" in page
    assert f'href="/tickets/find?event={event.id}"' in page
    waiting = _register_by_form(client, event, new_phone())
    page = client.get(waiting.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "you are on the waiting list" in page
    assert "Save this page (add a bookmark) or take a screenshot of it: when you get a place, this same code admits your party." in page
    assert f'href="/tickets/find?event={event.id}"' in page


def test_a_cancelled_ticket_does_not_say_to_keep_it(client, lecture):
    outcome = register(lecture)
    services.cancel(outcome.registration)
    db.session.commit()
    page = client.get(f"/t/{outcome.token}?lang=en").get_data(as_text=True)
    assert "Keep your ticket" not in page


def test_the_ticket_page_in_chinese_says_it_too(client, lecture):
    outcome = register(lecture)
    page = client.get(f"/t/{outcome.token}?lang=zh_Hans").get_data(as_text=True)
    assert "截图" in page and "找回入场券" in page


def test_the_waiting_list_message_does_not_call_it_a_ticket(app, make_event, sent):
    full = make_event(title="星海讲坛", starts_at=in_days(5), capacity=1)
    register(full, phone=new_phone(), name="甲", email="a@example.org")
    waiting = register(full, email="wang@example.org")
    message = sent[-1]
    assert message.to == "wang@example.org"
    assert "候补" in message.subject
    assert f"/t/{waiting.token}" in message.body
    assert "您的入场券：" not in message.body and "还不是入场券" in message.body
    confirmed = next(m for m in sent if m.to == "a@example.org")
    assert "您的入场券：" in confirmed.body


def test_the_lookup_service_leaves_the_database_as_it_was(app, lecture):
    register(lecture)
    before = db.session.execute(select(Registration.id, Registration.status)).all()
    services.lookup_tickets(PHONE, "李四", mail_available=False)
    assert db.session.execute(select(Registration.id, Registration.status)).all() == before
