"""The pages: registering on the event page, the ticket, cancelling, self check-in, staff pages."""

from __future__ import annotations

import re
import time as time_module
from datetime import datetime, timedelta, timezone

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.platform.models import ExportJob
from outreach.registration import services
from outreach.registration.models import CheckIn, Registration, WalkIn
from tests.helpers import IsolatedClient, assert_valid_html, csrf_token_from, field_error, in_days, new_phone


def form_fields(client, path) -> dict:
    html = client.get(path).get_data(as_text=True)
    fields = dict(re.findall(r'<input[^>]*name="(csrf_token|client_key)"[^>]*value="([^"]*)"', html))
    if "csrf_token" not in fields:
        fields.update(dict((k, v) for v, k in re.findall(r'<input[^>]*value="([^"]*)"[^>]*name="(csrf_token|client_key)"', html)))
    return fields


@pytest.fixture
def soon(make_event):
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=30)
    return make_event(title="星海讲坛 第15期", title_en="Xinghai Forum No. 15", starts_at=start, capacity=4, max_party_size=4)


def post_registration(client, event, **data):
    fields = form_fields(client, f"/events/{event.id}")
    payload = {"name": "王小明", "phone": new_phone(), "party_size": "2", "consent": "y", **fields, **data}
    return client.post(f"/events/{event.id}/register?lang=en", data=payload)


def test_event_page_has_an_accessible_registration_form(client, soon):
    response = client.get(f"/events/{soon.id}?lang=en")
    document = assert_valid_html(response)
    html = response.get_data(as_text=True)
    assert "4 places left." in html
    for name in ("name", "phone", "email", "party_size", "consent", "client_key", "csrf_token"):
        assert f'name="{name}"' in html
    assert document.find(".//input[@name='phone']").get("type") == "tel"


def test_register_through_the_form_and_see_the_ticket(client, soon):
    response = post_registration(client, soon)
    assert response.status_code == 303
    ticket_url = response.headers["Location"]
    token = ticket_url.rsplit("/t/", 1)[1]
    page = client.get(f"/t/{token}?lang=en")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert_valid_html(page)
    html = page.get_data(as_text=True)
    assert "You are registered. Show this ticket at the door." in html
    assert "Confirmed" in html and "王小明" in html and "<svg" in html
    registration = db.session.scalar(select(Registration))
    assert (registration.party_size, registration.status, registration.source) == (2, "confirmed", "web")
    assert registration.consent_at is not None


def test_a_double_click_registers_once(client, soon):
    fields = form_fields(client, f"/events/{soon.id}")
    data = {"name": "王小明", "phone": "13812345678", "party_size": "1", "consent": "y", **fields}
    first = client.post(f"/events/{soon.id}/register", data=data)
    second = client.post(f"/events/{soon.id}/register", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(func.count(Registration.id))) == 1


def test_bad_input_is_answered_beside_each_field(client, soon):
    response = post_registration(client, soon, name="", phone="12", party_size="9", consent="")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="name-error"' in html and "Enter your name." in html
    assert 'id="phone-error"' in html and "Enter a phone number we can reach you on" in html
    assert 'id="party_size-error"' in html and "from 1 to 4" in html
    assert 'id="consent-error"' in html
    assert db.session.scalar(select(func.count(Registration.id))) == 0


def test_bad_input_in_chinese(client, soon):
    fields = form_fields(client, f"/events/{soon.id}")
    payload = {"name": "王小明", "phone": "12", "party_size": "1", "consent": "y", **fields}
    html = client.post(f"/events/{soon.id}/register?lang=zh_Hans", data=payload).get_data(as_text=True)
    assert "请输入能联系到您的电话号码" in html


def test_full_event_puts_the_party_on_the_waiting_list(client, soon):
    post_registration(client, soon, party_size="4")
    client.cookie_jar.clear() if hasattr(client, "cookie_jar") else None
    response = post_registration(client, soon, party_size="1")
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "On the waiting list" in page
    assert "Full: new registrations join the waiting list." in client.get(f"/events/{soon.id}?lang=en").get_data(as_text=True)


def test_form_without_csrf_is_refused(client, soon):
    response = client.post(f"/events/{soon.id}/register", data={"name": "A", "phone": "13812345678", "party_size": "1", "consent": "y"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Registration.id))) == 0


def test_cancel_from_the_ticket_page(client, soon):
    token = post_registration(client, soon, party_size="1").headers["Location"].rsplit("/t/", 1)[1]
    ticket = client.get(f"/t/{token}?lang=en").get_data(as_text=True)
    assert f'href="/t/{token}/cancel"' in ticket and "Cancel my registration…" in ticket
    # First the page that says what cancelling does; it changes nothing.
    confirm = client.get(f"/t/{token}/cancel?lang=en")
    assert confirm.status_code == 200 and confirm.headers["Cache-Control"] == "no-store"
    assert_valid_html(confirm)
    html = confirm.get_data(as_text=True)
    assert f"Cancel your registration for {soon.display_title('en')}?" in html
    assert "Your place goes to the next person on the waiting list." in html
    assert "This cannot be undone" in html
    assert db.session.scalar(select(Registration.status)) == "confirmed"
    chinese = client.get(f"/t/{token}/cancel?lang=zh_Hans").get_data(as_text=True)
    assert f"确定取消“{soon.display_title('zh_Hans')}”的报名吗？" in chinese
    assert "您的 1 个名额将让给候补名单上排在前面的人。" in chinese
    # A POST without the confirmation (the old one-step form) also only shows that page.
    csrf = csrf_token_from(client, f"/t/{token}/cancel")
    response = client.post(f"/t/{token}/cancel?lang=en", data={"csrf_token": csrf})
    assert response.status_code == 200 and "Yes, cancel my registration" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Registration.status)) == "confirmed"
    response = client.post(f"/t/{token}/cancel?lang=en", data={"csrf_token": csrf, "confirmed": "1"})
    assert response.status_code == 303
    page = client.get(f"/t/{token}?lang=en").get_data(as_text=True)
    assert "Your registration is cancelled." in page
    assert "Cancel my registration" not in page
    db.session.expire_all()
    assert db.session.scalar(select(Registration.status)) == "cancelled"
    # Nothing is left to confirm: the confirmation page goes back to the ticket.
    again = client.get(f"/t/{token}/cancel")
    assert again.status_code == 303 and again.headers["Location"].endswith(f"/t/{token}")


def test_forged_ticket_pages_are_404(client):
    assert client.get("/t/AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAA").status_code == 404
    assert client.get("/t/nonsense/qr.png").status_code == 404
    assert client.get("/t/nonsense/ticket.pdf").status_code == 404


def test_ticket_pdf_prints_chinese_in_an_embedded_font(client, soon, tmp_path):
    import subprocess

    token = post_registration(client, soon).headers["Location"].rsplit("/t/", 1)[1]
    response = client.get(f"/t/{token}/ticket.pdf?lang=zh_Hans")
    assert response.mimetype == "application/pdf"
    path = tmp_path / "ticket.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "星海讲坛 第15期" in text and "王小明" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Noto-Sans-SC" in fonts.replace("NotoSansSC", "Noto-Sans-SC")
    # The QR on the printed ticket opens the ticket page.
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")], check=True)
    import zxingcpp
    from PIL import Image

    (image,) = tmp_path.glob("page*.png")
    assert zxingcpp.read_barcodes(Image.open(image))[0].text == f"http://outreach.test/t/{token}"


def test_event_ics(client, soon):
    response = client.get(f"/events/{soon.id}.ics?lang=en")
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Xinghai Forum No. 15"
    assert str(event["uid"]) == f"event-{soon.id}@outreach.test"
    assert event["dtstart"].dt.utcoffset() == timedelta(hours=8)
    zh = Calendar.from_ical(client.get(f"/events/{soon.id}.ics?lang=zh_Hans").data)
    assert str(zh.walk("VEVENT")[0]["summary"]) == "星海讲坛 第15期"


# --- self check-in ---------------------------------------------------------------------------


def prefixed_csrf(client, url, prefix) -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(rf'name="{prefix}-csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def self_checkin_url(event) -> str:
    from outreach import clock
    from outreach.timezone import local_date

    return f"/events/{event.id}/here?code={services.poster_code(event, local_date(clock.now()))}&lang=en"


def test_self_check_in_with_the_ticket_on_this_phone(client, soon):
    post_registration(client, soon, party_size="3")
    url = self_checkin_url(soon)
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Your ticket on this phone" in html
    registration = db.session.scalar(select(Registration))
    csrf = prefixed_csrf(client, url, "mine")
    response = client.post(url, data={"mine-csrf_token": csrf, "mine-registration_id": str(registration.id), "mine-submit": "1"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Welcome, 王**! Checked in: 3 people." in response.get_data(as_text=True)
    assert db.session.scalar(select(CheckIn.source)) == "self"


def test_self_check_in_by_phone_number_and_as_walk_in(client, soon):
    registration = services.register(soon, name="李小红", phone="13912340002", party_size=2).registration
    services.register(soon, name="王秘密", phone="13912340003", party_size=1)
    db.session.commit()
    number = registration.id
    url = self_checkin_url(soon)
    csrf = prefixed_csrf(client, url, "phone")

    def by_phone(phone, proof):
        return client.post(url, data={"phone-csrf_token": csrf, "phone-phone": phone, "phone-proof": proof, "phone-submit": "1"})

    response = by_phone("139 1234 0002", " 李 小红 ")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Welcome, 李**! Checked in: 2 people." in html and "李小红" not in html
    response = by_phone("13912340002", f"No. {number}")  # or the number printed on the ticket
    assert "李** was already checked in at" in response.get_data(as_text=True)

    # An unknown phone and a known phone with the wrong name answer alike, naming nobody.
    unknown, wrong = by_phone("13700000000", "赵六"), by_phone("13912340003", "赵六")
    assert unknown.status_code == wrong.status_code == 422
    for response in (unknown, wrong):
        html = response.get_data(as_text=True)
        assert "We could not check you in with these details. Check them, or ask at the door." in html
        assert "王秘密" not in html and "王*" not in html
    strip = lambda r: re.sub(r'value="[^"]*"', "", r.get_data(as_text=True))  # noqa: E731  (what was typed, the tokens)
    assert strip(unknown) == strip(wrong)
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1

    response = client.post(url, data={"phone-csrf_token": csrf, "phone-phone": "13912340003", "phone-submit": "1"})
    assert response.status_code == 422  # the phone alone is not enough
    assert "Enter the name you registered with, or the number on your ticket." in response.get_data(as_text=True)

    response = client.post(url, data={"walkin-csrf_token": csrf, "walkin-party_size": "4", "walkin-submit": "1"})
    assert "Welcome! You have been counted." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.sum(WalkIn.count)).where(WalkIn.source == "self")) == 4


def test_self_check_in_is_rate_limited_per_address_and_per_phone(make_app, soon):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_SELF_CHECKIN="6 per minute", RATELIMIT_SELF_CHECKIN_PHONE="3 per minute")
    app.test_client_class = IsolatedClient
    client = app.test_client()
    url = self_checkin_url(soon)
    csrf = prefixed_csrf(client, url, "phone")

    def by_phone(phone, address="10.0.0.1"):
        return client.post(url, data={"phone-csrf_token": csrf, "phone-phone": phone, "phone-proof": "张三", "phone-submit": "1"},
                           environ_base={"REMOTE_ADDR": address}).status_code

    # One phone tried from many addresses: stopped after three.
    assert [by_phone("13912340003", f"10.0.1.{n}") for n in range(4)] == [422, 422, 422, 429]
    assert by_phone("139 1234 0003", "10.0.2.1") == 429  # the same number however it is written
    # One address trying many phones: stopped after six.
    assert [by_phone(f"1391234100{n}") for n in range(7)] == [422] * 6 + [429]
    # Counting walk-ins from another address is not held up by either.
    response = client.post(url, data={"walkin-csrf_token": csrf, "walkin-party_size": "2", "walkin-submit": "1"},
                           environ_base={"REMOTE_ADDR": "10.0.3.1"})
    assert response.status_code == 200


def test_yesterdays_poster_code_is_refused(client, soon):
    old = services.poster_code(soon, datetime.now(timezone.utc).date() - timedelta(days=2))
    response = client.get(f"/events/{soon.id}/here?code={old}&lang=en")
    assert response.status_code == 403
    assert "This code is not today's." in response.get_data(as_text=True)


# --- staff pages -----------------------------------------------------------------------------


def test_staff_manage_page_totals_and_actions(client, soon, make_user, login):
    a = services.register(soon, name="甲", phone="13812345678", party_size=4)
    services.register(soon, name="乙", phone="13812345679", party_size=2)  # waits
    db.session.commit()
    services.check_in(a.registration, event=soon)
    db.session.commit()
    login(make_user("staff"))
    page = client.get(f"/staff/events/{soon.id}?lang=en")
    assert page.status_code == 200
    assert_valid_html(page)
    html = page.get_data(as_text=True)
    assert "Registrations and attendance" in html and "13812345678" in html
    waiting = db.session.scalar(select(Registration).where(Registration.name == "乙"))
    csrf = csrf_token_from(client, f"/staff/events/{soon.id}")
    response = client.post(f"/staff/events/{soon.id}/registrations/{waiting.id}/promote?lang=en", data={"csrf_token": csrf})
    assert response.status_code == 303
    db.session.expire_all()
    assert waiting.status == "confirmed"
    checkin = db.session.scalar(select(CheckIn))
    client.post(f"/staff/events/{soon.id}/checkins/{checkin.id}/undo", data={"csrf_token": csrf})
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_staff_pages_are_for_staff(client, soon, make_user, login):
    assert client.get(f"/staff/events/{soon.id}").status_code == 302
    login(make_user("volunteer"))
    assert client.get(f"/staff/events/{soon.id}").status_code == 403
    assert client.get(f"/staff/events/{soon.id}/door-poster.pdf").status_code == 403


def test_door_poster_opens_todays_self_check_in(client, soon, make_user, login, tmp_path):
    import subprocess

    import zxingcpp
    from PIL import Image

    login(make_user("staff"))
    response = client.get(f"/staff/events/{soon.id}/door-poster.pdf?lang=zh_Hans")
    assert response.mimetype == "application/pdf"
    (tmp_path / "p.pdf").write_bytes(response.data)
    subprocess.run(["pdftoppm", "-png", "-r", "100", str(tmp_path / "p.pdf"), str(tmp_path / "p")], check=True)
    (image,) = tmp_path.glob("p*.png")
    url = zxingcpp.read_barcodes(Image.open(image))[0].text
    assert url == "http://outreach.test" + self_checkin_url(soon).replace("&lang=en", "")
    assert client.get(url.replace("http://outreach.test", "")).status_code == 200


def test_all_tickets_as_one_pdf_with_progress(client, make_event, make_user, login, tmp_path):
    import subprocess

    event = make_event(title="少儿故事大王 初赛", starts_at=in_days(5), capacity=None)
    for n in range(45):
        services.register(event, name=f"选手{n:02d}", phone=new_phone())
    db.session.commit()
    login(make_user("staff"))
    csrf = csrf_token_from(client, f"/staff/events/{event.id}")
    response = client.post(f"/staff/events/{event.id}/tickets-export?lang=en", data={"csrf_token": csrf})
    assert response.status_code == 303
    status_url = response.headers["Location"]
    deadline = time_module.time() + 60
    while True:
        page = client.get(status_url + "?lang=en").get_data(as_text=True)
        if "45 tickets are ready." in page or time_module.time() > deadline:
            break
        assert 'http-equiv="refresh"' in page and "<progress" in page
        time_module.sleep(0.3)
    assert "45 tickets are ready." in page
    download = re.search(r'href="([^"]+/download)"', page).group(1)
    pdf = client.get(download)
    assert pdf.mimetype == "application/pdf"
    (tmp_path / "all.pdf").write_bytes(pdf.data)
    pdf.close()
    info = subprocess.run(["pdfinfo", str(tmp_path / "all.pdf")], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+45", info)
    text = subprocess.run(["pdftotext", str(tmp_path / "all.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "选手00" in text and "选手44" in text


def test_scanner_page_works_without_javascript(client, soon, make_user, login):
    ticket = services.register(soon, name="王小明", phone="13812345678", party_size=3)
    services.register(soon, name="李小红", phone="13912340002", party_size=1)
    db.session.commit()
    login(make_user("staff"))
    url = f"/scan/{soon.id}?lang=en"
    csrf = csrf_token_from(client, url)
    response = client.post(url, data={"csrf_token": csrf, "code": f"http://outreach.test/t/{ticket.token}"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-state="ok"' in html and "Welcome, 王小明." in html and "3 people" in html
    response = client.post(url, data={"csrf_token": csrf, "code": ticket.token})
    assert 'data-state="warn"' in response.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf, "code": "forged"})
    assert response.status_code == 404 and "This is not a valid ticket." in response.get_data(as_text=True)
    found = client.get(f"/scan/{soon.id}?lang=en&q=0002").get_data(as_text=True)
    other = db.session.scalar(select(Registration).where(Registration.name == "李小红"))
    assert f'name="registration_id" value="{other.id}"' in found
    client.post(url, data={"csrf_token": csrf, "registration_id": str(other.id)})
    client.post(url, data={"csrf_token": csrf, "add": "1"})
    response = client.post(url, data={"csrf_token": csrf, "add": "n", "count": "4"})
    assert "4 walk-ins counted." in response.get_data(as_text=True)
    assert services.attendance(soon).as_dict()["attendance"] == 3 + 1 + 5
    assert client.post(url, data={"code": ticket.token}).status_code == 400  # no CSRF token


def test_offline_walk_ins_count_at_their_scan_time(client, make_event, make_user, api_token):
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc).replace(microsecond=0)
    event = make_event(starts_at=now - timedelta(hours=3), ends_at=now - timedelta(minutes=10))
    headers = api_token(make_user("staff"))
    late = client.post(f"/api/v1/events/{event.id}/walkins", json={"count": 2}, headers=headers)
    assert late.get_json()["error"]["code"] == "checkin_closed"
    synced = client.post(
        f"/api/v1/events/{event.id}/walkins",
        json={"count": 2, "client_key": "offline-1", "scanned_at": (now - timedelta(minutes=30)).isoformat()},
        headers=headers,
    )
    assert synced.status_code == 201
    again = client.post(
        f"/api/v1/events/{event.id}/walkins",
        json={"count": 2, "client_key": "offline-1", "scanned_at": (now - timedelta(minutes=30)).isoformat()},
        headers=headers,
    )
    assert again.status_code == 201
    assert db.session.scalar(select(func.sum(WalkIn.count))) == 2


def test_staff_duplicate_an_event_from_its_page(client, soon, make_user, login):
    from outreach.events.models import Event
    from outreach.volunteers import services as volunteers
    from outreach.volunteers.models import Shift

    volunteers.create_shift(soon, role="签到引导", starts_at=soon.starts_at, ends_at=soon.ends_at, slots=4)
    db.session.commit()
    login(make_user("staff"))
    page = f"/staff/events/{soon.id}?lang=en"
    assert "Duplicate as a draft" in client.get(page).get_data(as_text=True)
    csrf = csrf_token_from(client, page)
    response = client.post(f"/staff/events/{soon.id}/duplicate?lang=en", data={"csrf_token": csrf, "starts_at": "2027-01-09T09:30"})
    assert response.status_code == 303
    copy = db.session.scalar(select(Event).where(Event.id != soon.id))
    assert (copy.status, copy.title) == ("draft", "星海讲坛 第15期")
    assert copy.starts_at == datetime(2027, 1, 9, 1, 30, tzinfo=timezone.utc)
    assert db.session.scalar(select(func.count(Shift.id)).where(Shift.event_id == copy.id)) == 1
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "A draft copy is made, with 1 volunteer shift." in follow
    response = client.post(f"/staff/events/{soon.id}/duplicate", data={"csrf_token": csrf, "starts_at": ""})
    assert response.status_code == 303
    assert db.session.scalar(select(func.count(Event.id))) == 2


# --- the door: the printed ticket number, answers where they were asked, ended events -------


def test_the_printed_ticket_number_is_accepted_at_its_own_events_door(client, soon, make_event, make_user, login):
    ticket = services.register(soon, name="王小明", phone="13812345678", party_size=2)
    other_event = make_event(title="少儿故事大王", starts_at=soon.starts_at)
    stranger = services.register(other_event, name="赵六", phone="13812345679")
    db.session.commit()
    login(make_user("staff"))
    url = f"/scan/{soon.id}?lang=en"
    csrf = csrf_token_from(client, url)
    # Another event's number: refused, and its title is not told.
    response = client.post(url, data={"csrf_token": csrf, "code": str(stranger.registration.id)})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This ticket number belongs to another event." in html and "少儿故事大王" not in html
    unknown = max(ticket.registration.id, stranger.registration.id) + 100
    response = client.post(url, data={"csrf_token": csrf, "code": str(unknown)})
    assert response.status_code == 404 and "This is not a valid ticket." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0
    # As it is printed ("Ticket no." 入场券编号) and as people type it.
    response = client.post(url, data={"csrf_token": csrf, "code": f" No. {ticket.registration.id} "})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Welcome, 王小明." in html and "2 people" in html
    full_width = str(ticket.registration.id).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    response = client.post(url, data={"csrf_token": csrf, "code": full_width})
    assert 'data-state="warn"' in response.get_data(as_text=True)
    assert [c.registration_id for c in db.session.scalars(select(CheckIn))] == [ticket.registration.id]


def test_the_printed_number_is_no_credential_anywhere_else(client, soon):
    ticket = services.register(soon, name="王小明", phone="13812345678")
    db.session.commit()
    number = ticket.registration.id
    assert client.get(f"/t/{number}").status_code == 404
    assert client.get(f"/api/v1/tickets/{number}").status_code == 404
    assert client.get(f"/scan/{soon.id}").status_code == 302  # to the sign-in page


def test_without_javascript_each_answer_is_rendered_beside_its_form(client, soon, make_user, login):
    ticket = services.register(soon, name="王小明", phone="13812345678", party_size=3)
    db.session.commit()
    login(make_user("staff"))
    url = f"/scan/{soon.id}?lang=en"
    page = client.get(url).get_data(as_text=True)
    # Each form sends the browser back to its own answer; a fragment alone keeps ?lang= and ?q=.
    assert '<form id="code-form" method="post" action="#code-result"' in page
    assert '<form id="walkin-form" class="walkin-form" method="post" action="#walkin-status"' in page
    assert '<form id="search-form" method="get" action="#find"' in page
    csrf = csrf_token_from(client, url)
    html = client.post(url, data={"csrf_token": csrf, "code": ticket.token}).get_data(as_text=True)
    code_panel = re.search(r'<div id="code-result"[^>]*>(.*?)</div>', html, re.S)
    assert 'data-state="ok"' in code_panel.group(0) and "Welcome, 王小明." in code_panel.group(1)
    assert re.search(r'<div id="scan-result"[^>]*data-state="idle"', html)
    # The answer sits right above the field it answers.
    assert html.index('id="manual-heading"') < html.index('id="code-result"') < html.index('id="ticket-code"')
    html = client.post(url, data={"csrf_token": csrf, "add": "n", "count": "0"}).get_data(as_text=True)
    assert re.search(r'<p id="walkin-status" class="action-status is-error"[^>]*>Enter a whole number from 1 to 10000.</p>', html)
    html = client.post(f"{url}&q=王", data={"csrf_token": csrf, "registration_id": str(ticket.registration.id)}).get_data(as_text=True)
    search_panel = re.search(r'<div id="search-result"[^>]*>(.*?)</div>', html, re.S)
    assert 'data-state="warn"' in search_panel.group(0) and "Already checked in at" in search_panel.group(1)
    assert 'name="registration_id"' in html  # the list is still there, under the answer


@pytest.fixture
def ended(make_event):
    """A lecture that ended an hour ago, where 王小明's party of two was admitted."""
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=30)
    event = make_event(title="星海讲坛 第14期", title_en="Xinghai Forum No. 14", starts_at=start, ends_at=start + timedelta(hours=2))
    ticket = services.register(event, name="王小明", phone="13812345678", party_size=2)
    services.check_in(ticket.registration, event=event)
    event.starts_at, event.ends_at = event.starts_at - timedelta(hours=3, minutes=30), event.ends_at - timedelta(hours=3, minutes=30)
    db.session.commit()
    return event


def test_an_ended_events_scanner_is_its_record_only(client, ended, make_user, login):
    login(make_user("staff"))
    url = f"/scan/{ended.id}?lang=en"
    response = client.get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This event has ended." in html and "Its door is closed: there is nothing more to scan." in html
    assert '<dd data-total="checked_in">2</dd>' in html
    for live in ('id="ticket-code"', 'id="walkin-form"', 'id="search-form"', 'id="camera-toggle"', "Check-in for this event is not open now."):
        assert live not in html
    assert f'href="/staff/events/{ended.id}"' in html
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get(f"/staff/events/{ended.id}").get_data(as_text=True)).group(1)
    response = client.post(url, data={"csrf_token": csrf, "add": "1"})
    assert response.status_code == 409 and "This event has ended." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(WalkIn.id))) == 0


def test_a_completed_or_cancelled_event_has_ended_at_the_door(client, soon, make_user, login):
    login(make_user("staff"))
    soon.status = "completed"
    db.session.commit()
    html = client.get(f"/scan/{soon.id}?lang=en").get_data(as_text=True)
    assert "This event has ended." in html and 'id="ticket-code"' not in html
    soon.status = "cancelled"
    db.session.commit()
    html = client.get(f"/scan/{soon.id}?lang=en").get_data(as_text=True)
    assert "This event has been cancelled." in html and 'id="ticket-code"' not in html


def test_an_ended_event_offers_no_door_poster_nor_ticket_printing(client, ended, make_user, login):
    login(make_user("staff"))
    page = client.get(f"/staff/events/{ended.id}?lang=en").get_data(as_text=True)
    assert "This event has ended. Its door is closed: no scanner, door poster or ticket printing." in page
    assert f"/scan/{ended.id}" not in page and "door-poster.pdf" not in page and "tickets-export" not in page
    assert f"/scan/{ended.id}" not in client.get(f"/events/{ended.id}?lang=en").get_data(as_text=True)

    response = client.get(f"/staff/events/{ended.id}/door-poster.pdf?lang=en")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/staff/events/{ended.id}")
    assert "This event has ended: there is no door poster to print." in client.get(response.headers["Location"]).get_data(as_text=True)
    csrf = csrf_token_from(client, f"/staff/events/{ended.id}")
    response = client.post(f"/staff/events/{ended.id}/tickets-export?lang=en", data={"csrf_token": csrf})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/staff/events/{ended.id}")
    assert "This event has ended: its tickets are no longer printed." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(func.count(ExportJob.id))) == 0


def test_an_ended_events_poster_code_and_tickets_say_it_has_ended(client, ended):
    # The day's poster code is still today's, but the event is over: not "not open now".
    response = client.get(self_checkin_url(ended))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This event has ended." in html and "Check-in for this event is not open now." not in html
    registration = db.session.scalar(select(Registration).where(Registration.event_id == ended.id))
    html = client.get(f"/t/{services.ticket_token(registration)}?lang=en").get_data(as_text=True)
    assert "This event has ended." in html and "Show this code at the door." not in html


def test_the_printed_ticket_labels_its_number_as_the_door_asks_for_it(client, soon, tmp_path):
    import subprocess

    ticket = services.register(soon, name="王小明", phone="13812345678")
    db.session.commit()
    response = client.get(f"/t/{ticket.token}/ticket.pdf?lang=zh_Hans")
    (tmp_path / "t.pdf").write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(tmp_path / "t.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert f"入场券编号 {ticket.registration.id}" in text


def test_staff_cancel_a_registration_after_a_confirmation(client, make_user, login, soon):
    login(make_user("staff"))
    first = services.register(soon, name="王小明", phone="13812345678", party_size=4, consent=True).registration
    waiting = services.register(soon, name="李华", phone="13812345679", party_size=2, consent=True).registration
    db.session.commit()
    assert waiting.status == "waitlisted"
    manage = client.get(f"/staff/events/{soon.id}?lang=en").get_data(as_text=True)
    path = f"/staff/events/{soon.id}/registrations/{first.id}/cancel"
    assert f'href="{path}"' in manage
    page = client.get(f"{path}?lang=en")
    assert page.status_code == 200
    assert_valid_html(page)
    html = page.get_data(as_text=True)
    assert "Cancel the registration of 王小明?" in html
    assert "4 places go to the waiting list." in html
    assert "The registrant is not told: if they did not ask for it, tell them yourself." in html
    assert "4 个名额将让给候补名单。" in client.get(f"{path}?lang=zh_Hans").get_data(as_text=True)
    csrf = csrf_token_from(client, path)
    shown = client.post(f"{path}?lang=en", data={"csrf_token": csrf})  # without the confirmation
    assert shown.status_code == 200 and "Cancel the registration of 王小明?" in shown.get_data(as_text=True)
    db.session.expire_all()
    assert (db.session.get(Registration, first.id).status, db.session.get(Registration, waiting.id).status) == (
        "confirmed", "waitlisted")
    done = client.post(f"{path}?lang=en", data={"csrf_token": csrf, "confirmed": "1"})
    assert done.status_code == 303
    db.session.expire_all()
    assert (db.session.get(Registration, first.id).status, db.session.get(Registration, waiting.id).status) == (
        "cancelled", "confirmed")
    assert client.post(path, data={"confirmed": "1"}).status_code == 400  # no CSRF token


def test_going_back_and_registering_again_shows_the_first_ticket(client, soon):
    first = post_registration(client, soon, phone="13812345678", party_size="2")
    again = post_registration(client, soon, phone="138 1234 5678", party_size="2")  # a fresh form
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    html = client.get(again.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "This phone number is already registered for this event: here is its ticket. No second place was taken." in html
    assert db.session.scalar(select(func.count(Registration.id))) == 1
    assert services.seats_left(soon) == 2


@pytest.mark.parametrize(
    ("phone", "stored", "message"),
    [
        ("１３８１２３４５６７８", "13812345678", None),
        ("０７３１－２３４５６７８９", "073123456789", None),
        ("1381234567", None, "A mobile number has 11 digits, such as 13812345678."),
        ("110", None, "Enter a phone number we can reach you on, such as 13812345678."),
    ],
)
def test_phone_numbers_through_the_form(client, soon, phone, stored, message):
    response = post_registration(client, soon, phone=phone)
    assert db.session.scalar(select(Registration.phone)) == stored
    if message:
        assert response.status_code == 422
        assert field_error(response.get_data(as_text=True), "phone") == message
    else:
        assert response.status_code == 303


def test_staff_see_possible_duplicates(client, soon, make_user, login):
    a = services.register(soon, name="王小明", phone="13812345678")
    b = services.register(soon, name="王小明", phone="13912345678")
    services.register(soon, name="李四", phone="13712345678")
    db.session.commit()
    login(make_user("staff"))
    response = client.get(f"/staff/events/{soon.id}?lang=en")
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    section = html.split('id="duplicates-heading"', 1)[1].split("</section>", 1)[0]
    assert "Possible duplicates" in html
    # Each links to its row in the list searched by its ticket number (the row may be on another page).
    for found in (a, b):
        number = found.registration.id
        assert f'href="/staff/events/{soon.id}?q={number}#registration-{number}"' in section
    assert "13912345678" in section and "李四" not in section
    assert f'id="registration-{a.registration.id}"' in html


def test_a_full_event_asks_to_join_the_waiting_list(client, soon):
    html = client.get(f"/events/{soon.id}?lang=en").get_data(as_text=True)
    assert re.search(r'<button type="submit">\s*Register\s*</button>', html)
    services.register(soon, name="甲", phone="13812345678", party_size=3)
    db.session.commit()
    html = client.get(f"/events/{soon.id}?lang=en").get_data(as_text=True)
    assert "A party larger than the places left joins the waiting list." in html
    services.register(soon, name="乙", phone="13912345678", party_size=1)
    db.session.commit()
    response = client.get(f"/events/{soon.id}?lang=en")
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    assert re.search(r'<button type="submit" aria-describedby="register-full">\s*Join the waiting list\s*</button>', html)
    assert "Register</button>" not in html
    zh = client.get(f"/events/{soon.id}?lang=zh_Hans").get_data(as_text=True)
    assert re.search(r'<button type="submit" aria-describedby="register-full">\s*加入候补名单\s*</button>', zh)


def test_no_party_size_to_choose_when_a_ticket_admits_one(client, make_event):
    sitting = make_event(title="少儿故事大王 初赛", starts_at=in_days(5), capacity=20, max_party_size=1)
    response = client.get(f"/events/{sitting.id}?lang=en")
    document = assert_valid_html(response)
    assert document.find(".//input[@name='party_size']").get("type") == "hidden"
    assert "Number of people" not in response.get_data(as_text=True)
    fields = form_fields(client, f"/events/{sitting.id}")
    payload = {"name": "李小红", "phone": "13812345678", "party_size": "1", "consent": "y", **fields}
    assert client.post(f"/events/{sitting.id}/register", data=payload).status_code == 303
    assert db.session.scalar(select(Registration.party_size)) == 1


def test_a_waiting_list_ticket_says_it_is_not_valid_yet(client, soon, tmp_path):
    import subprocess

    services.register(soon, name="甲", phone="13812345678", party_size=4)
    waiting = services.register(soon, name="王小明", phone="13912345678", party_size=2)
    db.session.commit()
    assert waiting.registration.status == "waitlisted"
    page = client.get(f"/t/{waiting.token}?lang=en")
    assert_valid_html(page)
    html = page.get_data(as_text=True)
    assert "Not valid yet: this code admits no one while you are on the waiting list." in html
    assert "Show this code at the door" not in html and "to show at the door" not in html
    path = tmp_path / "ticket.pdf"
    path.write_bytes(client.get(f"/t/{waiting.token}/ticket.pdf?lang=en").data)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "Not valid yet: this code admits no one while you are on the waiting list." in text
    assert "Show this code at the door" not in text
    path.write_bytes(client.get(f"/t/{waiting.token}/ticket.pdf?lang=zh_Hans").data)
    text = "".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "尚未生效" in text and "入场时出示" not in text


def test_programme_cards_tell_the_places_left(client, make_event):
    open_ = make_event(title="讲座甲", title_en="Talk A", starts_at=in_days(3), capacity=5, max_party_size=5)
    full = make_event(title="讲座乙", title_en="Talk B", starts_at=in_days(4), capacity=2, max_party_size=2)
    make_event(title="讲座丙", title_en="Talk C", starts_at=in_days(5), registration="none")
    services.register(open_, name="甲", phone="13812345678", party_size=2)
    services.register(full, name="乙", phone="13812345678", party_size=2)
    db.session.commit()
    response = client.get("/?lang=en")
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    cards = {title: html.split(title, 1)[1].split("</article>", 1)[0] for title in ("Talk A", "Talk B", "Talk C")}
    assert "3 places left." in cards["Talk A"]
    assert "Full: you can join the waiting list." in cards["Talk B"]
    assert "No registration needed: just come." in cards["Talk C"]
    zh = client.get("/?lang=zh_Hans").get_data(as_text=True)
    assert "已满" in zh.split("讲座乙", 1)[1].split("</article>", 1)[0]
    assert "还剩 3 个名额" in zh.split("讲座甲", 1)[1].split("</article>", 1)[0]


def test_a_failed_registration_starts_with_an_error_summary_linked_to_each_field(client, soon):
    form = client.get(f"/events/{soon.id}?lang=en").get_data(as_text=True)
    assert f'action="/events/{soon.id}/register#register-heading"' in form and "data-error-summary" not in form
    response = post_registration(client, soon, name="", phone="1381234567", party_size="9", consent="")
    assert response.status_code == 422
    document = assert_valid_html(response)
    summary = next(d for d in document.iter("div") if d.get("data-error-summary") is not None)
    assert (summary.get("id"), summary.get("role"), summary.get("tabindex")) == ("error-summary", "alert", "-1")
    links = [(a.get("href"), " ".join("".join(a.itertext()).split())) for a in summary.findall(".//a")]
    assert links == [
        ("#name", "Name: Enter your name."),
        ("#phone", "Mobile phone: A mobile number has 11 digits, such as 13812345678."),
        ("#party_size", "Number of people: Enter a number of people from 1 to 4."),
        ("#consent", "I agree that the library keeps these details to run this event: Please agree to the privacy notice to register."),
    ]
    for href, _text in links:
        assert document.find(f".//*[@id='{href[1:]}']") is not None
    assert f'action="/events/{soon.id}/register#error-summary"' in response.get_data(as_text=True)
    payload = {"name": "", "phone": "13812345678", "party_size": "1", "consent": "y", **form_fields(client, f"/events/{soon.id}")}
    zh = client.post(f"/events/{soon.id}/register?lang=zh_Hans", data=payload).get_data(as_text=True)
    assert "请修改以下内容后再提交" in zh and "姓名：请输入姓名。" in zh


def test_a_ticket_of_another_event_names_no_other_event_at_the_door(client, soon, make_event, make_user, login):
    secret = make_event(title="馆长内部座谈", title_en="Director's private briefing", starts_at=soon.starts_at)
    theirs = services.register(secret, name="赵六", phone="13812345679")
    db.session.commit()
    login(make_user("staff"))
    url = f"/scan/{soon.id}?lang=en"
    csrf = csrf_token_from(client, url)
    for code in (theirs.token, str(theirs.registration.id)):  # the QR code, the printed number
        response = client.post(url, data={"csrf_token": csrf, "code": code})
        assert response.status_code == 409
        html = response.get_data(as_text=True)
        assert "another event" in html
        assert "馆长内部座谈" not in html and "private briefing" not in html
    response = client.post(f"/scan/{soon.id}?lang=zh_Hans", data={"csrf_token": csrf, "code": theirs.token})
    assert "馆长内部座谈" not in response.get_data(as_text=True)
