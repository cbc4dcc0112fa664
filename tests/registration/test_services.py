"""The rules of registering, the waiting list and checking in, with hand-made expectations."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select

from outreach import clock
from outreach.errors import ValidationError
from outreach.extensions import db
from outreach.platform.models import AuditEntry
from outreach.registration import services, tickets
from outreach.registration.models import CheckIn, CheckInConflict, Registration
from outreach.registration.services import RegistrationError
from outreach.timezone import localize
from tests.helpers import new_phone

NOW = datetime(2026, 12, 5, 1, 0, tzinfo=timezone.utc)  # 09:00 in Shanghai, a Saturday


@pytest.fixture
def frozen(monkeypatch):
    """Freeze the clock at NOW; ``frozen(t)`` moves it."""
    state = {"now": NOW}
    monkeypatch.setattr(clock, "now", lambda: state["now"])

    def move(to: datetime) -> None:
        state["now"] = to

    return move


@pytest.fixture
def lecture(make_event, frozen):
    # 10:00-12:00 library time; check-in opens at 08:00.
    return make_event(starts_at=NOW + timedelta(hours=1), capacity=10, max_party_size=5)


def reg(event, name="张三", party_size=1, **kwargs):
    kwargs.setdefault("phone", new_phone())
    outcome = services.register(event, name=name, party_size=party_size, **kwargs)
    db.session.commit()
    return outcome


def statuses(event):
    rows = db.session.execute(
        select(Registration.name, Registration.status).where(Registration.event_id == event.id).order_by(Registration.id)
    ).all()
    return {name: status for name, status in rows}


# --- registering ------------------------------------------------------------------------


def test_confirmed_while_the_whole_party_fits_then_waitlisted(lecture):
    assert reg(lecture, "A", 4).registration.status == "confirmed"
    assert reg(lecture, "B", 5).registration.status == "confirmed"  # 9 of 10
    assert reg(lecture, "C", 2).registration.status == "waitlisted"  # would be 11
    assert reg(lecture, "D", 1).registration.status == "confirmed"  # exactly 10
    assert reg(lecture, "E", 1).registration.status == "waitlisted"
    assert services.seats_taken(lecture.id) == 10
    assert services.seats_left(lecture) == 0


def test_cancelling_promotes_the_waiting_list_in_order_by_whole_parties(lecture, app):
    a = reg(lecture, "A", 5).registration
    reg(lecture, "B", 5)
    reg(lecture, "C", 4)  # waits (party of 4)
    reg(lecture, "D", 2)  # waits
    reg(lecture, "E", 1)  # waits
    services.cancel(a)  # frees 5 seats: C (4) fits, then D (2) does not, E (1) does
    db.session.commit()
    assert statuses(lecture) == {"A": "cancelled", "B": "confirmed", "C": "confirmed", "D": "waitlisted", "E": "confirmed"}
    promoted = db.session.scalars(select(Registration).where(Registration.promoted_at.is_not(None))).all()
    assert {r.name for r in promoted} == {"C", "E"}
    assert services.seats_taken(lecture.id) == 10


def test_a_big_group_keeps_its_place_until_it_fits(lecture):
    reg(lecture, "A", 5)
    b = reg(lecture, "B", 5).registration
    reg(lecture, "Class", 5)  # waits
    services.cancel(b)
    db.session.commit()
    assert statuses(lecture)["Class"] == "confirmed"


def test_promotion_sends_a_message_with_the_ticket_link(lecture, app):
    sent = app.extensions.setdefault("outreach_sent_mail", [])
    sent.clear()
    first = reg(lecture, "A", 5).registration
    reg(lecture, "B", 5)
    waiting = reg(lecture, "C", 3, email="c@example.org")
    assert [m.to for m in sent] == ["c@example.org"]  # "you are on the waiting list"
    services.cancel(first)
    db.session.commit()
    assert len(sent) == 2
    assert sent[1].to == "c@example.org"
    assert f"/t/{waiting.token}" in sent[1].body


def test_no_message_leaves_before_the_commit(lecture, app):
    sent = app.extensions.setdefault("outreach_sent_mail", [])
    sent.clear()
    services.register(lecture, name="A", phone="13812345678", email="a@example.org")
    assert sent == []
    db.session.rollback()
    assert sent == []


def test_unlimited_capacity_confirms_everyone(make_event, frozen):
    event = make_event(starts_at=NOW + timedelta(days=1), capacity=None)
    assert all(reg(event, f"P{n}", 3).registration.status == "confirmed" for n in range(40))


def test_zero_capacity_waitlists_everyone(make_event, frozen):
    event = make_event(starts_at=NOW + timedelta(days=1), capacity=0)
    assert reg(event).registration.status == "waitlisted"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"registration": "none"}, "registration_closed"),
        ({"status": "draft"}, "registration_closed"),
        ({"status": "cancelled"}, "registration_closed"),
    ],
)
def test_closed_registration(make_event, frozen, changes, code):
    event = make_event(starts_at=NOW + timedelta(days=1))
    for key, value in changes.items():
        setattr(event, key, value)
    db.session.commit()
    with pytest.raises(RegistrationError) as caught:
        services.register(event, name="A", phone="13812345678")
    assert caught.value.code == code


def test_registration_window(make_event, frozen):
    event = make_event(starts_at=NOW + timedelta(days=10))
    event.registration_opens_at = NOW + timedelta(days=1)
    event.registration_closes_at = NOW + timedelta(days=9)
    db.session.commit()
    with pytest.raises(RegistrationError) as caught:
        services.register(event, name="A", phone="13812345678")
    assert caught.value.code == "registration_not_open"
    frozen(NOW + timedelta(days=2))
    assert reg(event).registration.status == "confirmed"
    frozen(NOW + timedelta(days=9))
    with pytest.raises(RegistrationError) as caught:
        services.register(event, name="B", phone="13812345678")
    assert caught.value.code == "registration_closed"


def test_ended_event_takes_no_registrations(lecture, frozen):
    frozen(NOW + timedelta(hours=3))
    with pytest.raises(RegistrationError) as caught:
        services.register(lecture, name="A", phone="13812345678")
    assert caught.value.code == "registration_closed"


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"name": ""}, {"name"}),
        ({"name": "x" * 101}, {"name"}),
        ({"phone": "12"}, {"phone"}),
        ({"phone": "12345678901"}, {"phone"}),  # 11 digits from 12: no mainland mobile
        ({"phone": "1381234567"}, {"phone"}),  # 10 digits from 1: a mobile with a digit missing
        ({"phone": "138123456789"}, {"phone"}),  # 12 digits from 1
        ({"phone": "10086"}, {"phone"}),  # a service number, not a person's
        ({"phone": "400-123-4567"}, {"phone"}),  # valid, but shared-cost: reaches no one in particular
        ({"phone": "0731-2345678"}, {"phone"}),  # Changsha's numbers have 8 digits after 0731
        ({"phone": "+1 800 555 0199"}, {"phone"}),  # a free-phone number abroad
        ({"phone": "0123456789"}, {"phone"}),  # no area code 012
        ({"phone": "+0 1234 5678"}, {"phone"}),
        ({"phone": "call me"}, {"phone"}),
        ({"party_size": 0}, {"party_size"}),
        ({"party_size": 6}, {"party_size"}),  # the event's largest group is 5
        ({"email": "not-an-email"}, {"email"}),
        ({"consent": False}, {"consent"}),
        ({"name": "", "phone": "", "party_size": 99}, {"name", "phone", "party_size"}),
    ],
)
def test_registrant_validation(lecture, fields, bad):
    values = {"name": "张三", "phone": "13812345678", "party_size": 1, **fields}
    with pytest.raises(ValidationError) as caught:
        services.register(lecture, **values)
    assert set(caught.value.fields) == bad
    db.session.rollback()
    assert db.session.scalar(select(func.count(Registration.id))) == 0


@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        ("138 1234 5678", "13812345678"), ("0746-5234567", "07465234567"), ("+44 20 7946 0958", "+442079460958"),
        ("１３８１２３４５６７８", "13812345678"),  # full-width digits from a Chinese input method
        ("１３８－１２３４－５６７８", "13812345678"), ("138—1234—5678", "13812345678"),
        ("（０７３１）２３４５６７８９", "073123456789"), ("0731-23456789", "073123456789"),
        ("+86 138 1234 5678", "13812345678"), ("0086 13812345678", "13812345678"), ("＋８６ 731 23456789", "073123456789"),
        ("23456789", "23456789"),
    ],
)
def test_phone_numbers_are_normalised(lecture, phone, stored):
    assert reg(lecture, phone=phone).registration.phone == stored


def test_extra_questions(make_event, frozen):
    event = make_event(starts_at=NOW + timedelta(days=3))
    event.questions = [
        {"key": "school", "label": "学校", "label_en": "School", "required": True},
        {"key": "grade", "label": "年级", "required": True, "choices": ["一年级", "二年级"]},
        {"key": "piece", "label": "参赛作品", "required": False},
    ]
    db.session.commit()
    with pytest.raises(ValidationError) as caught:
        services.register(event, name="A", phone="13812345678", answers={"grade": "九年级"})
    assert set(caught.value.fields) == {"answers.school", "answers.grade"}
    db.session.rollback()
    outcome = reg(event, answers={"school": "南门小学", "grade": "二年级", "ignored": "x"})
    assert outcome.registration.answers == {"school": "南门小学", "grade": "二年级"}


def test_same_client_key_gives_the_same_registration_and_ticket(lecture):
    first = reg(lecture, client_key="web:abc123")
    again = reg(lecture, client_key="web:abc123")
    assert again.created is False
    assert again.registration.id == first.registration.id
    assert again.token == first.token
    assert db.session.scalar(select(func.count(Registration.id))) == 1


def test_tickets_are_signed_and_found(lecture):
    outcome = reg(lecture)
    token = outcome.token
    assert services.find_by_token(token).id == outcome.registration.id
    assert services.find_by_token(f"https://library.example/t/{token}").id == outcome.registration.id
    assert services.ticket_token(outcome.registration) == token
    for i in range(len(token)):
        if token[i] == ".":
            continue
        changed = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]
        assert tickets.verify(changed) is None, i
        assert services.find_by_token(changed) is None
    forged_secret = "A" * 22
    assert services.find_by_token(f"{forged_secret}.{token.split('.')[1]}") is None


def test_tokens_carry_no_personal_data_and_are_long_enough(lecture):
    outcome = reg(lecture, name="王小明", phone="13912345678")
    token = outcome.token
    assert len(token.split(".")[0]) == 22  # 128 random bits
    assert "13912345678" not in token
    stored = outcome.registration
    assert token not in (stored.ticket_digest, stored.ticket_seed)


def test_cancel_twice_is_fine_and_after_check_in_refused(lecture, frozen):
    a = reg(lecture).registration
    services.cancel(a)
    services.cancel(a)
    db.session.commit()
    assert a.status == "cancelled"
    b = reg(lecture, "B").registration
    services.check_in(b, event=lecture)
    db.session.commit()
    with pytest.raises(RegistrationError) as caught:
        services.cancel(b)
    assert caught.value.code == "already_checked_in"


def test_move_to_another_event(lecture, make_event, make_user):
    staff = make_user("staff")
    other = make_event(starts_at=NOW + timedelta(days=7), capacity=3)
    a = reg(lecture, "A", 5).registration
    reg(lecture, "B", 5)
    reg(lecture, "W", 3)  # waits
    services.move(a, other, actor=staff)
    db.session.commit()
    assert a.event_id == other.id and a.status == "waitlisted"  # 5 do not fit 3
    assert statuses(lecture) == {"B": "confirmed", "W": "confirmed"}
    assert db.session.scalar(select(AuditEntry.data).where(AuditEntry.action == "registration.move")) == {
        "from": lecture.id, "to": other.id
    }


def test_staff_promote_by_hand_over_capacity(lecture, make_user):
    reg(lecture, "A", 5)
    reg(lecture, "B", 5)
    waiting = reg(lecture, "C", 2).registration
    services.promote_by_hand(waiting, actor=make_user("staff"))
    db.session.commit()
    assert waiting.status == "confirmed"
    assert services.seats_taken(lecture.id) == 12
    with pytest.raises(RegistrationError) as caught:
        services.promote_by_hand(waiting, actor=make_user("staff"))
    assert caught.value.code == "not_waitlisted"


# --- checking in ----------------------------------------------------------------------------


def test_check_in_admits_the_party_once(lecture):
    registration = reg(lecture, party_size=3).registration
    first = services.check_in(registration, event=lecture)
    db.session.commit()
    again = services.check_in(registration, event=lecture)
    assert (first.result, again.result) == ("checked_in", "already_checked_in")
    assert again.checkin.checked_in_at == first.checkin.checked_in_at
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1
    assert services.attendance(lecture).checked_in == 3


@pytest.mark.parametrize(
    ("setup", "code"),
    [("cancelled", "cancelled"), ("waitlisted", "waitlisted"), ("wrong", "wrong_event"), ("unknown", "invalid_ticket")],
)
def test_check_in_refusals(lecture, make_event, setup, code):
    registration = reg(lecture).registration
    event = lecture
    if setup == "cancelled":
        services.cancel(registration)
    elif setup == "waitlisted":
        registration.status = "waitlisted"
    elif setup == "wrong":
        event = make_event(starts_at=NOW + timedelta(minutes=30))
    elif setup == "unknown":
        registration = None
    db.session.commit()
    with pytest.raises(RegistrationError) as caught:
        services.check_in(registration, event=event)
    assert caught.value.code == code
    assert caught.value.status == (404 if code == "invalid_ticket" else 409)


def test_check_in_window_two_hours_before_until_the_end(lecture, frozen):
    registration = reg(lecture).registration
    frozen(NOW - timedelta(hours=1, minutes=1))  # 07:59, the door opens at 08:00
    with pytest.raises(RegistrationError) as caught:
        services.check_in(registration, event=lecture)
    assert caught.value.code == "checkin_closed"
    frozen(NOW - timedelta(hours=1))
    assert services.check_in(registration, event=lecture).result == "checked_in"
    db.session.rollback()
    frozen(NOW + timedelta(hours=3, seconds=1))  # after 12:00
    with pytest.raises(RegistrationError):
        services.check_in(registration, event=lecture)


def test_multi_day_exhibition_counts_one_visit_per_day(make_event, frozen):
    exhibition = make_event(
        type="exhibition", starts_at=localize(datetime(2026, 12, 4, 9)), ends_at=localize(datetime(2026, 12, 20, 17)),
        daily_opens_at=time(9), daily_closes_at=time(17), checkin_opens_minutes=30,
    )
    registration = reg(exhibition, party_size=2).registration
    frozen(localize(datetime(2026, 12, 5, 8, 29)))
    with pytest.raises(RegistrationError):
        services.check_in(registration, event=exhibition)
    frozen(localize(datetime(2026, 12, 5, 10)))
    assert services.check_in(registration, event=exhibition).result == "checked_in"
    frozen(localize(datetime(2026, 12, 5, 16)))
    assert services.check_in(registration, event=exhibition).result == "already_checked_in"
    frozen(localize(datetime(2026, 12, 5, 18)))  # closed for the night
    with pytest.raises(RegistrationError):
        services.check_in(registration, event=exhibition)
    frozen(localize(datetime(2026, 12, 6, 9, 30)))
    assert services.check_in(registration, event=exhibition).result == "checked_in"
    db.session.commit()
    assert services.attendance(exhibition).checked_in == 4  # two visits of a party of two


def test_a_resent_offline_check_in_counts_once(lecture, frozen):
    registration = reg(lecture).registration
    scanned = NOW - timedelta(minutes=30)
    first = services.check_in(registration, event=lecture, client_key="k-1", device_id="door-a", scanned_at=scanned)
    db.session.commit()
    again = services.check_in(registration, event=lecture, client_key="k-1", device_id="door-a", scanned_at=scanned)
    db.session.commit()
    assert first.result == again.result == "checked_in"
    assert first.checkin.checked_in_at == scanned
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1
    assert db.session.scalar(select(func.count(CheckInConflict.id))) == 0


def test_the_same_ticket_admitted_on_two_devices_is_reported(lecture):
    registration = reg(lecture).registration
    services.check_in(registration, event=lecture, device_id="door-a", client_key="a-1")
    db.session.commit()
    outcome = services.check_in(
        registration, event=lecture, device_id="door-b", client_key="b-1", scanned_at=NOW - timedelta(minutes=1)
    )
    db.session.commit()
    assert outcome.result == "already_checked_in"
    conflict = db.session.scalar(select(CheckInConflict))
    assert (conflict.registration_id, conflict.device_id) == (registration.id, "door-b")
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1


def test_offline_scan_time_may_not_be_in_the_future(lecture):
    registration = reg(lecture).registration
    with pytest.raises(ValidationError):
        services.check_in(registration, event=lecture, scanned_at=NOW + timedelta(hours=1))


def test_undo_check_in_is_audited(lecture, make_user):
    staff = make_user("staff")
    registration = reg(lecture).registration
    outcome = services.check_in(registration, event=lecture)
    db.session.commit()
    services.undo_check_in(outcome.checkin, actor=staff)
    db.session.commit()
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "checkin.undo"))
    assert entry.actor_id == staff.id and entry.object_id == registration.id
    assert services.check_in(registration, event=lecture).result == "checked_in"


def test_walk_ins_and_attendance(lecture, frozen):
    a = reg(lecture, "A", 3).registration
    reg(lecture, "B", 5)
    reg(lecture, "C", 4)  # waits
    services.check_in(a, event=lecture)
    services.add_walkins(lecture, 2, client_key="w-1")
    services.add_walkins(lecture, 2, client_key="w-1")  # re-sent: once
    services.add_walkins(lecture, 4)
    db.session.commit()
    assert services.attendance(lecture).as_dict() == {
        "capacity": 10, "registered": 8, "waitlisted": 4, "checked_in": 3, "walk_ins": 6, "attendance": 9, "no_shows": 0,
    }
    frozen(NOW + timedelta(hours=4))  # over: B never came
    assert services.attendance(lecture).no_shows == 5


def test_walk_ins_need_an_open_door_unless_staff_record_history(lecture, frozen):
    frozen(NOW - timedelta(hours=5))
    with pytest.raises(RegistrationError) as caught:
        services.add_walkins(lecture, 3)
    assert caught.value.code == "checkin_closed"
    walkin = services.add_walkins(lecture, 3, at_the_door=False, day=NOW.date())
    assert walkin.count == 3
    with pytest.raises(ValidationError):
        services.add_walkins(lecture, 0)


def test_poster_code_changes_every_day(lecture, frozen):
    today = services.poster_code(lecture, NOW.date())
    assert services.poster_code_is_valid(lecture, today)
    assert not services.poster_code_is_valid(lecture, services.poster_code(lecture, NOW.date() - timedelta(days=1)))
    frozen(NOW + timedelta(days=1))
    assert not services.poster_code_is_valid(lecture, today)


def test_volunteers_work_the_door_only_during_their_shift(lecture, make_user, frozen):
    from outreach.volunteers.models import Shift, ShiftSignup

    volunteer = make_user("volunteer")
    assert not services.may_work_door(volunteer, lecture)
    shift = Shift(event_id=lecture.id, role="签到", starts_at=NOW + timedelta(minutes=30), ends_at=NOW + timedelta(hours=3), slots=2)
    db.session.add(shift)
    db.session.flush()
    db.session.add(ShiftSignup(shift_id=shift.id, volunteer_id=volunteer.volunteer_profile.id, status="confirmed"))
    db.session.commit()
    assert services.may_work_door(volunteer, lecture)
    frozen(NOW + timedelta(hours=5))
    assert not services.may_work_door(volunteer, lecture)
    assert services.may_work_door(make_user("staff"), lecture)


def test_search_by_name_or_phone_end(lecture):
    reg(lecture, "王小明", phone="13912340001")
    reg(lecture, "李小红", phone="13912340002")
    assert [r.name for r in services.search_registrations(lecture, "小明")] == ["王小明"]
    assert [r.name for r in services.search_registrations(lecture, "0002")] == ["李小红"]
    assert services.search_registrations(lecture, "%") == []


# --- one registration per phone and event ---------------------------------------------------


def test_a_second_attempt_with_the_same_phone_gets_the_first_ticket(lecture):
    first = reg(lecture, name="王小明", phone="13812345678", party_size=2)
    again = reg(lecture, name="王小明", phone="１３８ １２３４ ５６７８", party_size=2)
    other_name = reg(lecture, name="王大明", phone="+86 13812345678", party_size=3)
    assert (again.already, again.created, other_name.already) == (True, False, True)
    assert again.registration.id == other_name.registration.id == first.registration.id
    assert again.token == first.token
    assert services.attendance(lecture).registered == 2
    assert db.session.scalar(select(func.count(Registration.id))) == 1


def test_a_waitlisted_phone_does_not_queue_twice_and_may_register_again_once_cancelled(make_event, frozen):
    event = make_event(starts_at=NOW + timedelta(days=2), capacity=1, max_party_size=5)
    reg(event, name="A", phone="13900000001")
    waiting = reg(event, name="B", phone="13900000002")
    assert waiting.registration.status == "waitlisted"
    assert reg(event, name="B", phone="13900000002").registration.id == waiting.registration.id
    services.cancel(waiting.registration)
    db.session.commit()
    fresh = reg(event, name="B", phone="13900000002")
    assert fresh.created and fresh.registration.id != waiting.registration.id
    rows = db.session.execute(select(Registration.name, Registration.status).order_by(Registration.id)).all()
    assert [tuple(row) for row in rows] == [("A", "confirmed"), ("B", "cancelled"), ("B", "waitlisted")]


def test_where_a_ticket_admits_one_a_parent_registers_each_child(make_event, frozen):
    sitting = make_event(starts_at=NOW + timedelta(days=2), capacity=10, max_party_size=1)
    first = reg(sitting, name="李小红", phone="13900000003")
    sister = reg(sitting, name="李小兰", phone="13900000003")
    again = reg(sitting, name="李 小红", phone="13900000003")
    assert sister.created and again.already and again.registration.id == first.registration.id
    assert [r.name for group in services.likely_duplicates(sitting) for r in group] == ["李小红", "李小兰"]


def test_staff_see_likely_duplicates(lecture):
    reg(lecture, name="王小明", phone="13900000004")
    reg(lecture, name="王 小明", phone="13900000005")  # the same name, another phone
    reg(lecture, name="李四", phone="13900000006")
    cancelled = reg(lecture, name="李四", phone="13900000007")
    services.cancel(cancelled.registration)
    db.session.commit()
    groups = services.likely_duplicates(lecture)
    assert [[(r.name, r.phone) for r in group] for group in groups] == [
        [("王小明", "13900000004"), ("王 小明", "13900000005")]
    ]


def test_moving_refuses_a_second_place_for_the_same_phone(lecture, make_event, make_user):
    other = make_event(starts_at=NOW + timedelta(days=3), capacity=10, max_party_size=5)
    reg(other, name="王小明", phone="13900000008")
    here = reg(lecture, name="王小明", phone="13900000008")
    with pytest.raises(RegistrationError) as caught:
        services.move(here.registration, other, actor=make_user("staff"))
    assert caught.value.code == "already_registered"


def test_self_check_in_needs_the_phone_and_the_name_or_ticket_number(lecture, make_event):
    mine = reg(lecture, name="王秘密", phone="13812345678").registration
    reg(lecture, name="Alice Smith", phone="13812345600")
    waiting = reg(lecture, name="李四", phone="13912345678").registration
    waiting.status = "waitlisted"
    other = reg(make_event(starts_at=NOW + timedelta(hours=1)), name="王秘密", phone="13812345678").registration
    db.session.commit()
    find = services.registrations_for_self_check_in
    assert find(lecture, "138 1234 5678", "王秘密") == [mine]
    assert find(lecture, "13812345678", " 王 秘密 ") == [mine]  # spaces and full-width forms do not matter
    assert find(lecture, "13812345678", f"编号 {mine.id}") == [mine]
    assert [r.name for r in find(lecture, "13812345600", "alice  SMITH")] == ["Alice Smith"]
    assert find(lecture, "13812345678", str(other.id)) == []  # another event's ticket
    assert find(lecture, "13812345678", "王小明") == find(lecture, "13700000000", "王秘密") == []
    assert find(lecture, "13812345678", "") == []
    assert find(lecture, "13912345678", "李四") == []  # only a confirmed registration


@pytest.mark.parametrize(
    ("name", "shown"), [("王秘密", "王**"), ("王秘", "王*"), ("Alice Smith", "A**** *****"), ("", ""), ("欧阳", "欧*")],
)
def test_the_self_check_in_masks_the_name(name, shown):
    assert services.masked_name(name) == shown
