"""Branch staff (issue 15 point 3): a staff member of a branch sees their branch's records first,
may look at the rest, and changes only their branch's, on both doors; an admin sets the branch."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from outreach import clock
from outreach.accounts.models import User
from outreach.events.models import Event
from outreach.extensions import db
from outreach.platform.models import AuditEntry, ExportJob
from outreach.registration import services as registration
from outreach.registration.models import CheckIn
from outreach.timezone import local_date
from outreach.volunteers.models import Shift
from tests.events.helpers import event_data
from tests.helpers import assert_valid_html, csrf_token_from, field_error


@pytest.fixture
def places(make_branch, make_venue):
    """Two branches with a room each."""
    xinghai = make_branch(name="星海明筑分馆", name_en="Xinghai Mingzhu Branch")
    nanmen = make_branch(name="南门分馆", name_en="Nanmen Branch")
    return {
        "xinghai": xinghai, "nanmen": nanmen,
        "xinghai_room": make_venue(branch=xinghai, name="讲坛活动室", name_en="Forum room"),
        "nanmen_room": make_venue(branch=nanmen, name="少儿阅览室", name_en="Children's room"),
    }


@pytest.fixture
def events(places, make_event):
    """An event at each branch, on soon (the door is open)."""
    start = clock.now() + timedelta(minutes=20)
    return {
        "theirs": make_event(title="星海讲坛", title_en="Xinghai Forum", venue=places["xinghai_room"], starts_at=start),
        "ours": make_event(title="南门故事会", title_en="Nanmen Story Time", venue=places["nanmen_room"], starts_at=start),
    }


@pytest.fixture
def nanmen_staff(make_user, places):
    return make_user("staff", name="南门馆员", branch_id=places["nanmen"].id)


def status_form(client, status="completed"):
    return {"csrf_token": csrf_token_from(client, "/tickets/find"), "status": status, "reason": ""}


# --- the rule on the pages --------------------------------------------------------------------


def test_a_page_change_to_another_branchs_event_is_refused_and_its_own_goes_through(
    client, login, nanmen_staff, events, places
):
    login(nanmen_staff)
    theirs, ours = events["theirs"], events["ours"]
    refused = client.post(f"/staff/events/{theirs.id}/edit?lang=en",
                          data=event_data(client, places["xinghai_room"], title="改掉的标题"))
    assert refused.status_code == 403
    assert "only that branch's staff may change it" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, theirs.id).title == "星海讲坛"
    assert client.get(f"/staff/events/{theirs.id}/edit").status_code == 403
    assert client.post(f"/staff/events/{theirs.id}/status", data=status_form(client)).status_code == 403
    # ... but they may look at it
    assert client.get(f"/staff/events/{theirs.id}").status_code == 200

    done = client.post(f"/staff/events/{ours.id}/edit", data=event_data(client, places["nanmen_room"], title="新故事会"))
    assert done.status_code == 303
    db.session.expire_all()
    assert db.session.get(Event, ours.id).title == "新故事会"
    assert db.session.get(Event, theirs.id).status == "published"


def test_the_refusal_is_translated(client, login, nanmen_staff, events):
    login(nanmen_staff)
    response = client.post(f"/staff/events/{events['theirs'].id}/status?lang=zh_Hans", data=status_form(client))
    assert response.status_code == 403
    assert "这是其他馆点的记录：您可以查看，但只有该馆点的工作人员可以修改。" in response.get_data(as_text=True)


def test_an_event_at_another_branchs_venue_is_refused_beside_the_venue_field(client, login, nanmen_staff, places):
    login(nanmen_staff)
    response = client.post("/staff/events/new?lang=en", data=event_data(client, places["xinghai_room"]))
    assert response.status_code == 403
    assert_valid_html(response)
    assert field_error(response.get_data(as_text=True), "venue_id") == (
        "This venue belongs to another branch: choose one of your branch&#39;s venues.")
    assert response.get_data(as_text=True).count("This venue belongs to another branch") == 2  # summary and field
    assert db.session.scalar(select(func.count(Event.id))) == 0
    assert client.post("/staff/events/new", data=event_data(client, places["nanmen_room"])).status_code == 303
    assert db.session.scalar(select(Event.venue_id)) == places["nanmen_room"].id


def test_the_scanner_of_another_branch_may_be_looked_at_not_worked(client, login, nanmen_staff, events):
    login(nanmen_staff)
    theirs, ours = events["theirs"], events["ours"]
    made = registration.register(theirs, name="张三", phone="13812345678")
    db.session.commit()
    code = registration.ticket_token(made.registration)
    assert client.get(f"/scan/{theirs.id}").status_code == 200
    csrf = csrf_token_from(client, f"/scan/{theirs.id}")
    assert client.post(f"/scan/{theirs.id}", data={"csrf_token": csrf, "code": code}).status_code == 403
    assert client.post(f"/scan/{theirs.id}", data={"csrf_token": csrf, "add": "1"}).status_code == 403
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0
    mine = registration.register(ours, name="李四", phone="13912345678")
    db.session.commit()
    answer = client.post(f"/scan/{ours.id}", data={"csrf_token": csrf, "code": registration.ticket_token(mine.registration)})
    assert answer.status_code == 200
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1


def test_staff_without_a_branch_and_admins_change_every_branch(client, login, make_user, events):
    for user in (make_user("staff"), make_user("admin")):
        client.post("/logout", data={"csrf_token": csrf_token_from(client, "/tickets/find")})
        login(user)
        assert client.get(f"/staff/events/{events['theirs'].id}/edit").status_code == 200
        assert client.get(f"/staff/events/{events['ours'].id}/edit").status_code == 200


# --- the rule on the API ----------------------------------------------------------------------


def test_an_api_patch_of_another_branchs_event_is_refused_with_other_branch(client, api_token, nanmen_staff, events):
    headers = api_token(nanmen_staff)
    theirs, ours = events["theirs"], events["ours"]
    response = client.patch(f"/api/v1/events/{theirs.id}", json={"title": "改掉"},
                            headers={**headers, "Accept-Language": "en"})
    assert response.status_code == 403
    assert response.get_json() == {"error": {
        "code": "other_branch",
        "message": "This belongs to another branch: you may look at it, but only that branch's staff may change it.",
    }}
    chinese = client.patch(f"/api/v1/events/{theirs.id}", json={"title": "改掉"},
                           headers={**headers, "Accept-Language": "zh-CN"})
    assert chinese.get_json()["error"]["message"] == "这是其他馆点的记录：您可以查看，但只有该馆点的工作人员可以修改。"
    db.session.expire_all()
    assert db.session.get(Event, theirs.id).title == "星海讲坛"
    assert client.get(f"/api/v1/events/{theirs.id}", headers=headers).status_code == 200

    assert client.patch(f"/api/v1/events/{ours.id}", json={"title": "新故事会"}, headers=headers).status_code == 200
    db.session.expire_all()
    assert db.session.get(Event, ours.id).title == "新故事会"


def test_an_api_check_in_at_another_branchs_door_is_refused(client, api_token, nanmen_staff, events):
    headers = api_token(nanmen_staff)
    theirs, ours = events["theirs"], events["ours"]
    made = registration.register(theirs, name="张三", phone="13812345678")
    mine = registration.register(ours, name="李四", phone="13912345678")
    db.session.commit()
    token, my_token = registration.ticket_token(made.registration), registration.ticket_token(mine.registration)
    refused = client.post("/api/v1/checkins", json={"token": token, "event_id": theirs.id}, headers=headers)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "other_branch"
    refused = client.post("/api/v1/checkins", json={"token": token}, headers=headers)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "other_branch"
    walkins = client.post(f"/api/v1/events/{theirs.id}/walkins", json={"count": 2}, headers=headers)
    assert walkins.status_code == 403 and walkins.get_json()["error"]["code"] == "other_branch"
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0
    # reading the door is allowed
    assert client.get(f"/api/v1/events/{theirs.id}/attendance", headers=headers).status_code == 200

    done = client.post("/api/v1/checkins", json={"token": my_token, "event_id": ours.id}, headers=headers)
    assert done.status_code == 200 and done.get_json()["result"] == "checked_in"


def test_shifts_of_another_branchs_event_cannot_be_added_by_the_api(client, api_token, nanmen_staff, events):
    headers = api_token(nanmen_staff)
    start = clock.now() + timedelta(days=1)
    body = {"role": "引导", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(), "slots": 2}
    refused = client.post(f"/api/v1/events/{events['theirs'].id}/shifts", json=body, headers=headers)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "other_branch"
    assert db.session.scalar(select(func.count(Shift.id))) == 0
    assert client.post(f"/api/v1/events/{events['ours'].id}/shifts", json=body, headers=headers).status_code == 201


# --- lists open on the staff member's branch --------------------------------------------------


def test_the_staff_home_shows_their_branch_first_and_all_branches_on_asking(client, login, nanmen_staff, events):
    login(nanmen_staff)
    home = client.get("/staff/?lang=en")
    assert_valid_html(home)
    html = home.get_data(as_text=True)
    assert "Nanmen Story Time" in html and "Xinghai Forum" not in html
    everything = client.get("/staff/?lang=en&branch=").get_data(as_text=True)
    assert "Nanmen Story Time" in everything and "Xinghai Forum" in everything
    other = client.get(f"/staff/?lang=en&branch={events['theirs'].venue.branch_id}").get_data(as_text=True)
    assert "Nanmen Story Time" not in other and "Xinghai Forum" in other


def test_staff_without_a_branch_see_every_branch(client, login, make_user, events):
    login(make_user("staff"))
    html = client.get("/staff/?lang=en").get_data(as_text=True)
    assert "Nanmen Story Time" in html and "Xinghai Forum" in html


def test_the_week_pages_and_shifts_open_on_their_branch(client, login, nanmen_staff, events):
    login(nanmen_staff)
    for event in events.values():
        db.session.add(Shift(event_id=event.id, role=f"引导{event.id}", starts_at=event.starts_at,
                             ends_at=event.ends_at, slots=2))
    db.session.commit()
    week = client.get("/staff/calendar/week?lang=en").get_data(as_text=True)
    assert "Nanmen Story Time" in week and "Xinghai Forum" not in week
    assert "Xinghai Forum" in client.get("/staff/calendar/week?lang=en&branch=").get_data(as_text=True)
    overview = client.get("/staff/calendar/?lang=en")
    assert_valid_html(overview)
    assert "Nanmen Story Time" in overview.get_data(as_text=True) and "Xinghai Forum" not in overview.get_data(as_text=True)
    theirs, ours = f"引导{events['theirs'].id}", f"引导{events['ours'].id}"
    shifts = client.get("/staff/volunteers/shifts?lang=en")
    assert_valid_html(shifts)
    assert ours in shifts.get_data(as_text=True) and theirs not in shifts.get_data(as_text=True)
    assert theirs in client.get("/staff/volunteers/shifts?lang=en&branch=").get_data(as_text=True)


def test_the_reports_dashboard_defaults_to_their_branch(client, login, nanmen_staff, places):
    login(nanmen_staff)
    html = client.get("/reports?lang=en").get_data(as_text=True)
    assert f'<option selected value="{places["nanmen"].id}">' in html or \
        f'<option value="{places["nanmen"].id}" selected>' in html
    html = client.get("/reports?lang=en&branch_id=").get_data(as_text=True)
    assert f'value="{places["nanmen"].id}" selected' not in html and f'selected value="{places["nanmen"].id}"' not in html


# --- an admin sets the branch -----------------------------------------------------------------


def test_an_admin_sets_and_clears_a_staff_members_branch_audited(client, login, make_user, places):
    admin, member = make_user("admin"), make_user("staff", name="王馆员")
    login(admin)
    page = client.get(f"/admin/accounts/{member.id}?lang=en")
    assert_valid_html(page)
    assert "Save the branch" in page.get_data(as_text=True)
    csrf = csrf_token_from(client, "/tickets/find")
    response = client.post(f"/admin/accounts/{member.id}/branch?lang=en",
                           data={"csrf_token": csrf, "branch_id": str(places["nanmen"].id)})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, member.id).branch_id == places["nanmen"].id
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "王馆员 now belongs to Nanmen Branch." in shown
    listing = client.get("/admin/accounts?lang=en&role=staff").get_data(as_text=True)
    assert "Nanmen Branch" in listing

    assert client.post(f"/admin/accounts/{member.id}/branch", data={"csrf_token": csrf, "branch_id": ""}).status_code == 303
    db.session.expire_all()
    assert db.session.get(User, member.id).branch_id is None
    entries = db.session.execute(
        select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.data)
        .where(AuditEntry.action == "user.branch").order_by(AuditEntry.id)
    ).all()
    assert [tuple(e) for e in entries] == [
        ("user.branch", admin.id, {"from": None, "to": places["nanmen"].id}),
        ("user.branch", admin.id, {"from": places["nanmen"].id, "to": None}),
    ]


def test_a_branch_is_refused_for_an_unknown_branch_and_a_volunteer(client, login, make_user):
    admin, member, helper = make_user("admin"), make_user("staff"), make_user("volunteer")
    login(admin)
    csrf = csrf_token_from(client, "/tickets/find")
    bad = client.post(f"/admin/accounts/{member.id}/branch?lang=en", data={"csrf_token": csrf, "branch_id": "98765"})
    assert bad.status_code == 422
    assert field_error(bad.get_data(as_text=True), "branch_id") == "Choose a branch from the list."
    assert client.post(f"/admin/accounts/{helper.id}/branch", data={"csrf_token": csrf, "branch_id": ""}).status_code == 409
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "user.branch")) == 0


def test_the_cli_creates_a_staff_member_of_a_branch(runner, places):
    result = runner.invoke(args=["users", "create", "nm@example.org", "--role", "staff", "--password",
                                 "quiet lantern harbour", "--branch", "南门分馆"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.branch_id).where(User.email == "nm@example.org")) == places["nanmen"].id
    result = runner.invoke(args=["users", "create", "xh@example.org", "--role", "staff", "--password",
                                 "quiet lantern harbour", "--branch", str(places["xinghai"].id)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create", "no@example.org", "--role", "staff", "--password",
                                 "quiet lantern harbour", "--branch", "Nowhere"])
    assert result.exit_code != 0 and "No active branch" in result.output
    result = runner.invoke(args=["users", "create", "ad@example.org", "--role", "admin", "--password",
                                 "quiet lantern harbour", "--branch", "南门分馆"])
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count(User.id)).where(User.email.in_(("no@example.org", "ad@example.org")))) == 0


def test_a_registration_is_not_moved_into_another_branchs_event(client, login, nanmen_staff, events, make_event, places):
    login(nanmen_staff)
    ours, theirs = events["ours"], events["theirs"]
    later = make_event(title="南门故事会 下期", venue=places["nanmen_room"], starts_at=ours.starts_at + timedelta(days=7))
    for event in (ours, theirs, later):
        event.starts_at, event.ends_at = event.starts_at + timedelta(days=3), event.ends_at + timedelta(days=3)
    mover = registration.register(ours, name="王小明", phone="13812345678").registration
    db.session.commit()
    url = f"/staff/events/{ours.id}/registrations/{mover.id}/move?lang=en"
    csrf = csrf_token_from(client, url)
    refused = client.post(url, data={"csrf_token": csrf, "target": theirs.id, "confirmed": "1"})
    assert refused.status_code == 403
    assert "only that branch&#39;s staff may change it" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(mover), mover.id).event_id == ours.id
    done = client.post(url, data={"csrf_token": csrf, "target": later.id, "confirmed": "1"})
    assert done.status_code == 303
    db.session.expire_all()
    assert db.session.get(type(mover), mover.id).event_id == later.id


def test_a_days_roster_opens_on_their_branch_and_prints_what_it_shows(client, login, nanmen_staff, events):
    login(nanmen_staff)
    for event in events.values():
        db.session.add(Shift(event_id=event.id, role=f"引导{event.id}", starts_at=event.starts_at,
                             ends_at=event.ends_at, slots=2))
    db.session.add(Shift(event_id=None, role="总服务台值班", starts_at=events["ours"].starts_at,
                         ends_at=events["ours"].ends_at, slots=1))  # a standing duty: the whole library's
    db.session.commit()
    theirs, ours = f"引导{events['theirs'].id}", f"引导{events['ours'].id}"
    day = local_date(events["ours"].starts_at).isoformat()
    page = client.get(f"/staff/volunteers/rosters/days/{day}?lang=en")
    assert_valid_html(page)
    html = page.get_data(as_text=True)
    assert ours in html and "总服务台值班" in html and theirs not in html
    everything = client.get(f"/staff/volunteers/rosters/days/{day}?lang=en&branch=").get_data(as_text=True)
    assert theirs in everything and ours in everything
    printed = client.post(f"/staff/volunteers/rosters/days/{day}/print",
                          data={"csrf_token": csrf_token_from(client, "/tickets/find")})
    assert printed.status_code == 303
    export = db.session.scalar(select(ExportJob).order_by(ExportJob.id.desc()))
    assert export.params == {"day": day, "branch_id": nanmen_staff.branch_id} and export.total == 2
