from datetime import date, datetime, time

import html5lib
import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from outreach.events.models import Event
from outreach.extensions import db
from outreach.recurrences import services
from outreach.recurrences.models import Recurrence
from outreach.registration.services import register
from outreach.timezone import library_tz, local
from tests.helpers import assert_valid_html, axe_violations, csrf_token_from, sign_in


@pytest.fixture
def staff(make_user, login):
    user = make_user("staff")
    login(user)
    return user


def form_values(response, action: str) -> dict:
    """The fields of the page's form posting to ``action``, as a browser would send them."""
    document = html5lib.parse(response.get_data(as_text=True), namespaceHTMLElements=False)
    form = next(f for f in document.iter("form") if f.get("action") == action)
    values: dict = {}
    for field in form.iter("input"):
        kind = field.get("type", "text")
        if kind in ("submit", "button") or (kind == "checkbox" and field.get("checked") is None):
            continue
        values.setdefault(field.get("name"), []).append(field.get("value", ""))
    for field in form.iter("textarea"):
        values[field.get("name")] = [field.text or ""]
    for field in form.iter("select"):
        chosen = [o.get("value") for o in field.iter("option") if o.get("selected") is not None]
        values[field.get("name")] = chosen[:1] or [next(field.iter("option")).get("value")]
    return values


def new_class(client, venue, lang="en", **overrides):
    data = {
        "csrf_token": csrf_token_from(client, "/staff/recurrences/new"),
        "weekdays": ["1", "2", "3", "4", "5"], "starts_on": "2026-09-28", "ends_on": "2026-10-09",
        "start_time": "15:30", "end_time": "16:30", "exceptions": "2026-10-01 国庆节\n2026/10/2  国庆节\n",
        "type": "class", "title": "三点半课堂", "title_en": "Half-Past-Three Class", "venue_id": str(venue.id),
        "registration": "open", "capacity": "30", "max_party_size": "1", "audience": "children",
        "checkin_opens_minutes": "60", "setup_minutes": "0", "teardown_minutes": "10", "status": "published",
        **overrides,
    }
    return client.post(f"/staff/recurrences/new?lang={lang}", data=data)


def recurrence_count() -> int:
    return db.session.scalar(select(func.count(Recurrence.id)))


@pytest.mark.parametrize("path", ["/staff/recurrences/", "/staff/recurrences/new"])
def test_pages_are_for_staff_only(client, make_user, login, path):
    assert client.get(path).status_code == 302  # to the log-in page
    login(make_user("volunteer"))
    assert client.get(path).status_code == 403


def test_actions_are_for_staff_only(client, make_user, login, make_class):
    recurrence = make_class()
    login(make_user("volunteer"))
    assert client.get(f"/staff/recurrences/{recurrence.id}").status_code == 403
    token = csrf_token_from(client, "/")  # the sign-out form's
    response = client.post(f"/staff/recurrences/{recurrence.id}/publish", data={"csrf_token": token})
    assert response.status_code == 403


@pytest.mark.parametrize(("lang", "heading", "monday"), [("en", "New weekly event", "Monday"), ("zh_Hans", None, "星期一")])
def test_the_new_form_in_both_languages(client, staff, make_venue, lang, heading, monday):
    make_venue(name="三点半课堂教室", name_en="Class room")
    response = client.get(f"/staff/recurrences/new?lang={lang}")
    assert response.status_code == 200
    document = assert_valid_html(response)
    assert document.get("lang") == ("en" if lang == "en" else "zh-Hans")
    legend = document.find(".//fieldset[@class='weekday-choices']/legend")
    assert legend is not None
    labels = ["".join(label.itertext()).strip() for label in document.findall(".//fieldset[@class='weekday-choices']/label")]
    assert labels[0] == monday and len(labels) == 7
    checked = [i.get("value") for i in document.iter("input") if i.get("name") == "weekdays" and i.get("checked") is not None]
    assert checked == ["1", "2", "3", "4", "5"]
    if heading:
        assert document.find(".//h1").text == heading
    assert assert_valid_html(client.get(f"/staff/recurrences/?lang={lang}"))


def test_creating_a_weekly_event_makes_its_occurrences(client, staff, make_venue):
    venue = make_venue()
    response = new_class(client, venue)
    assert response.status_code == 303
    recurrence = db.session.scalars(select(Recurrence)).one()
    assert response.headers["Location"].endswith(f"/staff/recurrences/{recurrence.id}")
    assert (recurrence.weekdays, recurrence.start_time) == ("12345", time(15, 30))
    assert [(x.day, x.reason) for x in recurrence.exceptions] == [(date(2026, 10, 1), "国庆节"), (date(2026, 10, 2), "国庆节")]
    days = [local(e.starts_at).date().day for e in services.occurrences(recurrence)]
    assert days == [28, 29, 30, 5, 6, 7, 8, 9]
    event = services.occurrences(recurrence)[0]
    assert (event.capacity, event.audience, event.teardown_minutes, event.checkin_opens_minutes, event.status) == (
        30, "children", 10, 60, "published",
    )


def test_a_bad_exception_line_is_named_and_nothing_is_made(client, staff, make_venue):
    response = new_class(client, make_venue(), exceptions="2026-10-01 国庆节\n十月二日 国庆节")
    assert response.status_code == 422
    document = assert_valid_html(response)
    textarea = document.find(".//textarea[@name='exceptions']")
    assert textarea.get("aria-invalid") == "true"
    error = document.find(f".//*[@id='{textarea.get('aria-describedby').split()[-1]}']")
    assert "2" in error.text and "十月二日 国庆节" in error.text
    assert recurrence_count() == 0


def test_field_errors_are_shown_beside_the_fields(client, staff, make_venue):
    response = new_class(client, make_venue(), weekdays=[], end_time="15:00", title="")
    assert response.status_code == 422
    document = assert_valid_html(response)
    assert document.find(".//fieldset[@class='weekday-choices']").get("aria-describedby") == "weekdays-error"
    assert document.find(".//*[@id='weekdays-error']").text == "Choose at least one day of the week."
    assert document.find(".//input[@name='title']").get("aria-invalid") == "true"
    assert recurrence_count() == 0


def test_a_pattern_the_form_accepts_but_the_service_refuses(client, staff, make_venue):
    # Only Saturdays from a Monday to a Friday: no date at all.
    response = new_class(client, make_venue(), weekdays=["6"], ends_on="2026-10-02", exceptions="")
    assert response.status_code == 422
    document = assert_valid_html(response)
    assert "No date" in document.find(".//*[@id='weekdays-error']").text
    assert recurrence_count() == 0


def test_room_clashes_are_refused_naming_the_dates(client, staff, make_venue, make_event):
    venue = make_venue()
    tz = library_tz()
    for day in (29, 30):
        make_event(venue=venue, starts_at=datetime(2026, 9, day, 15, 0, tzinfo=tz), ends_at=datetime(2026, 9, day, 16, 0, tzinfo=tz))
    response = new_class(client, venue, lang="zh_Hans")
    assert response.status_code == 422
    document = assert_valid_html(response)
    venue_error = document.find(".//*[@id='venue_id-error']").text
    assert "2026年9月29日、2026年9月30日" in venue_error
    assert document.find(".//input[@name='booking_override_reason']").get("aria-invalid") == "true"
    assert recurrence_count() == 0
    assert db.session.scalar(select(func.count(Event.id))) == 2
    response = new_class(client, venue, booking_override_reason="同一间教室，讲座改期")
    assert response.status_code == 303
    assert recurrence_count() == 1


def test_the_recurrence_page(client, staff, make_class):
    recurrence = make_class(exceptions=[(date(2026, 9, 10), "教师培训")])
    event = services.occurrences(recurrence)[0]
    register(event, name="王小明", phone="13800000000")
    db.session.commit()
    for lang in ("en", "zh_Hans"):
        response = client.get(f"/staff/recurrences/{recurrence.id}?lang={lang}")
        assert response.status_code == 200
        document = assert_valid_html(response)
    table = document.find(".//table[@class='occurrences']")
    assert table.find("caption") is not None
    rows = table.findall("tbody/tr")
    assert len(rows) == 9
    assert rows[0].findall("td")[3].text == "1"  # registrations
    assert rows[0].findall("td")[0].text == "星期一"
    # each column named for what it holds: the date, and the day of the week (not 日期 twice)
    assert ["".join(th.itertext()) for th in table.findall("thead/tr/th")][:3] == ["日期", "星期", "时间"]
    links = [a.get("href") for a in table.iter("a")]
    assert f"/staff/events/{event.id}/edit" in links
    assert "教师培训" in response.get_data(as_text=True)


def test_skip_this_day_cancels_it(client, staff, make_class, app):
    recurrence = make_class()
    event = services.occurrences(recurrence)[1]
    register(event, name="王小明", phone="13800000000", email="parent@example.org")
    register(event, name="李华", phone="13800000001")
    db.session.commit()
    app.extensions["outreach_sent_mail"] = []
    page = client.get(f"/staff/recurrences/{recurrence.id}")
    assert page.status_code == 200
    action = f"/staff/recurrences/{recurrence.id}/exceptions"
    token = csrf_token_from(client, f"/staff/recurrences/{recurrence.id}")
    # The button first shows who will be told, and changes nothing.
    response = client.post(f"{action}?lang=en", data={"csrf_token": token, "skip-day": "2026-09-08"})
    assert response.status_code == 200
    document = assert_valid_html(response)
    html = response.get_data(as_text=True)
    assert "1 registrant who gave an e-mail address will be told by e-mail, with your reason." in html
    assert "1 registrant gave no e-mail address and will not be told" in html
    assert document.find(".//input[@name='skip-confirmed']").get("value") == "1"
    assert document.find(".//input[@name='skip-day']").get("value") == "2026-09-08"
    db.session.refresh(event)
    assert event.status == "published" and recurrence.exceptions == []
    assert app.extensions["outreach_sent_mail"] == []
    # Confirmed without a reason: refused beside the reason, still nothing done.
    response = client.post(f"{action}?lang=en", data={"csrf_token": token, "skip-day": "2026-09-08", "skip-confirmed": "1"})
    assert response.status_code == 422
    document = assert_valid_html(response)
    reason = document.find(".//input[@id='skip-reason']")
    assert reason.get("aria-invalid") == "true"
    assert document.find(".//*[@id='skip-reason-error']").text == (
        "Give the reason: 1 registrant who gave an e-mail address is told it."
    )
    db.session.expire_all()
    assert db.session.get(type(event), event.id).status == "published"
    assert app.extensions["outreach_sent_mail"] == []
    # In Chinese too.
    response = client.post(f"{action}?lang=zh_Hans", data={"csrf_token": token, "skip-day": "2026-09-08", "skip-confirmed": "1"})
    assert "请填写原因：将通过邮件告知留了电子邮箱的 1 位报名者。" in response.get_data(as_text=True)
    # Confirmed with a reason: done, and the page says what happened to the e-mail.
    response = client.post(f"{action}?lang=en", data={
        "csrf_token": token, "skip-day": "2026-09-08", "skip-confirmed": "1", "skip-reason": "学校运动会",
    })
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(type(event), event.id).status == "cancelled"
    assert [m.to for m in app.extensions["outreach_sent_mail"]] == ["parent@example.org"]
    assert ("2026-09-08 is skipped. No mail server is configured: 1 message was not sent "
            "(the server&#39;s log names it).") in client.get(f"/staff/recurrences/{recurrence.id}?lang=en").get_data(as_text=True)
    # Twice: refused beside the day field.
    response = client.post(f"{action}?lang=en", data={
        "csrf_token": csrf_token_from(client, f"/staff/recurrences/{recurrence.id}"), "skip-day": "2026-09-08", "skip-reason": "x",
    })
    assert response.status_code == 422
    document = assert_valid_html(response)
    day = document.find(".//input[@id='skip-day']")
    assert day.get("aria-invalid") == "true"
    assert document.find(f".//*[@id='{day.get('aria-describedby')}']").text == "That day is skipped already."


def test_holding_a_skipped_day_again(client, staff, make_class):
    recurrence = make_class(exceptions=[(date(2026, 9, 10), None)])
    token = csrf_token_from(client, f"/staff/recurrences/{recurrence.id}")
    response = client.post(f"/staff/recurrences/{recurrence.id}/exceptions/2026-09-10/delete", data={"csrf_token": token})
    assert response.status_code == 303
    assert len(services.occurrences(recurrence)) == 10
    assert client.post(f"/staff/recurrences/{recurrence.id}/exceptions/not-a-day/delete", data={"csrf_token": token}).status_code == 404


def test_edit_all_changes_only_what_was_changed(client, staff, make_class):
    recurrence = make_class()
    own = services.occurrences(recurrence)[4]
    from outreach.events.services import update_event

    update_event(own, title="三点半课堂：剪纸", actor=staff)
    db.session.commit()
    path = f"/staff/recurrences/{recurrence.id}"
    values = form_values(client.get(path), f"{path}/edit-all")
    assert values["all-title"] == ["三点半课堂"] and values["all-start_time"] == ["15:30"]
    unchanged = client.post(f"{path}/edit-all?lang=en", data=values, follow_redirects=True)
    assert "Nothing to save: no field differs" in unchanged.get_data(as_text=True)
    values.update({"all-capacity": ["24"], "all-start_time": ["16:00"], "all-end_time": ["17:00"], "all-from_day": ["2026-09-08"]})
    response = client.post(f"{path}/edit-all", data=values)
    assert response.status_code == 303, response.get_data(as_text=True)
    events = services.occurrences(recurrence)
    assert [e.capacity for e in events] == [30] + [24] * 9
    assert [local(e.starts_at).time() for e in events] == [time(15, 30)] + [time(16, 0)] * 9
    assert events[4].title == "三点半课堂：剪纸"  # its own title kept
    values["all-title"] = [""]
    response = client.post(f"{path}/edit-all", data=values)
    assert response.status_code == 422
    assert assert_valid_html(response).find(".//input[@name='all-title']").get("aria-invalid") == "true"


def test_extend_and_publish(client, staff, make_class):
    recurrence = make_class(status="draft")
    path = f"/staff/recurrences/{recurrence.id}"
    values = form_values(client.get(path), f"{path}/range")
    assert values["range-weekdays"] == ["1", "2", "3", "4", "5"] and values["range-ends_on"] == ["2026-09-18"]
    values["range-ends_on"] = ["2026-09-25"]
    assert client.post(f"{path}/range", data=values).status_code == 303
    assert len(services.occurrences(recurrence)) == 15
    values["range-ends_on"] = ["2026-09-01"]  # before the first date
    response = client.post(f"{path}/range", data=values)
    assert response.status_code == 422
    assert assert_valid_html(response).find(".//input[@name='range-ends_on']").get("aria-invalid") == "true"
    assert "Publish all 15 draft occurrences" in client.get(f"{path}?lang=en").get_data(as_text=True)
    response = client.post(f"{path}/publish", data={"csrf_token": csrf_token_from(client, path)})
    assert response.status_code == 303
    assert {e.status for e in services.occurrences(recurrence)} == {"published"}


def test_shortening_first_says_who_is_told_then_takes_the_reason(client, staff, make_class, app):
    recurrence = make_class()
    coming = services.occurrences(recurrence)
    register(coming[-1], name="王小明", phone="13800000000", email="parent@example.org")
    register(coming[-1], name="李华", phone="13800000001")
    db.session.commit()
    app.extensions["outreach_sent_mail"] = []
    path = f"/staff/recurrences/{recurrence.id}"
    values = form_values(client.get(path), f"{path}/range")
    values["range-ends_on"] = ["2026-09-16"]  # takes off the 17th (nobody registered) and the 18th
    # First the page that names what is taken off and who is told; nothing is done yet.
    response = client.post(f"{path}/range?lang=en", data=values)
    assert response.status_code == 200
    document = assert_valid_html(response)
    assert document.find(".//h1").text == "Take off 2 occurrences?"
    items = ["".join(li.itertext()).split() for li in document.findall(".//div[@class='notice notice-warning']/ul/li")]
    assert len(items) == 3 and "registrant" not in " ".join(items[0])
    assert " ".join(items[2]) == "No mail server is configured: the messages will not be sent, only noted in the server's log."
    assert " ".join(items[1]).endswith(
        "1 registrant who gave an e-mail address will be told by e-mail, with your reason. "
        "1 registrant gave no e-mail address and will not be told: call them (their numbers are on the "
        "registrations list)."
    )
    confirm = form_values(response, f"/staff/recurrences/{recurrence.id}/range")
    assert confirm["range-confirmed"] == ["1"] and confirm["range-ends_on"] == ["2026-09-16"]
    assert confirm["range-weekdays"] == ["1", "2", "3", "4", "5"]
    db.session.expire_all()
    assert [e.status for e in services.occurrences(recurrence)][-2:] == ["published", "published"]
    # Confirmed without a reason: refused on the same page, beside the field.
    response = client.post(f"{path}/range?lang=en", data=confirm)
    assert response.status_code == 422
    document = assert_valid_html(response)
    assert document.find(".//h1").text == "Take off 2 occurrences?"
    assert document.find(".//input[@name='range-reason']").get("aria-invalid") == "true"
    assert document.find(".//*[@id='range-reason-error']").text == (
        "Give the reason: 1 registrant who gave an e-mail address is told it."
    )
    db.session.expire_all()
    assert coming[-1].status == "published" and app.extensions["outreach_sent_mail"] == []
    confirm["range-reason"] = ["学期提前结束"]
    assert client.post(f"{path}/range?lang=en", data=confirm).status_code == 303
    db.session.expire_all()
    assert [e.status for e in services.occurrences(recurrence)][-2:] == ["cancelled", "cancelled"]
    assert [m.to for m in app.extensions["outreach_sent_mail"]] == ["parent@example.org"]
    assert "学期提前结束" in app.extensions["outreach_sent_mail"][0].body
    assert ("Dates changed: 0 occurrences added, 2 taken off. No mail server is configured: 1 message was not sent"
            in client.get(f"{path}?lang=en").get_data(as_text=True))


def test_shortening_where_nobody_registered_needs_no_second_step(client, staff, make_class):
    recurrence = make_class()
    path = f"/staff/recurrences/{recurrence.id}"
    values = form_values(client.get(path), f"{path}/range")
    values["range-ends_on"] = ["2026-09-16"]
    assert client.post(f"{path}/range", data=values).status_code == 303
    assert len([e for e in services.occurrences(recurrence) if e.status != "cancelled"]) == 8


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_the_pages_meet_wcag_aa(live_server, page, make_user, make_class, lang):

    recurrence = make_class(exceptions=[(date(2026, 9, 10), "教师培训")])
    user = make_user("staff")
    sign_in(page, live_server, user, lang)
    for path in ("/staff/recurrences/", "/staff/recurrences/new", f"/staff/recurrences/{recurrence.id}"):
        page.goto(f"{live_server}{path}")
        assert axe_violations(page) == [], path
    page.goto(f"{live_server}/staff/recurrences/new")
    page.uncheck("#weekdays-0")
    page.click("main form button[type=submit], main form input[type=submit]")
    assert page.locator("#title-error").is_visible()
    assert axe_violations(page) == []
    # Shortening over a registrant: the page that says who is told, then the reason.
    register(services.occurrences(recurrence)[-1], name="王小明", phone="13800000000", email="parent@example.org")
    db.session.commit()
    page.goto(f"{live_server}/staff/recurrences/{recurrence.id}")
    page.fill("#range-ends_on", "2026-09-17")
    page.locator("#range-ends_on").press("Enter")
    expect(page.locator("h1")).to_have_text("Take off 1 occurrence?" if lang == "en" else "撤下 1 场活动？")
    assert axe_violations(page) == []
    page.fill("#range-reason", "学期提前结束")
    page.locator("main form input[type=submit]").click()
    expect(page.locator(".flash-success")).to_contain_text(
        "Dates changed: 0 occurrences added, 1 taken off." if lang == "en" else "日期已修改：新增 0 场，撤下 1 场。"
    )
    db.session.expire_all()
    assert services.occurrences(recurrence)[-1].status == "cancelled"


def test_the_partners_given_are_on_every_occurrence_and_a_bad_row_is_named(client, staff, make_venue):
    from outreach.events.models import EventPartner
    from outreach.places.models import Partner

    school = Partner(name="南门小学", name_en="Nanmen Primary School")
    db.session.add(school)
    db.session.commit()
    twice = {"partners-0-partner_id": str(school.id), "partners-0-role": "host",
             "partners-1-partner_id": str(school.id), "partners-1-role": "sponsor"}
    response = new_class(client, make_venue(), **twice)
    assert response.status_code == 422
    assert "Name each partner once." in response.get_data(as_text=True)
    assert recurrence_count() == 0
    response = new_class(client, make_venue(), **{"partners-0-partner_id": str(school.id), "partners-0-role": "host"})
    assert response.status_code == 303
    rows = db.session.execute(select(EventPartner.partner_id, EventPartner.role)).all()
    assert len(rows) == 8 and set(rows) == {(school.id, "host")}


def test_a_weekly_event_takes_the_group_caps_into_every_occurrence(client, staff, make_venue):
    response = new_class(client, make_venue(), max_party_size="4", groups_capacity="20", max_group_size="15")
    assert response.status_code == 303
    recurrence = db.session.scalars(select(Recurrence)).one()
    assert {(e.groups_capacity, e.max_group_size) for e in services.occurrences(recurrence)} == {(20, 15)}
    form = client.get("/staff/recurrences/new?lang=en").get_data(as_text=True)
    assert 'name="groups_capacity"' in form and 'name="max_group_size"' in form
