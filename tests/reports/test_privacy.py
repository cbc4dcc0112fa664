"""Anonymising: names, phones, e-mail addresses and answers go from registrations of events
that ended before the date; the phone digest stays; a second run changes nothing; every figure
of every report stays exactly the same; tickets and the API show no name or phone."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from outreach import clock
from outreach.events.services import create_event
from outreach.extensions import db
from outreach.i18n import LOCALES
from outreach.platform import mail
from outreach.platform.models import AuditEntry, OutboxMessage
from outreach.registration import services as registration
from outreach.registration.models import Registration
from outreach.registration.tickets import new_ticket
from outreach.reports import annual, privacy, settings
from outreach.reports.services import GROUPINGS, ReportQuery, attendance_report, volunteer_figures
from outreach.volunteers import services as volunteering
from outreach.volunteers.models import Shift
from tests.reports.annual_year import build_year
from tests.reports.scenario import SPRING, at

AFTER = datetime(2019, 3, 1, 4, tzinfo=timezone.utc)


def everything() -> dict:
    """Every grouping of the year and of the spring, volunteers, and the annual report in both languages."""
    figures = {}
    for query in (annual.year_query(2018), ReportQuery(*SPRING)):
        for group_by in (None, *GROUPINGS):
            figures[(query.start, group_by)] = attendance_report(query, group_by, now=AFTER).as_dict()
        figures[(query.start, "volunteers")] = volunteer_figures(query).as_dict()
    for locale in LOCALES:
        figures[locale] = annual.annual_report(2018, locale).as_dict()
    return figures


@pytest.fixture
def year(app, make_user):
    built = build_year()
    # a ticket that stays: an event of 2019, not yet over on the cut-off date
    later = create_event(title="新年讲座", type="lecture", status="published", venue=built.spring.v1,
                         starts_at=at(date(2019, 1, 5), 10), ends_at=at(date(2019, 1, 5), 12), capacity=50)
    seed, token, digest = new_ticket()
    keeper = Registration(event_id=later.id, ticket_digest=digest, ticket_seed=seed, status="confirmed",
                          name="李四", phone="13912345678", email="li@example.org", party_size=2,
                          phone_digest=registration.phone_digest("13912345678"))
    db.session.add(keeper)
    # contact details and answers on one of the 2018 tickets
    party = db.session.scalar(select(Registration).where(Registration.name == "张三"))
    party.email, party.answers = "zhang@example.org", {"school": "南门小学"}
    # a volunteer's completed shift
    volunteer = make_user("volunteer")
    shift = Shift(event_id=built.spring.e1.id, role="签到引导", starts_at=at(date(2018, 3, 10), 9),
                  ends_at=at(date(2018, 3, 10), 12), slots=2)
    db.session.add(shift)
    db.session.flush()
    volunteering.record_attendance(shift, volunteer.volunteer_profile, status="completed", actor=make_user("staff"),
                                   now=at(date(2018, 3, 10), 12))
    db.session.commit()
    return built, party, keeper, token


def test_every_figure_stays_the_same(year):
    built, party, keeper, _token = year
    before = everything()
    assert before[(date(2018, 1, 1), None)]["totals"]["attendance"] == 71
    assert before[(date(2018, 1, 1), "volunteers")]["hours"] == "3.00"
    ended_2018 = db.session.scalars(select(Registration.id).where(Registration.event_id != keeper.event_id)).all()
    digest = party.phone_digest

    assert privacy.anonymise(date(2019, 1, 1), now=AFTER) == len(ended_2018) == 15
    db.session.commit()
    assert everything() == before

    db.session.expire_all()
    assert (party.name, party.phone, party.email, party.answers) == ("—", None, None, None)
    assert party.phone_digest == digest and party.anonymised_at is not None
    assert (keeper.name, keeper.phone, keeper.email) == ("李四", "13912345678", "li@example.org")
    assert privacy.anonymise(date(2019, 1, 1)) == 0
    db.session.commit()
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.anonymise")).all()
    assert [e.data for e in entries] == [{"before": "2019-01-01", "registrations": 15, "messages": 0},
                                         {"before": "2019-01-01", "registrations": 0, "messages": 0}]


def test_the_command(year, runner):
    _built, _party, keeper, _token = year
    result = runner.invoke(args=["privacy", "anonymise", "--before", "2019-01-06"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Anonymised 16 registrations of events that ended before 2019-01-06."
    again = runner.invoke(args=["privacy", "anonymise", "--before", "2019-01-06"])
    assert again.output.strip() == "Anonymised 0 registrations of events that ended before 2019-01-06."
    assert runner.invoke(args=["privacy", "anonymise", "--before", "6 Jan"]).exit_code == 2


def test_the_retention_setting_gives_the_default_date(app, make_user):
    settings.save_settings({}, 18, actor=make_user("admin"))
    assert privacy.retention_cutoff(date(2026, 8, 31)) == date(2025, 2, 28)
    assert privacy.retention_cutoff(date(2026, 12, 4)) == date(2025, 6, 4)


def test_tickets_and_api_show_no_name_or_phone(year, client, make_user, api_token):
    _built, _party, keeper, token = year
    privacy.anonymise(date(2019, 1, 6))
    db.session.commit()
    page = client.get(f"/t/{token}?lang=en")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "李四" not in text and "13912345678" not in text and "li@example.org" not in text
    body = client.get(f"/api/v1/tickets/{token}").get_json()
    assert body["name"] == "—" and "13912345678" not in str(body)
    staff = api_token(make_user("staff"))
    listed = client.get(f"/api/v1/events/{keeper.event_id}/registrations", headers=staff).get_data(as_text=True)
    assert "李四" not in listed and "13912345678" not in listed


def test_the_outbox_of_those_events_and_of_before_then_is_erased(app, make_event, monkeypatch):
    """A message about an event that ended before the date, and any message written before it,
    keep their kind, subject and times but lose address and body; one never sent is never sent."""
    old = make_event(title="旧讲座", starts_at=datetime(2018, 6, 1, 2, tzinfo=timezone.utc))
    recent = make_event(title="新讲座", starts_at=datetime(2019, 3, 1, 2, tzinfo=timezone.utc))
    monkeypatch.setattr(clock, "now", lambda: datetime(2018, 5, 1, tzinfo=timezone.utc))
    mail.queue(db.session, mail.Message("lin@example.org", "提醒", "入场券：https://x/t/SECRET", kind="registration.reminder",
                                        event_id=old.id))
    mail.queue(db.session, mail.Message("wang@example.org", "入场券链接", "https://x/t/SECRET2", kind="registration.ticket_links"))
    monkeypatch.setattr(clock, "now", lambda: datetime(2019, 2, 1, tzinfo=timezone.utc))
    mail.queue(db.session, mail.Message("li@example.org", "报名成功", "https://x/t/KEEP", event_id=recent.id))
    db.session.commit()  # no mail server in the tests: all three held
    privacy.anonymise(date(2019, 1, 1))
    db.session.commit()
    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.recipient, m.subject, m.body, m.status) for m in rows] == [
        ("—", "提醒", "", "failed"), ("—", "入场券链接", "", "failed"), ("li@example.org", "报名成功", "https://x/t/KEEP", "held"),
    ]
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.anonymise")).all()
    assert entry.data == {"before": "2019-01-01", "registrations": 0, "messages": 2}
    privacy.anonymise(date(2019, 1, 1))  # a second run changes nothing
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.anonymise")).all()[-1].data[
        "messages"] == 0


def test_a_text_message_loses_its_number_and_variables(app, make_event, monkeypatch):
    old = make_event(title="旧讲座", starts_at=datetime(2018, 6, 1, 2, tzinfo=timezone.utc))
    monkeypatch.setattr(clock, "now", lambda: datetime(2018, 5, 1, tzinfo=timezone.utc))
    mail.queue(db.session, mail.Message("13800138000", "短信", "很抱歉，“旧讲座”已取消，原因：王老师生病。",
                                        kind="event.cancelled", event_id=old.id, channel="sms",
                                        sms_template="SMS_100006", sms_params={"reason": "王老师生病", "title": "旧讲座"}))
    db.session.commit()
    privacy.anonymise(date(2019, 1, 1))
    db.session.commit()
    (row,) = db.session.scalars(select(OutboxMessage)).all()
    assert (row.channel, row.recipient, row.body, row.sms_template, row.sms_params, row.status) == (
        "sms", "—", "", "SMS_100006", None, "failed")
