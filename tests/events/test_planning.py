"""What each type of event needs on the staff form: speaker biography, registration questions
and window, partners, set-up and tear-down; room double-booking; an exhibition's works."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from outreach.events import services
from outreach.events.models import Event, EventPartner, Exhibit
from outreach.places.models import Partner
from outreach.events.services import EventError
from outreach.extensions import db
from outreach.platform.models import AuditEntry
from tests.events.helpers import event_data
from tests.helpers import assert_valid_html, csrf_token_from, in_days, run_in_threads

SHANGHAI = timezone(timedelta(hours=8))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def partners():
    rows = [Partner(name="台北城", name_en="Taipei City"), Partner(name="醴陵市教育局", name_en="Liling Education Bureau")]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def audit_actions(event) -> list[str]:
    return list(db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "Event", AuditEntry.object_id == event.id)
        .order_by(AuditEntry.id)
    ))


# --- the staff form ------------------------------------------------------------------------------


def test_a_lecture_with_biography_questions_window_partners_and_room_times(client, staff, hall, partners):
    taipei, bureau = partners
    data = event_data(
        client, hall, speaker_bio="湖南师范大学教授，研究地方文献三十年。", speaker_bio_en="Professor at Hunan Normal University.",
        registration_opens_at="2026-11-28T09:00", registration_closes_at="2026-12-04T18:00", checkin_opens_minutes="30",
        setup_minutes="45", teardown_minutes="15",
        **{
            "questions-0-label": "学校", "questions-0-label_en": "School", "questions-0-required": "y",
            "questions-1-label": "年级", "questions-1-choices": "一年级、二年级, 三年级",
            "questions-2-label": "  ",
            "partners-0-partner_id": str(taipei.id), "partners-0-role": "naming_sponsor",
            "partners-1-partner_id": str(bureau.id), "partners-1-role": "co_organiser",
            "partners-2-partner_id": "", "partners-2-role": "sponsor",
        },
    )
    response = client.post("/staff/events/new?lang=en", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    event = db.session.scalar(select(Event))
    assert event.speaker_bio == "湖南师范大学教授，研究地方文献三十年。"
    assert event.speaker_bio_en == "Professor at Hunan Normal University."
    assert event.questions == [
        {"key": "q1", "label": "学校", "label_en": "School", "required": True},
        {"key": "q2", "label": "年级", "required": False, "choices": ["一年级", "二年级", "三年级"]},
    ]
    assert event.registration_opens_at == datetime(2026, 11, 28, 1, 0, tzinfo=timezone.utc)
    assert event.registration_closes_at == datetime(2026, 12, 4, 10, 0, tzinfo=timezone.utc)
    assert (event.checkin_opens_minutes, event.setup_minutes, event.teardown_minutes) == (30, 45, 15)
    assert sorted((link.partner_id, link.role) for link in event.partner_links) == sorted(
        [(taipei.id, "naming_sponsor"), (bureau.id, "co_organiser")]
    )
    assert audit_actions(event) == ["event.create", "event.partners"]

    # The public page shows the biography and the partners, in each language.
    html = client.get(f"/events/{event.id}?lang=en").get_data(as_text=True)
    assert "About the speaker" in html and "Professor at Hunan Normal University." in html
    assert "Taipei City (Naming sponsor)" in html
    html = client.get(f"/events/{event.id}?lang=zh_Hans").get_data(as_text=True)
    assert "湖南师范大学教授，研究地方文献三十年。" in html and "台北城（冠名单位）" in html


def test_editing_keeps_question_keys_and_adds_new_ones(client, staff, hall, make_event):
    event = make_event(venue=hall, questions=[{"key": "school", "label": "学校", "required": True}])
    page = client.get(f"/staff/events/{event.id}/edit?lang=en")
    document = assert_valid_html(page)
    assert document.find(".//input[@name='questions-0-key']").get("value") == "school"
    assert document.find(".//input[@name='questions-0-label']").get("value") == "学校"
    assert document.find(".//input[@name='questions-0-required']").get("checked") is not None
    # One question shown, and four empty rows to add more.
    keys = [i.get("name") for i in document.findall(".//input[@type='hidden'][@name]") if i.get("name") != "csrf_token"]
    assert keys == [f"questions-{n}-key" for n in range(5)]
    assert document.find(".//input[@name='questions-4-label']") is not None

    data = event_data(client, hall, starts_at="2026-12-02T14:00", ends_at="2026-12-02T16:00", **{
        "questions-0-key": "school", "questions-0-label": "就读学校", "questions-0-required": "y",
        "questions-1-label": "作品名称",
    })
    data["csrf_token"] = csrf_token_from(client, f"/staff/events/{event.id}/edit")
    del data["status"]
    assert client.post(f"/staff/events/{event.id}/edit", data=data).status_code == 303
    db.session.expire_all()
    assert db.session.get(Event, event.id).questions == [
        {"key": "school", "label": "就读学校", "required": True},
        {"key": "q1", "label": "作品名称", "required": False},
    ]


def test_bad_rows_are_answered_above_their_group_and_nothing_is_saved(client, staff, hall, partners):
    taipei, bureau = partners
    twice = event_data(client, hall, **{
        "partners-0-partner_id": str(taipei.id), "partners-0-role": "naming_sponsor",
        "partners-1-partner_id": str(taipei.id), "partners-1-role": "sponsor",
    })
    response = client.post("/staff/events/new?lang=en", data=twice)
    assert response.status_code == 422
    assert_valid_html(response)
    assert '<p class="field-error" id="partners-error">Name each partner once.</p>' in response.get_data(as_text=True)
    # The error summary at the top of the long form leads to the group's message.
    assert '<li><a href="#partners-error">Name each partner once.</a></li>' in response.get_data(as_text=True)

    two_names = event_data(client, hall, **{
        "partners-0-partner_id": str(taipei.id), "partners-0-role": "naming_sponsor",
        "partners-1-partner_id": str(bureau.id), "partners-1-role": "naming_sponsor",
    })
    response = client.post("/staff/events/new?lang=zh_Hans", data=two_names)
    assert response.status_code == 422
    assert "一项活动最多只有一个冠名单位。" in response.get_data(as_text=True)

    long_setup = event_data(client, hall, setup_minutes="1441")
    response = client.post("/staff/events/new?lang=en", data=long_setup)
    assert response.status_code == 422
    assert 'id="setup_minutes-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Event.id))) == 0
    assert db.session.scalar(select(func.count()).select_from(EventPartner)) == 0


# --- room double-booking --------------------------------------------------------------------------


def test_set_up_and_tear_down_widen_a_booking(app, make_event, make_venue):
    room = make_venue()
    first = make_event(venue=room, starts_at=at(5, 9), ends_at=at(5, 11), teardown_minutes=30)
    # 11:15 falls in the first event's tear-down; 11:30 does not.
    with pytest.raises(EventError) as refused:
        make_event(venue=room, starts_at=at(5, 11, 15), ends_at=at(5, 12))
    assert refused.value.code == "room_booked" and refused.value.status == 409
    assert set(refused.value.fields) == {"venue_id", "booking_override_reason"}
    db.session.rollback()
    make_event(venue=room, starts_at=at(5, 11, 30), ends_at=at(5, 12))
    # A set-up of its own makes a later event reach back into the first.
    with pytest.raises(EventError):
        make_event(venue=room, starts_at=at(5, 12, 30), ends_at=at(5, 13), setup_minutes=31)
    db.session.rollback()
    # Another room, an online venue, or the first event cancelled: no clash.
    make_event(venue=make_venue(), starts_at=at(5, 9), ends_at=at(5, 11))
    online = make_venue(kind="online")
    make_event(venue=online, starts_at=at(5, 9), ends_at=at(5, 11))
    make_event(venue=online, starts_at=at(5, 9), ends_at=at(5, 11))
    services.change_status(first, "cancelled")
    db.session.commit()
    make_event(venue=room, starts_at=at(5, 9), ends_at=at(5, 11))
    assert db.session.scalar(select(func.count(Event.id)).where(Event.venue_id == room.id)) == 3


def test_an_override_reason_books_the_room_anyway_and_is_audited(app, make_event, make_venue):
    room = make_venue()
    first = make_event(venue=room, starts_at=at(5, 9), ends_at=at(5, 11))
    second = make_event(venue=room, starts_at=at(5, 10), ends_at=at(5, 12), booking_override_reason="  两场合办  ")
    assert second.booking_override_reason == "两场合办"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "event.booking_override"))
    assert entry.object_id == second.id and entry.data == {"clashes": [first.id], "reason": "两场合办"}
    # A reason given where none is needed is not kept.
    third = make_event(venue=room, starts_at=at(6, 9), ends_at=at(6, 11), booking_override_reason="不需要")
    assert third.booking_override_reason is None


def test_moving_an_event_into_a_booked_room_is_refused_but_other_edits_are_not(app, make_event, make_venue):
    room, other = make_venue(), make_venue()
    make_event(venue=room, starts_at=at(5, 9), ends_at=at(5, 11))
    moving = make_event(venue=other, starts_at=at(5, 9), ends_at=at(5, 11), title="要搬的活动")
    with pytest.raises(EventError) as refused:
        services.update_event(moving, venue=room)
    assert refused.value.code == "room_booked"
    db.session.rollback()
    kept = make_event(venue=room, starts_at=at(5, 10), ends_at=at(5, 12), booking_override_reason="合办")
    # Editing the title of an event kept by an override needs no new reason, and keeps the old one.
    services.update_event(kept, title="新标题")
    db.session.commit()
    assert (kept.title, kept.booking_override_reason) == ("新标题", "合办")


def test_duplicating_into_a_booked_slot_is_refused(app, make_event, make_venue):
    room = make_venue()
    lecture = make_event(venue=room, starts_at=at(5, 9), ends_at=at(5, 11))
    make_event(venue=room, starts_at=at(12, 9), ends_at=at(12, 11))
    with pytest.raises(EventError) as refused:
        services.duplicate_event(lecture, starts_at=at(12, 10))
    assert refused.value.code == "room_booked"
    db.session.rollback()
    assert services.duplicate_event(lecture, starts_at=at(19, 9)).ends_at == at(19, 11)


def test_the_form_shows_the_clash_beside_the_venue_and_takes_a_reason(client, staff, hall, make_event):
    make_event(venue=hall, title="已有的讲座", title_en="The lecture already there",
               starts_at=at(5, 9), ends_at=at(5, 11))
    data = event_data(client, hall, starts_at="2026-12-05T10:00", ends_at="2026-12-05T12:00")
    response = client.post("/staff/events/new?lang=en", data=data)
    assert response.status_code == 422
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    assert 'id="venue_id-error"' in html and 'id="booking_override_reason-error"' in html
    assert "The room is booked then: “The lecture already there”" in html
    assert db.session.scalar(select(func.count(Event.id))) == 1
    html = client.post("/staff/events/new?lang=zh_Hans", data=data).get_data(as_text=True)
    assert "该场地此时已被预订：“已有的讲座”" in html

    data["booking_override_reason"] = "同一批听众，合并举办"
    assert client.post("/staff/events/new", data=data).status_code == 303
    assert db.session.scalar(select(Event.booking_override_reason).where(Event.title == "星海讲坛")) == "同一批听众，合并举办"


# --- an exhibition's works ---------------------------------------------------------------------------


@pytest.fixture
def exhibition(make_event, make_venue):
    return make_event(
        type="exhibition", title="少儿美术作品展", title_en="Children's Art", registration="none",
        venue=make_venue(kind="exhibition"), starts_at=at(1, 9), ends_at=at(20, 17),
    )


def test_works_are_added_one_by_one_and_in_bulk(client, staff, exhibition):
    path = f"/staff/events/{exhibition.id}/exhibits"
    page = client.get(path + "?lang=en")
    assert page.status_code == 200
    assert_valid_html(page)
    assert "No works are listed yet." in page.get_data(as_text=True)
    one = {"one-csrf_token": csrf_token_from(client, path), "one-title": "我的家乡", "one-creator": "王小明",
           "one-age": "9", "one-school": "醴陵市实验小学", "one-note": "水彩", "one-submit": "Save"}
    response = client.post(path + "?lang=en", data=one)
    assert response.status_code == 303
    lines = "春天的田野\t李华\t11\t醴陵市第一中学\n\n瓷城之夜, 张敏\n"
    many = {"many-csrf_token": csrf_token_from(client, path), "many-lines": lines, "many-submit": "Add"}
    response = client.post(path + "?lang=en", data=many)
    assert response.status_code == 303
    rows = db.session.execute(select(Exhibit.position, Exhibit.title, Exhibit.creator, Exhibit.age, Exhibit.school)
                              .order_by(Exhibit.position)).all()
    assert rows == [
        (1, "我的家乡", "王小明", 9, "醴陵市实验小学"),
        (2, "春天的田野", "李华", 11, "醴陵市第一中学"),
        (3, "瓷城之夜", "张敏", None, None),
    ]
    html = client.get(path + "?lang=en").get_data(as_text=True)
    assert "2 works are added." in html and "3 works in the catalogue" in html
    # The public page lists the catalogue.
    public = client.get(f"/events/{exhibition.id}?lang=en")
    assert_valid_html(public)
    html = public.get_data(as_text=True)
    assert "Works shown" in html and "春天的田野" in html and "3 works" in html


def test_a_bad_line_refuses_the_whole_paste(client, staff, exhibition):
    path = f"/staff/events/{exhibition.id}/exhibits"
    lines = "春天的田野,李华,11\n只有标题\n瓷城之夜,张敏,九岁\n"
    data = {"many-csrf_token": csrf_token_from(client, path), "many-lines": lines, "many-submit": "Add"}
    response = client.post(path + "?lang=en", data=data)
    assert response.status_code == 422
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    assert "Line 2: give the title and the creator, then the age and school if known." in html
    assert "Line 3: the age must be a whole number." in html
    response = client.post(path + "?lang=zh_Hans", data=data)
    assert "第 2 行" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Exhibit.id))) == 0
    bad_age = {"one-csrf_token": csrf_token_from(client, path), "one-title": "画", "one-creator": "甲",
               "one-age": "130", "one-submit": "Save"}
    response = client.post(path + "?lang=en", data=bad_age)
    assert response.status_code == 422 and 'id="one-age-error"' in response.get_data(as_text=True)


def test_editing_and_removing_a_work_keeps_the_numbering(client, staff, exhibition):
    services.add_exhibits(exhibition, [{"title": t, "creator": "甲"} for t in ("一", "二", "三")])
    db.session.commit()
    first, second, third = db.session.scalars(select(Exhibit).order_by(Exhibit.position)).all()
    path = f"/staff/events/{exhibition.id}/exhibits/{second.id}"
    page = client.get(path + "?lang=en")
    assert_valid_html(page)
    data = {"csrf_token": csrf_token_from(client, path), "title": "二（修订）", "creator": "乙", "age": "", "school": "", "note": ""}
    assert client.post(path, data=data).status_code == 303
    remove = client.post(f"/staff/events/{exhibition.id}/exhibits/{first.id}/remove",
                         data={"csrf_token": csrf_token_from(client, path)})
    assert remove.status_code == 303
    db.session.expire_all()
    assert db.session.execute(select(Exhibit.position, Exhibit.title, Exhibit.creator).order_by(Exhibit.position)).all() == [
        (1, "二（修订）", "乙"), (2, "三", "甲"),
    ]


def test_only_exhibitions_have_works(client, staff, make_event):
    lecture = make_event()
    with pytest.raises(EventError) as refused:
        services.add_exhibits(lecture, [{"title": "画", "creator": "甲"}])
    assert refused.value.code == "not_an_exhibition"
    assert client.get(f"/staff/events/{lecture.id}/exhibits").status_code == 404


def test_only_staff_edit_the_works(client, make_user, login, exhibition):
    assert client.get(f"/staff/events/{exhibition.id}/exhibits").status_code == 302
    login(make_user("volunteer"))
    assert client.get(f"/staff/events/{exhibition.id}/exhibits").status_code == 403


# --- the API ----------------------------------------------------------------------------------------


@pytest.fixture
def headers(make_user, api_token):
    return api_token(make_user("staff"))


def test_the_api_takes_the_new_fields_and_patches(client, headers, make_venue, partners):
    room = make_venue()
    body = {
        "title": "星海讲坛 第15期", "type": "lecture", "starts_at": "2026-12-05T09:30:00", "ends_at": "2026-12-05T11:00:00",
        "venue_id": room.id, "speaker": "李老师", "speaker_bio": "作家", "setup_minutes": 30, "teardown_minutes": 10,
        "partners": [{"partner_id": partners[0].id, "role": "sponsor"}],
    }
    response = client.post("/api/v1/events", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert (created["speaker_bio"], created["setup_minutes"], created["teardown_minutes"]) == ("作家", 30, 10)
    assert created["partners"] == [{"partner_id": partners[0].id, "name": "台北城", "name_en": "Taipei City", "role": "sponsor"}]
    assert created["exhibits"] == [] and created["round"] is None and created["recurrence_id"] is None

    clash = client.post("/api/v1/events", json={**body, "title": "另一场", "partners": []}, headers=headers)
    assert clash.status_code == 409 and clash.get_json()["error"]["code"] == "room_booked"
    kept = client.post("/api/v1/events", json={**body, "title": "另一场", "booking_override_reason": "合办"}, headers=headers)
    assert kept.status_code == 201 and kept.get_json()["booking_override_reason"] == "合办"

    patched = client.patch(f"/api/v1/events/{created['id']}", json={"capacity": 60, "speaker_bio_en": "A writer"}, headers=headers)
    assert patched.status_code == 200
    assert (patched.get_json()["capacity"], patched.get_json()["speaker_bio_en"], patched.get_json()["title"]) == (60, "A writer", "星海讲坛 第15期")
    bad = client.patch(f"/api/v1/events/{created['id']}", json={"setup_minutes": -5, "status": "published"}, headers=headers)
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"setup_minutes", "status"}

    published = client.post(f"/api/v1/events/{created['id']}/status", json={"status": "published"}, headers=headers)
    assert published.status_code == 200 and published.get_json()["status"] == "published"
    again = client.post(f"/api/v1/events/{created['id']}/status", json={"status": "published"}, headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "bad_status"


def test_the_api_adds_works_to_an_exhibition(client, headers, exhibition, make_user, api_token):
    path = f"/api/v1/events/{exhibition.id}/exhibits"
    response = client.post(path, json={"exhibits": [{"title": "我的家乡", "creator": "王小明", "age": 9}]}, headers=headers)
    assert response.status_code == 201
    assert response.get_json()["exhibits"][0] | {"id": 0} == {
        "id": 0, "position": 1, "title": "我的家乡", "creator": "王小明", "age": 9, "school": None, "note": None,
    }
    bad = client.post(path, json={"exhibits": [{"title": "甲", "creator": ""}, {"title": "乙", "creator": "丙", "age": 200}]}, headers=headers)
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"row-1", "row-2"}
    assert client.get(f"/api/v1/events/{exhibition.id}").get_json()["exhibits"][0]["title"] == "我的家乡"
    assert client.post(path, json={"exhibits": [{"title": "x", "creator": "y"}]},
                       headers=api_token(make_user("volunteer"))).status_code == 403
    assert db.session.scalar(select(func.count(Exhibit.id))) == 1


# --- an exhibition's daily headcount -------------------------------------------------------------------


def test_staff_record_an_exhibitions_visitors_day_by_day(client, staff, make_event, make_venue):
    from outreach.registration.models import WalkIn

    exhibition = make_event(type="exhibition", registration="none", capacity=None, venue=make_venue(kind="exhibition"),
                            starts_at=in_days(-3, hour=9), ends_at=in_days(10, hour=17))
    manage = f"/staff/events/{exhibition.id}"
    page = client.get(manage + "?lang=en")
    document = assert_valid_html(page)
    from outreach import clock
    from outreach.timezone import local_date

    days = [option.get("value") for option in document.findall(".//select[@name='day']/option")]
    first, today = local_date(exhibition.starts_at), local_date(clock.now())
    # From the opening day to today, the latest first.
    assert days == [(today - timedelta(days=n)).isoformat() for n in range((today - first).days + 1)]
    assert len(days) >= 4
    csrf = csrf_token_from(client, manage)
    assert client.post(f"{manage}/headcount", data={"csrf_token": csrf, "day": days[1], "count": "186"}).status_code == 303
    assert client.post(f"{manage}/headcount", data={"csrf_token": csrf, "day": days[1], "count": "14"}).status_code == 303
    assert client.post(f"{manage}/headcount", data={"csrf_token": csrf, "day": days[3], "count": "0"}).status_code == 303
    assert client.post(f"{manage}/headcount", data={"csrf_token": csrf, "day": "2030-01-01", "count": "5"}).status_code == 303
    rows = db.session.execute(select(WalkIn.day, WalkIn.count, WalkIn.source)).all()
    assert [(d.isoformat(), c, s) for d, c, s in rows] == [(days[1], 186, "headcount"), (days[1], 14, "headcount")]
    html = client.get(manage + "?lang=en").get_data(as_text=True)
    assert "Visitors by day" in html and ">200<" in html
    html = client.get(manage + "?lang=zh_Hans").get_data(as_text=True)
    assert "每日到访人数" in html


def test_an_archived_venue_takes_no_new_bookings_but_keeps_its_events(app, make_event, make_venue):
    from outreach.errors import ValidationError

    room, other = make_venue(), make_venue()
    kept = make_event(venue=room, starts_at=at(5, 9), ends_at=at(5, 11))
    room.active = False
    db.session.commit()
    with pytest.raises(ValidationError) as refused:
        make_event(venue=room, starts_at=at(6, 9), ends_at=at(6, 11))
    assert set(refused.value.fields) == {"venue_id"}
    db.session.rollback()
    services.update_event(kept, title="改名")  # its own venue stays
    moving = make_event(venue=other, starts_at=at(7, 9), ends_at=at(7, 11))
    with pytest.raises(ValidationError):
        services.update_event(moving, venue=room)
    db.session.rollback()
    assert [v.id for v in services.list_venues(bookable_for=0)] == [other.id]
    assert {v.id for v in services.list_venues(bookable_for=room.id)} == {room.id, other.id}


def test_a_door_opening_before_midnight_counts_for_the_events_first_day(app, make_event, make_venue):
    from outreach.registration import services as door
    from outreach.registration.models import CheckIn, WalkIn

    night = make_event(venue=make_venue(), starts_at=at(6, 0, 30), ends_at=at(6, 2), capacity=None)
    before_midnight = at(5, 23, 30)
    door.add_walkins(night, 3, now=before_midnight)
    ticket = door.register(night, name="夜读者", phone="13812345678").registration
    door.check_in(ticket, event=night, now=before_midnight)
    db.session.commit()
    assert db.session.scalar(select(WalkIn.day)).isoformat() == "2026-12-06"
    assert db.session.scalar(select(CheckIn.day)).isoformat() == "2026-12-06"
    # After midnight the same ticket is in already: one visit, not two.
    assert door.check_in(ticket, event=night, now=at(6, 0, 40)).result == "already_checked_in"


def test_parallel_bookings_of_one_room_keep_exactly_one(app, make_user, api_token, make_venue):
    """Eight staff book the same room at overlapping times at once: one booking is kept, the
    other seven are refused (the venue row is locked on PostgreSQL; SQLite serialises writers)."""

    room = make_venue()
    headers, room_id = api_token(make_user("staff")), room.id

    def book(client, n):
        body = {"title": f"讲座{n}", "type": "lecture", "venue_id": room_id,
                "starts_at": f"2026-12-05T09:{n:02d}:00", "ends_at": "2026-12-05T11:00:00"}
        response = client.post("/api/v1/events", json=body, headers=headers)
        return response.status_code, (response.get_json().get("error") or {}).get("code")

    results = run_in_threads(app, 8, book)
    assert sorted(results, key=str) == [(201, None)] + [(409, "room_booked")] * 7
    assert db.session.scalar(select(func.count(Event.id)).where(Event.venue_id == room_id)) == 1


def test_planning_the_next_session_of_a_series_proposes_its_number_and_title(client, staff, hall, make_event):
    from outreach.places.models import Series

    forum = Series(name="星海讲坛", name_en="Xinghai Forum")
    db.session.add(forum)
    db.session.commit()
    make_event(series=forum, session_number=14, venue=hall, capacity=80, audience="adults",
               starts_at=at(5, 9), ends_at=at(5, 11))
    page = client.get(f"/staff/events/new?series={forum.id}&lang=en")
    document = assert_valid_html(page)
    value = lambda name: document.find(f".//input[@name='{name}']").get("value")  # noqa: E731
    assert (value("title"), value("title_en"), value("session_number"), value("capacity")) == (
        "星海讲坛 第15期", "Xinghai Forum No. 15", "15", "80",
    )
    selected = lambda name: document.find(f".//select[@name='{name}']/option[@selected]").get("value")  # noqa: E731
    assert (selected("series_id"), selected("venue_id"), selected("audience"), selected("type")) == (
        str(forum.id), str(hall.id), "adults", "lecture",
    )


def test_the_reason_for_a_double_booking_is_for_staff_only(client, make_event, make_venue, make_user, api_token):
    room = make_venue()
    make_event(venue=room, starts_at=at(5, 9), ends_at=at(5, 11))
    kept = make_event(venue=room, starts_at=at(5, 10), ends_at=at(5, 12), booking_override_reason="馆长同意")
    assert client.get(f"/api/v1/events/{kept.id}").get_json()["booking_override_reason"] is None
    staff_view = client.get(f"/api/v1/events/{kept.id}", headers=api_token(make_user("staff"))).get_json()
    assert staff_view["booking_override_reason"] == "馆长同意"


def test_a_clash_with_an_exhibition_names_the_day_it_ends(client, staff, make_event, make_venue):
    gallery = make_venue(kind="exhibition")
    make_event(type="exhibition", title="少儿美术展", title_en="Children's Art", registration="none", venue=gallery,
               starts_at=at(1, 9), ends_at=at(20, 17))
    data = event_data(client, gallery, starts_at="2026-12-05T10:00", ends_at="2026-12-05T12:00")
    html = client.post("/staff/events/new?lang=en", data=data).get_data(as_text=True)
    assert "“Children&#39;s Art”, 12/1/26, 9:00\u202fAM–12/20/26, 5:00\u202fPM" in html


def test_the_clash_message_counts_the_bookings_in_words_that_agree(client, staff, make_event, make_venue):
    room = make_venue()
    make_event(venue=room, title="甲", starts_at=at(5, 9), ends_at=at(5, 10))
    make_event(venue=room, title="乙", starts_at=at(5, 10), ends_at=at(5, 11))
    data = event_data(client, room, starts_at="2026-12-05T09:30", ends_at="2026-12-05T10:30")
    assert "(2 bookings in all)" in client.post("/staff/events/new?lang=en", data=data).get_data(as_text=True)
    data = event_data(client, room, starts_at="2026-12-05T09:00", ends_at="2026-12-05T09:30")
    assert "(1 booking in all)" in client.post("/staff/events/new?lang=en", data=data).get_data(as_text=True)
