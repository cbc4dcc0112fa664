"""The rules of volunteering (outreach/volunteers/services.py), each with its error code.

The clock is frozen at Monday 2 March 2026, 10:00 in Liling (``frozen.set`` moves it), so
that sign-up windows, cut-offs, check-in times and the certificate year are exact.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from outreach.years import year_bounds
from outreach import clock
from outreach.accounts.services import authenticate
from outreach.errors import OutreachError, ValidationError
from outreach.extensions import db
from outreach.platform.models import AuditEntry
from outreach.volunteers import services
from outreach.volunteers.models import (
    VOLUNTEER_STATUSES,
    Certificate,
    HoursAdjustment,
    RecruitmentCall,
    Shift,
    ShiftSignup,
    VolunteerProfile,
)
from tests.helpers import PASSWORD, local
from tests.volunteers.helpers import NOW, application, make_training

pytestmark = pytest.mark.usefixtures("frozen")

def expect(code: str, function, *args, **kwargs) -> OutreachError:
    """Call a service that must refuse with ``code``; roll back what it may have flushed."""
    with pytest.raises(OutreachError) as info:
        function(*args, **kwargs)
    db.session.rollback()
    assert info.value.code == code, (info.value.code, info.value.message)
    return info.value


def expect_fields(function, *args, **kwargs) -> dict:
    error = expect("validation_error", function, *args, **kwargs)
    assert isinstance(error, ValidationError)
    return error.fields


def audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def sent_mail(app) -> list:
    return app.extensions.get("outreach_sent_mail", [])


# --- applying ------------------------------------------------------------------------------


def test_apply_creates_an_applicant_who_can_sign_in(app):
    profile = services.apply(**application())
    db.session.commit()
    assert profile.status == "applicant"
    assert profile.reviewed_at is None
    assert profile.phone == "13812345678"
    assert profile.skills == "书法、讲故事" and profile.availability == {"sat": ["am"]}
    assert profile.consent_at == clock.now()
    assert profile.is_minor is False and profile.guardian_name is None and profile.guardian_consent_at is None
    user = authenticate("xiaoyan@example.org", PASSWORD)
    assert user is not None and user.role == "volunteer" and user.name == "刘晓燕"
    assert [entry.object_id for entry in audit("volunteer.apply")] == [profile.id]
    (receipt,) = sent_mail(app)  # the applicant is told where to follow the application
    assert (receipt.to, receipt.subject) == ("xiaoyan@example.org", "您的志愿者申请已提交")


def test_apply_needs_consent_a_reachable_phone_and_a_name(app):
    fields = expect_fields(services.apply, **application(consent=False, phone="12", name=" "))
    assert set(fields) == {"consent", "phone", "name"}
    assert db.session.scalar(select(func.count(VolunteerProfile.id))) == 0


def test_a_minor_needs_a_guardian_and_their_consent(app):
    assert set(expect_fields(services.apply, **application(is_minor=True))) == {"guardian_name"}
    assert set(expect_fields(
        services.apply, **application(is_minor=True, guardian_name="刘先生", guardian_consent=False)
    )) == {"guardian_name"}
    profile = services.apply(**application(is_minor=True, guardian_name=" 刘先生 ", guardian_consent=True))
    db.session.commit()
    assert profile.is_minor and profile.guardian_name == "刘先生" and profile.guardian_consent_at == clock.now()


def test_apply_with_a_taken_email_or_short_password(app, make_user):
    make_user("staff", email="xiaoyan@example.org")
    expect("email_taken", services.apply, **application())
    assert set(expect_fields(services.apply, **application(email="new@example.org", password="short"))) == {"password"}


def test_apply_to_a_call(app):
    open_call = RecruitmentCall(title="少儿故事大王志愿者", description="赛事引导", deadline=date(2026, 3, 2))
    closed = RecruitmentCall(title="去年的招募", description="…", status="closed")
    expired = RecruitmentCall(title="寒假招募", description="…", deadline=date(2026, 3, 1))
    db.session.add_all([open_call, closed, expired])
    db.session.commit()
    expect("call_closed", services.apply, **application(call=closed))
    expect("call_closed", services.apply, **application(call=expired))
    profile = services.apply(**application(call=open_call))  # the deadline day itself still counts
    db.session.commit()
    assert profile.call_id == open_call.id
    assert [c.id for c in services.open_calls()] == [open_call.id]


# --- review ----------------------------------------------------------------------------------

#: (status before, action) -> status after; every other pair is refused as bad_status.
MOVES = {
    ("applicant", "approve"): "active", ("paused", "approve"): "active", ("rejected", "approve"): "active",
    ("applicant", "reject"): "rejected",
    ("active", "pause"): "paused",
    ("applicant", "archive"): "archived", ("active", "archive"): "archived",
    ("paused", "archive"): "archived", ("rejected", "archive"): "archived",
    ("paused", "reactivate"): "active", ("archived", "reactivate"): "active",
}


@pytest.mark.parametrize("action", ["approve", "reject", "pause", "archive", "reactivate"])
@pytest.mark.parametrize("status", VOLUNTEER_STATUSES)
def test_review_moves(app, staff, make_volunteer, status, action):
    volunteer = make_volunteer(status=status)
    if (status, action) not in MOVES:
        expect("bad_status", services.review, volunteer, action, actor=staff, note="…")
        assert volunteer.status == status
        assert sent_mail(app) == []
        return
    services.review(volunteer, action, actor=staff, note="  谢谢  ")
    db.session.commit()
    assert volunteer.status == MOVES[status, action]
    assert volunteer.reviewed_by_id == staff.id and volunteer.reviewed_at == clock.now()
    assert volunteer.review_note == "谢谢"
    (entry,) = audit(f"volunteer.{action}")
    assert entry.actor_id == staff.id and entry.data == {"status": MOVES[status, action]}
    # Only the outcome of an application is mailed (after the commit).
    assert [m.to for m in sent_mail(app)] == ([volunteer.user.email] if action in ("approve", "reject") else [])


def test_review_refuses_an_unknown_action(app, staff, make_volunteer):
    assert set(expect_fields(services.review, make_volunteer(status="applicant"), "promote", actor=staff)) == {"action"}


def test_approval_mail_says_welcome_and_carries_the_note(app, staff):
    profile = services.apply(**application())
    db.session.commit()
    sent_mail(app).clear()  # the application's receipt
    services.review(profile, "approve", actor=staff, note="请先参加周六的消防培训。")
    db.session.commit()
    (message,) = sent_mail(app)
    assert message.to == "xiaoyan@example.org"
    assert "请先参加周六的消防培训。" in message.body


# --- trainings -------------------------------------------------------------------------------


def test_record_training_counts_each_volunteer_once(app, staff, make_volunteer):
    training = make_training()
    a, b = make_volunteer("甲"), make_volunteer("乙")
    assert services.record_training(training, [a, b, a], actor=staff) == 2
    db.session.commit()
    assert services.record_training(training, [b], actor=staff) == 0
    db.session.commit()
    assert services.trained_topics(a) == {"消防安全"}
    assert [entry.data for entry in audit("training.attendance")] == [{"added": 2}, {"added": 0}]


# --- shifts ----------------------------------------------------------------------------------


def test_create_shift_checks_its_shape(app, staff):
    fields = expect_fields(
        services.create_shift, None, role=" ", starts_at=local(2026, 3, 5, 9), ends_at=local(2026, 3, 5, 9),
        slots=0, cancel_cutoff_hours=-1, actor=staff,
    )
    assert set(fields) == {"role", "ends_at", "slots", "cancel_cutoff_hours"}
    shift = services.create_shift(None, role=" 服务台值班 ", starts_at=local(2026, 3, 5, 9),
                                  ends_at=local(2026, 3, 5, 11), slots=3, actor=staff)
    db.session.commit()
    assert shift.role == "服务台值班" and shift.event_id is None
    assert audit("shift.create")[0].actor_id == staff.id


def test_pattern_every_hour_from_9_to_17_gives_eight_shifts(app, staff, make_event):
    event = make_event(title="古旧书籍展", starts_at=local(2026, 3, 7, 9), ends_at=local(2026, 3, 7, 17))
    shifts = services.create_shifts_from_pattern(
        event, role="展厅引导", day=date(2026, 3, 7), first_start=time(9), last_end=time(17), length_minutes=60,
        slots=2, location="一楼展厅", actor=staff,
    )
    db.session.commit()
    assert len(shifts) == 8
    assert [s.starts_at for s in shifts] == [local(2026, 3, 7, h) for h in range(9, 17)]
    assert shifts[-1].ends_at == local(2026, 3, 7, 17)
    assert {(s.event_id, s.role, s.slots, s.location) for s in shifts} == {(event.id, "展厅引导", 2, "一楼展厅")}
    # 90 minutes: five whole shifts fit before 17:00 (the last ends at 16:30).
    longer = services.create_shifts_from_pattern(
        None, role="服务台", day=date(2026, 3, 8), first_start=time(9), last_end=time(17), length_minutes=90, slots=1,
    )
    assert [s.ends_at for s in longer][-1] == local(2026, 3, 8, 16, 30) and len(longer) == 5


def test_pattern_refusals(app):
    args = {"role": "服务台", "day": date(2026, 3, 8), "slots": 1}
    assert set(expect_fields(services.create_shifts_from_pattern, None, first_start=time(9), last_end=time(9),
                             length_minutes=60, **args)) == {"last_end"}
    assert set(expect_fields(services.create_shifts_from_pattern, None, first_start=time(9), last_end=time(17),
                             length_minutes=10, **args)) == {"length_minutes"}
    assert set(expect_fields(services.create_shifts_from_pattern, None, first_start=time(9), last_end=time(10),
                             length_minutes=90, **args)) == {"length_minutes"}
    assert db.session.scalar(select(func.count(Shift.id))) == 0


def test_copy_shifts_moves_them_with_the_event(app, staff, make_event, make_shift, make_volunteer):
    source = make_event(title="星海讲坛 第14期", starts_at=local(2026, 3, 7, 14), ends_at=local(2026, 3, 7, 16))
    target = make_event(title="星海讲坛 第15期", starts_at=local(2026, 3, 14, 14), ends_at=local(2026, 3, 14, 16))
    make_shift(source, start=local(2026, 3, 7, 13), hours=1, slots=2, role="签到引导", location="星海明筑",
               required_topic="消防安全", cancel_cutoff_hours=6)
    second = make_shift(source, start=local(2026, 3, 7, 14), hours=2, slots=1, role="计时", required_skill="计时")
    services.sign_up(second, make_volunteer(skills="计时"))
    db.session.commit()
    copies = services.copy_shifts(source, target, actor=staff)
    db.session.commit()
    assert [(s.role, s.starts_at, s.ends_at, s.slots) for s in copies] == [
        ("签到引导", local(2026, 3, 14, 13), local(2026, 3, 14, 14), 2),
        ("计时", local(2026, 3, 14, 14), local(2026, 3, 14, 16), 1),
    ]
    assert (copies[0].location, copies[0].required_topic, copies[0].cancel_cutoff_hours) == ("星海明筑", "消防安全", 6)
    assert copies[1].required_skill == "计时"
    assert all(s.event_id == target.id and s.signups == [] for s in copies)


# --- signing up ------------------------------------------------------------------------------


def test_sign_up_confirms_while_slots_last_then_waits(app, make_shift, make_volunteer):
    shift = make_shift(slots=1)
    first = services.sign_up(shift, make_volunteer("甲"))
    second = services.sign_up(shift, make_volunteer("乙"))
    db.session.commit()
    assert (first.status, second.status) == ("confirmed", "waitlisted")
    assert services.slots_taken(shift.id) == 1
    assert [e.data["status"] for e in audit("shift.signup")] == ["confirmed", "waitlisted"]


@pytest.mark.parametrize("status", ["applicant", "paused", "archived", "rejected"])
def test_only_active_volunteers_sign_up(app, make_shift, make_volunteer, status):
    expect("not_active", services.sign_up, make_shift(), make_volunteer(status=status))


def test_sign_up_opens_n_days_before(app, make_shift, make_volunteer):
    volunteer = make_volunteer()
    far = make_shift(start=local(2026, 4, 2, 9))  # 31 days ahead; sign-up opens 30 days before
    expect("signup_not_open", services.sign_up, far, volunteer)
    assert services.shift_state(far, volunteer).detail["opens_at"] == local(2026, 3, 3, 9)
    early = make_shift(start=local(2026, 4, 2, 14), signup_opens_at=local(2026, 3, 1, 9))
    assert services.sign_up(early, volunteer).status == "confirmed"


def test_a_shift_that_has_started_takes_no_sign_ups(app, make_shift, make_volunteer, frozen):
    shift = make_shift()
    frozen.set(local(2026, 3, 5, 9))
    expect("shift_started", services.sign_up, shift, make_volunteer())


def test_no_sign_up_for_a_shift_of_a_cancelled_event(app, make_event, make_shift, make_volunteer):
    event = make_event(title="少儿美术展", starts_at=local(2026, 3, 5, 9), ends_at=local(2026, 3, 5, 17))
    shift = make_shift(event)
    event.status = "cancelled"
    db.session.commit()
    volunteer = make_volunteer()
    assert services.shift_state(shift, volunteer).code == "event_cancelled"
    expect("event_cancelled", services.sign_up, shift, volunteer)
    assert services.upcoming_shifts() == []  # nor is it listed


def test_upcoming_shifts(app, make_event, make_shift, frozen):
    running = make_shift(start=local(2026, 3, 2, 9), hours=2)  # ends at 11:00, after now (10:00)
    make_shift(start=local(2026, 3, 2, 7), hours=2)  # over
    soon = make_shift(start=local(2026, 3, 20, 9))
    make_shift(start=local(2026, 6, 1, 9))  # beyond the 60 days
    assert services.upcoming_shifts() == [running, soon]
    assert services.upcoming_shifts(days=10) == [running]


def test_a_required_training_or_skill(app, staff, make_shift, make_volunteer):
    volunteer = make_volunteer(skills="Calligraphy, photography")
    needs_training = make_shift(required_topic="消防安全")
    needs_skill = make_shift(start=local(2026, 3, 6, 9), required_skill="讲故事")
    photos = make_shift(start=local(2026, 3, 7, 9), required_skill="photography")
    expect("training_required", services.sign_up, needs_training, volunteer)
    expect("skill_required", services.sign_up, needs_skill, volunteer)
    assert services.sign_up(photos, volunteer).status == "confirmed"  # skills match without case
    services.record_training(make_training("消防安全"), [volunteer], actor=staff)
    db.session.commit()
    assert services.sign_up(needs_training, volunteer).status == "confirmed"


def test_no_overlapping_shifts(app, make_shift, make_volunteer):
    volunteer = make_volunteer()
    morning = make_shift(start=local(2026, 3, 5, 9), hours=2, slots=1)
    services.sign_up(morning, make_volunteer("甲"))  # full: the volunteer waits ...
    assert services.sign_up(morning, volunteer).status == "waitlisted"
    overlapping = make_shift(start=local(2026, 3, 5, 10), hours=2)
    error = expect("shift_overlap", services.sign_up, overlapping, volunteer)  # ... and waiting counts
    with force_locale("en"):
        assert str(error.message) == "This shift overlaps another shift of yours."
    next_one = make_shift(start=local(2026, 3, 5, 11), hours=1)  # starts as the first ends
    assert services.sign_up(next_one, volunteer).status == "confirmed"


def test_already_signed_up(app, make_shift, make_volunteer):
    shift = make_shift(slots=1)
    first, second = make_volunteer("甲"), make_volunteer("乙")
    services.sign_up(shift, first)
    services.sign_up(shift, second)
    db.session.commit()
    expect("already_signed_up", services.sign_up, shift, first)
    expect("already_signed_up", services.sign_up, shift, second)


def test_a_cancelled_sign_up_is_renewed_at_the_back_of_the_queue(app, make_shift, make_volunteer, frozen):
    shift = make_shift(slots=1)
    holder, renewer, waiting = make_volunteer("甲"), make_volunteer("乙"), make_volunteer("丙")
    services.sign_up(shift, holder)
    mine = services.sign_up(shift, renewer)
    db.session.commit()
    services.cancel_signup(mine, actor=renewer.user)
    db.session.commit()
    frozen.set(NOW + timedelta(minutes=5))
    services.sign_up(shift, waiting)
    frozen.set(NOW + timedelta(minutes=10))
    renewed = services.sign_up(shift, renewer)
    db.session.commit()
    assert renewed.id == mine.id and renewed.status == "waitlisted" and renewed.cancelled_at is None
    assert renewed.created_at == NOW + timedelta(minutes=10)
    services.cancel_signup(db.session.scalar(select(ShiftSignup).where(ShiftSignup.volunteer_id == holder.id)),
                           actor=holder.user)
    db.session.commit()
    statuses = dict(db.session.execute(select(ShiftSignup.volunteer_id, ShiftSignup.status)).all())
    assert statuses == {holder.id: "cancelled", waiting.id: "confirmed", renewer.id: "waitlisted"}


def test_shift_states_as_the_volunteer_sees_them(app, staff, make_shift, make_volunteer):
    volunteer = make_volunteer()
    free = make_shift(start=local(2026, 3, 10, 9), slots=1)
    assert services.shift_state(free, volunteer).code == "free"
    services.sign_up(free, make_volunteer("甲"))
    assert services.shift_state(free, volunteer).code == "full"
    assert services.shift_state(free, volunteer).can_sign_up
    mine = make_shift(start=local(2026, 3, 11, 9))
    services.sign_up(mine, volunteer)
    state = services.shift_state(mine, volunteer)
    assert (state.code, state.can_cancel) == ("signed_up", True)
    assert services.shift_state(make_shift(start=local(2026, 3, 11, 10)), volunteer).code == "overlap"
    assert services.shift_state(make_shift(start=local(2026, 4, 11, 10)), volunteer).code == "not_open"
    assert services.shift_state(make_shift(required_topic="急救"), volunteer).code == "needs_training"
    assert services.shift_state(make_shift(required_skill="摄影"), volunteer).code == "needs_skill"
    assert services.shift_state(make_shift(), make_volunteer(status="paused")).code == "not_active"


# --- cancelling and the waiting list -----------------------------------------------------------


def test_a_volunteer_cancels_until_the_cut_off(app, make_shift, make_volunteer, frozen):
    shift = make_shift()  # Thursday 9:00; the default cut-off is 24 hours before
    volunteer = make_volunteer()
    signup = services.sign_up(shift, volunteer)
    db.session.commit()
    frozen.set(local(2026, 3, 4, 9))
    expect("cancel_closed", services.cancel_signup, signup, actor=volunteer.user)
    frozen.set(local(2026, 3, 4, 8, 59))
    services.cancel_signup(signup, actor=volunteer.user)
    db.session.commit()
    assert (signup.status, signup.cancelled_at, signup.by_user_id) == ("cancelled", clock.now(), None)
    expect("not_signed_up", services.cancel_signup, signup, actor=volunteer.user)


def test_a_waiting_volunteer_may_leave_after_the_cut_off(app, make_shift, make_volunteer, frozen):
    shift = make_shift(slots=1)
    holder, waiting = make_volunteer("甲"), make_volunteer("乙")
    services.sign_up(shift, holder)
    wait = services.sign_up(shift, waiting)
    db.session.commit()
    frozen.set(local(2026, 3, 5, 8))  # waiting holds nobody up
    state = services.shift_state(shift, waiting)
    assert (state.code, state.can_cancel) == ("waitlisted", True)
    assert services.cancel_signup(wait, actor=waiting.user).status == "cancelled"
    assert services.slots_taken(shift.id) == 1


def test_a_shift_may_set_its_own_cut_off(app, make_shift, make_volunteer, frozen):
    shift = make_shift(cancel_cutoff_hours=2)
    volunteer = make_volunteer()
    signup = services.sign_up(shift, volunteer)
    db.session.commit()
    frozen.set(local(2026, 3, 5, 7, 1))
    expect("cancel_closed", services.cancel_signup, signup, actor=volunteer.user)
    frozen.set(local(2026, 3, 5, 6, 59))
    assert services.cancel_signup(signup, actor=volunteer.user).status == "cancelled"


def test_staff_remove_a_volunteer_after_the_cut_off(app, staff, make_shift, make_volunteer, frozen):
    shift = make_shift(slots=1)
    volunteer, waiting = make_volunteer("甲"), make_volunteer("乙")
    signup = services.sign_up(shift, volunteer)
    services.sign_up(shift, waiting)
    db.session.commit()
    frozen.set(local(2026, 3, 5, 8))
    services.cancel_signup(signup, actor=staff)
    db.session.commit()
    assert (signup.status, signup.by_user_id) == ("cancelled", staff.id)
    assert audit("shift.cancel")[0].data == {"shift_id": shift.id, "by_staff": True}
    assert services.slots_taken(shift.id) == 1  # the waiting volunteer was promoted
    assert [m.to for m in sent_mail(app)] == [waiting.user.email]


def test_promotion_goes_in_order(app, make_shift, make_volunteer, frozen):
    shift = make_shift(slots=1)
    people = [make_volunteer(name) for name in ("甲", "乙", "丙")]
    signups = []
    for minutes, person in enumerate(people):
        frozen.set(NOW + timedelta(minutes=minutes))
        signups.append(services.sign_up(shift, person))
    db.session.commit()
    services.cancel_signup(signups[0], actor=people[0].user)
    db.session.commit()
    assert [s.status for s in signups] == ["cancelled", "confirmed", "waitlisted"]
    services.cancel_signup(signups[2], actor=people[2].user)  # a waiting one leaving promotes nobody
    db.session.commit()
    assert [s.status for s in signups] == ["cancelled", "confirmed", "cancelled"]


def test_promotion_skips_someone_who_meanwhile_took_an_overlapping_shift(app, make_shift, make_volunteer, frozen):
    shift = make_shift(slots=1)
    holder, busy, next_in_line = make_volunteer("甲"), make_volunteer("乙"), make_volunteer("丙")
    held = services.sign_up(shift, holder)
    frozen.set(NOW + timedelta(minutes=1))
    busy_wait = services.sign_up(shift, busy)
    frozen.set(NOW + timedelta(minutes=2))
    services.sign_up(shift, next_in_line)
    # ``busy`` is confirmed on an overlapping shift: the rules refuse this sign-up, but it can
    # come about when the two shifts were signed up for at the same moment.
    other = make_shift(start=local(2026, 3, 5, 10), slots=1)
    db.session.add(ShiftSignup(shift_id=other.id, volunteer_id=busy.id, status="confirmed", created_at=clock.now()))
    db.session.commit()
    services.cancel_signup(held, actor=holder.user)
    db.session.commit()
    statuses = dict(db.session.execute(
        select(ShiftSignup.volunteer_id, ShiftSignup.status).where(ShiftSignup.shift_id == shift.id)
    ).all())
    assert statuses == {holder.id: "cancelled", busy.id: "waitlisted", next_in_line.id: "confirmed"}
    assert busy_wait.status == "waitlisted"


# --- on the day: check-in and check-out --------------------------------------------------------


def test_check_in_and_out_rounds_to_a_quarter_hour(app, make_shift, make_volunteer, frozen):
    shift = make_shift(slots=3)  # 9:00-11:00
    early, late, stays = make_volunteer("甲"), make_volunteer("乙"), make_volunteer("丙")
    for volunteer in (early, late, stays):
        services.sign_up(shift, volunteer)
    db.session.commit()
    frozen.set(local(2026, 3, 5, 7, 59))
    expect("shift_not_now", services.check_in_to_shift, shift, early)
    frozen.set(local(2026, 3, 5, 8, 30))
    assert services.check_in_to_shift(shift, early).checked_in_at == local(2026, 3, 5, 8, 30)
    services.check_in_to_shift(shift, stays)
    frozen.set(local(2026, 3, 5, 9, 10))
    services.check_in_to_shift(shift, late)
    services.check_in_to_shift(shift, early)  # a second scan keeps the first arrival
    db.session.commit()
    # Counted from the start: 9:00-10:52 is 1 h 52 min, 1.87 h, rounded to 1.75.
    frozen.set(local(2026, 3, 5, 10, 52))
    assert services.check_out_of_shift(shift, early).hours == Decimal("1.75")
    # 9:10-11:05 is 1 h 55 min, 1.92 h, rounded to 2.00.
    frozen.set(local(2026, 3, 5, 11, 5))
    assert services.check_out_of_shift(shift, late).hours == Decimal("2.00")
    # Leaving late counts until an hour after the end at most.
    frozen.set(local(2026, 3, 5, 13))
    done = services.check_out_of_shift(shift, stays)
    db.session.commit()
    assert (done.status, done.hours, done.checked_out_at) == ("completed", Decimal("3.00"), local(2026, 3, 5, 13))
    assert [e.data["hours"] for e in audit("shift.checkout")] == ["1.75", "2.00", "3.00"]
    assert [e.actor_id for e in audit("shift.checkin")] == [early.user.id, stays.user.id, late.user.id]
    # A second scan at the door changes nothing.
    frozen.set(local(2026, 3, 5, 14))
    again = services.check_out_of_shift(shift, early)
    assert (again.hours, again.checked_out_at) == (Decimal("1.75"), local(2026, 3, 5, 10, 52))
    assert len(audit("shift.checkout")) == 3


def test_check_out_needs_a_check_in_and_a_sign_up(app, make_shift, make_volunteer, frozen):
    shift = make_shift()
    volunteer, stranger = make_volunteer("甲"), make_volunteer("乙")
    services.sign_up(shift, volunteer)
    db.session.commit()
    frozen.set(local(2026, 3, 5, 9, 30))
    expect("not_checked_in", services.check_out_of_shift, shift, volunteer)
    expect("not_signed_up", services.check_in_to_shift, shift, stranger)
    expect("not_signed_up", services.check_out_of_shift, shift, stranger)


def test_round_quarter_and_shift_length(app, make_shift):
    assert services.round_quarter(Decimal("1.125")) == Decimal("1.25")  # halves round up
    assert services.round_quarter(Decimal("1.12")) == Decimal("1.00")
    assert services.shift_length(make_shift(hours=1.5)) == Decimal("1.50")


def test_desk_code(app, make_shift):
    shift, other = make_shift(), make_shift(start=local(2026, 3, 6, 9))
    code = services.desk_code(shift)
    assert len(code) == 16 and code != services.desk_code(other)
    assert services.desk_code_is_valid(shift, code)
    assert not services.desk_code_is_valid(other, code) and not services.desk_code_is_valid(shift, "")


# --- on the day: staff record attendance --------------------------------------------------------


def test_attendance_waits_for_the_start(app, staff, make_shift, make_volunteer):
    expect("shift_not_started", services.record_attendance, make_shift(), make_volunteer(), status="completed",
           actor=staff)


def test_attendance_defaults_to_the_shift_length(app, staff, make_shift, make_volunteer, frozen):
    shift = make_shift(hours=2.5)
    signed_up, walked_in, absent = make_volunteer("甲"), make_volunteer("乙"), make_volunteer("丙")
    services.sign_up(shift, signed_up)
    services.sign_up(shift, absent)
    db.session.commit()
    frozen.set(local(2026, 3, 5, 12))
    assert services.record_attendance(shift, signed_up, status="completed", actor=staff).hours == Decimal("2.50")
    # Someone who had not signed up is recorded too; given hours are rounded to a quarter.
    extra = services.record_attendance(shift, walked_in, status="completed", hours=Decimal("1.6"), actor=staff)
    gone = services.record_attendance(shift, absent, status="no_show", actor=staff)
    db.session.commit()
    assert (extra.status, extra.hours, extra.by_user_id) == ("completed", Decimal("1.50"), staff.id)
    assert (gone.status, gone.hours) == ("no_show", None)
    assert db.session.scalar(select(func.count(ShiftSignup.id))) == 3
    assert set(expect_fields(services.record_attendance, shift, absent, status="late", actor=staff)) == {"status"}
    assert set(expect_fields(services.record_attendance, shift, absent, status="completed", hours=Decimal(25),
                             actor=staff)) == {"hours"}


def test_a_correction_replaces_the_entry_and_both_are_audited(app, staff, make_shift, make_volunteer, frozen):
    shift = make_shift()
    volunteer = make_volunteer()
    services.sign_up(shift, volunteer)
    db.session.commit()
    frozen.set(local(2026, 3, 5, 12))
    services.record_attendance(shift, volunteer, status="no_show", actor=staff)
    db.session.commit()
    signup = services.record_attendance(shift, volunteer, status="completed", hours=Decimal("1.5"), actor=staff,
                                        reason="她在二楼帮忙，签到漏记")
    db.session.commit()
    assert db.session.scalar(select(func.count(ShiftSignup.id))) == 1
    assert (signup.status, signup.hours) == ("completed", Decimal("1.50"))
    (first,) = audit("shift.attendance")
    (correction,) = audit("shift.attendance.correct")
    assert first.data["before"] == {"status": "confirmed", "hours": None}
    assert first.data["after"] == {"status": "no_show", "hours": None}
    assert correction.data["before"] == {"status": "no_show", "hours": None}
    assert correction.data["after"] == {"status": "completed", "hours": "1.50"}
    assert correction.data["reason"] == "她在二楼帮忙，签到漏记" and correction.actor_id == staff.id


def test_a_correction_needs_a_reason(app, staff, make_shift, make_volunteer, frozen):
    shift = make_shift()
    volunteer = make_volunteer()
    frozen.set(local(2026, 3, 5, 12))
    services.record_attendance(shift, volunteer, status="completed", actor=staff)
    db.session.commit()
    assert set(expect_fields(services.record_attendance, shift, volunteer, status="no_show", actor=staff,
                             reason=" ")) == {"reason"}


# --- hours --------------------------------------------------------------------------------------


def test_adjust_hours_needs_a_reason(app, staff, make_volunteer):
    volunteer = make_volunteer()
    assert set(expect_fields(services.adjust_hours, volunteer, Decimal("1"), reason="  ", actor=staff)) == {"reason"}
    assert set(expect_fields(services.adjust_hours, volunteer, Decimal("0"), reason="…", actor=staff)) == {"hours"}
    assert set(expect_fields(services.adjust_hours, volunteer, Decimal("1001"), reason="…", actor=staff)) == {"hours"}
    adjustment = services.adjust_hours(volunteer, Decimal("-0.5"), reason=" 签退时间更正 ", actor=staff)
    db.session.commit()
    assert (adjustment.hours, adjustment.reason, adjustment.day, adjustment.by_user_id) == (
        Decimal("-0.50"), "签退时间更正", date(2026, 3, 2), staff.id)
    (entry,) = audit("hours.adjust")
    assert entry.object_id == volunteer.id and entry.data == {"hours": "-0.5", "adjustment_id": adjustment.id}


def test_hours_lines_and_totals_add_up_exactly(app, ledger):
    lines = services.hours_lines(ledger, start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert [(line.day, line.activity, line.role, line.hours, line.kind) for line in lines] == [
        (date(2026, 3, 5), "签退时间更正", "", Decimal("-0.25"), "adjustment"),
        (date(2026, 3, 5), "少儿故事大王 初赛", "计分协助", Decimal("2.00"), "shift"),
        (date(2026, 3, 6), "在家准备比赛材料", "", Decimal("0.50"), "adjustment"),
        (date(2026, 3, 6), "服务台值班", "服务台值班", Decimal("1.75"), "shift"),
    ]
    assert services.total_hours(lines) == Decimal("4.00")
    assert [line.activity_in("en") for line in lines if line.kind == "shift"] == [
        "Storytelling contest, first round", "服务台值班"]
    assert services.total_hours(services.hours_lines(ledger)) == Decimal("6.00")
    assert services.total_hours(services.hours_lines(ledger, start=date(2026, 3, 6), end=date(2026, 3, 6))) == Decimal("2.25")
    assert year_bounds(2026) == (date(2026, 1, 1), date(2026, 12, 31))
    assert services.total_hours([]) == Decimal("0.00")


def test_certificates_are_numbered_per_year(app, ledger, make_volunteer, staff, frozen):
    start, end = year_bounds(2026)
    first = services.issue_certificate(ledger, start=start, end=end)
    db.session.commit()
    assert (first.number, first.hours, first.issued_at) == ("LL-2026-000001", Decimal("4.00"), clock.now())
    other = make_volunteer("王芳")
    services.adjust_hours(other, Decimal("1.5"), reason="图书整理", actor=staff, day=date(2026, 2, 1))
    second = services.issue_certificate(other, start=start, end=end)
    db.session.commit()
    assert second.number == "LL-2026-000002"
    # The same period and hours give the same certificate back ...
    assert services.issue_certificate(ledger, start=start, end=end).id == first.id
    # ... new hours a new one.
    services.adjust_hours(ledger, Decimal("1"), reason="补录", actor=staff, day=date(2026, 3, 8))
    third = services.issue_certificate(ledger, start=start, end=end)
    db.session.commit()
    assert (third.number, third.hours) == ("LL-2026-000003", Decimal("5.00"))
    frozen.set(local(2027, 1, 4, 9))
    assert services.issue_certificate(ledger, start=date(2025, 1, 1), end=date(2025, 12, 31)).number == "LL-2027-000001"
    assert db.session.scalar(select(func.count(Certificate.id))) == 4


def test_hours_adjustment_rows_are_kept(app, ledger):
    assert db.session.scalar(select(func.sum(HoursAdjustment.hours))) == Decimal("0.25")


# --- rosters and reminders ----------------------------------------------------------------------


def test_roster_lists_holders_then_the_waiting_list(app, staff, make_shift, make_volunteer, frozen):
    shift = make_shift(slots=1)
    people = [make_volunteer(name) for name in ("甲", "乙", "丙")]
    for minutes, person in enumerate(people):
        frozen.set(NOW + timedelta(minutes=minutes))
        services.sign_up(shift, person)
    db.session.commit()
    services.cancel_signup(db.session.scalar(select(ShiftSignup).where(ShiftSignup.volunteer_id == people[1].id)),
                           actor=people[1].user)
    db.session.commit()
    ((listed_shift, signups),) = services.roster([shift])
    assert listed_shift is shift
    assert [(s.volunteer.user.name, s.status) for s in signups] == [("甲", "confirmed"), ("丙", "waitlisted")]


def test_reminders_are_due_for_tomorrows_confirmed_shifts(app, make_shift, make_volunteer):
    volunteer, waiting = make_volunteer("甲"), make_volunteer("乙")
    early = make_shift(start=local(2026, 3, 3, 8), slots=1)
    late = make_shift(start=local(2026, 3, 3, 22))
    day_after = make_shift(start=local(2026, 3, 4, 0, 30))
    today = make_shift(start=local(2026, 3, 2, 18))
    due = [services.sign_up(early, volunteer), services.sign_up(late, volunteer)]
    services.sign_up(early, waiting)
    services.sign_up(day_after, volunteer)
    services.sign_up(today, volunteer)
    db.session.commit()
    assert services.reminders_due() == due


# --- lookups ---------------------------------------------------------------------------------------


def test_my_signups_profile_and_calendar_token(app, staff, make_shift, make_volunteer, frozen):
    volunteer, other = make_volunteer("甲"), make_volunteer("乙")
    full = make_shift(slots=1)
    services.sign_up(full, other)
    waiting = services.sign_up(full, volunteer)
    mine = services.sign_up(make_shift(start=local(2026, 3, 6, 9)), volunteer)
    dropped = services.sign_up(make_shift(start=local(2026, 3, 7, 9)), volunteer)
    services.cancel_signup(dropped, actor=volunteer.user)
    db.session.commit()
    assert services.my_signups(volunteer) == [waiting, mine]
    frozen.set(local(2026, 3, 6, 12))
    assert services.my_signups(volunteer) == []  # both are over
    assert services.profile_of(volunteer.user) == volunteer and services.profile_of(staff) is None
    token = services.calendar_token(volunteer)
    assert services.volunteer_for_calendar_token(volunteer.id, token) == volunteer
    assert services.volunteer_for_calendar_token(other.id, token) is None
    assert services.volunteer_for_calendar_token(volunteer.id, "") is None
