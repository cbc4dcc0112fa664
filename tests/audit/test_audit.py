"""The admins' audit log: every change to events, registrations, check-ins, walk-ins and hours
in one list, with filters (who, what, when, which event), paged, in a constant number of queries."""

from datetime import timedelta

import html5lib
import pytest
from playwright.sync_api import expect

from outreach import clock
from outreach.extensions import db
from outreach.platform.models import AuditEntry
from outreach.registration import services as registration
from outreach.timezone import local_date
from tests.helpers import assert_valid_html, axe_violations, count_statements, field_error, new_phone, sign_in


@pytest.fixture
def admin(make_user):
    return make_user("admin", name="管理员甲")


@pytest.fixture
def door_event(make_event, admin):
    """An event whose door is open now, with one registration checked in and three walk-ins."""
    event = make_event(title="少儿绘本讲座", title_en="Picture-book talk",
                       starts_at=clock.now() + timedelta(minutes=10), actor=admin)
    ticket = registration.register(event, name="王小明", phone="13812345678")
    db.session.commit()
    registration.check_in(ticket.registration, event=event, actor=admin)
    registration.add_walkins(event, 3, actor=admin)
    db.session.commit()
    return event


def rows_of(html: str) -> list[list[str]]:
    document = html5lib.parse(html, namespaceHTMLElements=False)
    rows = []
    for tr in document.findall(".//table[@class='audit-log']/tbody/tr"):
        cells = [" ".join("".join(td.itertext()).split()) for td in tr.findall("td")]
        rows.append([*cells, tr.find(".//code").text])  # the action last
    return rows


def test_admins_see_changes_and_the_doors_admissions_in_one_list(client, login, admin, door_event):
    login(admin)
    response = client.get("/staff/audit/?lang=en")
    assert response.status_code == 200
    assert_valid_html(response)
    rows = rows_of(response.get_data(as_text=True))
    actions = [row[2] for row in rows]
    assert any("Check-ins checkin.door Registration" in a for a in actions)
    assert any(a.startswith("Walk-ins and headcounts walkin.door") for a in actions)
    assert any(a.startswith("Registrations registration.create") for a in actions)
    assert any(a.startswith("Events event.create") for a in actions)
    walkin = next(row for row in rows if "walkin.door" in row[2])
    assert walkin[1] == "管理员甲 Administrator" and walkin[3] == "Picture-book talk" and walkin[4] == "count: 3"
    # Nothing that identifies the patron: no name, no phone.
    html = response.get_data(as_text=True)
    assert "王小明" not in html and "13812345678" not in html


def test_registration_entries_name_their_event(admin, door_event):
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "registration.create"))
    assert entry.event_id == door_event.id and entry.object_type == "Registration"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"what": "checkins"}, {"checkin.door"}),
        ({"what": "walkins"}, {"walkin.door"}),
        ({"what": "registrations"}, {"registration.create"}),
        ({"what": "events"}, {"event.create"}),
        ({"who": "nobody@example.org"}, set()),
    ],
)
def test_the_what_and_who_filters(client, login, admin, door_event, args, expected):
    login(admin)
    response = client.get("/staff/audit/", query_string={"lang": "en", **args})
    assert response.status_code == 200
    actions = {row[-1] for row in rows_of(response.get_data(as_text=True))}
    assert actions == expected


def test_filter_by_person_event_and_day(client, login, admin, make_user, make_event, door_event):
    other = make_user("staff", name="馆员乙")
    elsewhere = make_event(title="书法展", actor=other)
    login(admin)
    by_other = client.get("/staff/audit/", query_string={"who": other.email, "lang": "en"})
    assert {row[3] for row in rows_of(by_other.get_data(as_text=True))} == {"书法展"}
    by_name = client.get("/staff/audit/", query_string={"who": "管理员", "lang": "en"})
    assert {row[1] for row in rows_of(by_name.get_data(as_text=True))} == {"管理员甲 Administrator"}
    of_event = client.get("/staff/audit/", query_string={"event": str(elsewhere.id), "lang": "en"})
    assert [row[-1] for row in rows_of(of_event.get_data(as_text=True))] == ["event.create"]
    assert "Audit log: 书法展" in of_event.get_data(as_text=True)
    today = local_date(clock.now()).isoformat()
    tomorrow = (local_date(clock.now()) + timedelta(days=1)).isoformat()
    everything = rows_of(client.get("/staff/audit/").get_data(as_text=True))
    assert len(everything) == 8  # two events, a registration, its check-in, the walk-ins, three log-ins
    assert rows_of(client.get("/staff/audit/", query_string={"from": today, "to": today}).get_data(as_text=True)) == everything
    assert rows_of(client.get("/staff/audit/", query_string={"from": tomorrow}).get_data(as_text=True)) == []


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        ({"from": "2026-13-01"}, "audit-from", "Give a date as YYYY-MM-DD."),
        ({"from": "2026-05-02", "to": "2026-05-01"}, "audit-to", "The end date is before the start date."),
        ({"event": "²"}, "audit-event", "Enter a whole number of 1 or more."),
        ({"event": "99999999999999999999999"}, "audit-event", "Enter a whole number of 1 or more."),
        ({"what": "secrets"}, "audit-what", "Choose from the list."),
    ],
)
def test_a_filter_that_cannot_be_read_is_named_beside_it(client, login, admin, args, field, message):
    login(admin)
    response = client.get("/staff/audit/", query_string={"lang": "en", **args})
    assert response.status_code == 422
    assert_valid_html(response)
    assert field_error(response.get_data(as_text=True), field) == message


def test_only_admins_read_it(client, login, make_user, api_token):
    assert client.get("/staff/audit/").status_code in (302, 401)
    login(make_user("staff"))
    assert client.get("/staff/audit/").status_code == 403
    assert client.get("/api/v1/audit", headers=api_token(make_user("staff"))).status_code == 403
    assert client.get("/api/v1/audit", headers=api_token(make_user("volunteer"))).status_code == 403


def test_the_api_gives_the_same_entries(client, admin, api_token, door_event):
    response = client.get("/api/v1/audit?what=walkins", headers=api_token(admin))
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 50
    (entry,) = body["entries"]
    assert entry["action"] == "walkin.door" and entry["kind"] == "walkins" and entry["data"] == {"count": 3}
    assert entry["event_id"] == door_event.id and entry["actor"] == {"id": admin.id, "name": "管理员甲", "role": "admin"}
    assert entry["at"].endswith("+08:00")
    bad = client.get("/api/v1/audit?from=yesterday", headers=api_token(admin))
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"from"}


def _many(make_event, admin, n: int):
    event = make_event(starts_at=clock.now() + timedelta(minutes=10), actor=admin)
    for _ in range(n):
        made = registration.register(event, name="读者", phone=new_phone())
        db.session.flush()
        registration.check_in(made.registration, event=event, actor=admin)
    db.session.commit()


def test_a_page_costs_the_same_queries_with_5_and_50_rows_and_is_paged(client, login, admin, make_event):
    login(admin)
    _many(make_event, admin, 5)
    with count_statements() as small:
        assert client.get("/staff/audit/").status_code == 200
    _many(make_event, admin, 45)
    with count_statements() as large:
        response = client.get("/staff/audit/?lang=en")
    assert response.status_code == 200
    assert large.n == small.n
    html = response.get_data(as_text=True)
    assert len(rows_of(html)) == 50 and "104 entries. Page 1 of 3." in " ".join(html.split())
    second = client.get("/staff/audit/?page=3&lang=en").get_data(as_text=True)
    assert len(rows_of(second)) == 4
    assert client.get("/staff/audit/?page=99").status_code == 200  # past the end: the last page


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_the_page_meets_wcag_aa_at_phone_size(live_server, page, admin, door_event, lang):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, admin, lang)
    page.goto(f"{live_server}/staff/audit/")
    expect(page.locator("table.audit-log tbody tr")).to_have_count(6)
    assert axe_violations(page) == []
    page.select_option("#audit-what", "checkins")
    page.locator("form.filters button[type=submit]").click()
    expect(page.locator("table.audit-log tbody tr")).to_have_count(1)
    assert axe_violations(page) == []
