"""The statistics return and the annual report: hand-counted figures (see annual_year.py), the
type mapping setting, the notes, a flat query count, the API and the page."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from outreach.events.models import Exhibit
from outreach.events.services import create_event
from outreach.extensions import db
from outreach.platform.models import AuditEntry
from outreach.registration import services as registration
from outreach.reports import annual, settings
from outreach.reports.models import ReportNote
from outreach.reports.services import attendance_report
from tests.helpers import assert_valid_html, count_statements, csrf_token_from
from tests.reports.annual_year import build_year
from tests.reports.scenario import add_registration, at


@pytest.fixture
def year(app):
    return build_year()


def return_rows(report) -> dict:
    return {r.row: (r.events, r.attendance) for r in report.statistics_return}


def test_the_year_in_figures(year):
    report = annual.annual_report(2018, "zh_Hans")
    assert (report.events, report.attendance) == (7, 71)
    assert [(r.key, r.events, r.attendance) for r in report.by_type.rows] == [
        ("lecture", 1, 8), ("exhibition", 1, 34), ("competition", 3, 18), ("activity", 1, 8), ("class", 1, 3),
    ]
    assert return_rows(report) == {
        "lectures": (1, 8), "exhibitions": (1, 34), "trainings": (1, 3), "all_activities": (7, 71),
    }
    assert [(s.name, s.events, s.attendance) for s in report.series] == [("星海讲坛", 1, 8)]
    (contest,) = report.competitions
    assert contest.title == "故事大王"
    assert [(r.name, r.events, r.count, r.attendance) for r in contest.rounds] == [
        ("初赛", 2, 5, 8), ("决赛", 1, 2, 10),
    ]
    assert [(e.name, e.count, e.attendance, e.starts_on, e.ends_on) for e in report.exhibitions] == [
        ("少儿美术展", 3, 34, date(2018, 3, 30), date(2018, 4, 2)),
    ]
    assert [(t.name, t.attendance) for t in report.trainings] == [("三点半课堂", 3)]
    assert [(b.name, b.kind, b.events, b.attendance) for b in report.branches] == [
        ("总馆", "central", 5, 36), ("星海分馆", "branch", 2, 35),
    ]
    # unique people: E1/E3's phone once, E2's family, the pupil, 3+1 contestants, 2 finalists (one of
    # them the same phone as a preliminary contestant)
    assert report.unique_people == 2 + 1 + 4 + 1
    assert not report.closed and report.notes == {}


def test_the_library_staffs_own_training_is_not_a_reader_activity(year, client, make_user, login):
    """A training for staff (audience "staff") counts on the dashboard, not in the return."""
    training = create_event(title="员工业务培训", type="training", audience="staff", status="published",
                            venue=year.spring.v1, starts_at=at(date(2018, 6, 1), 9), ends_at=at(date(2018, 6, 1), 11))
    registration.add_walkins(training, 12, source="headcount", day=date(2018, 6, 1), at_the_door=False)
    db.session.commit()
    report = annual.annual_report(2018, "zh_Hans")
    assert (report.events, report.attendance) == (8, 83)  # every event the library held
    assert return_rows(report) == {
        "lectures": (1, 8), "exhibitions": (1, 34), "trainings": (1, 3), "all_activities": (7, 71),
    }
    assert (report.reader_activities.events, report.reader_activities.attendance) == (7, 71)
    login(make_user())
    page = client.get("/reports/annual/2018?lang=zh_Hans").get_data(as_text=True)
    assert "全年共组织举办各类读者活动和阅读推广活动7次，参与读者71人次。" in page
    assert report.staff_events == 1 and "以下各表另含 1 场面向本馆工作人员的活动（如业务培训），不计入读者活动。" in page


def test_the_figures_agree_with_the_dashboards_counting(year):
    report = annual.annual_report(2018, "en")
    whole = attendance_report(annual.year_query(2018), "type")
    assert report.as_dict()["by_type"] == [
        {"type": r.key, "events": r.events, "attendance": r.attendance} for r in whole.rows
    ]
    assert (report.events, report.attendance, report.unique_people) == (
        whole.totals.events, whole.totals.attendance, whole.unique_people)


def test_the_contract_shape(year):
    data = annual.annual_report(2018, "en").as_dict()
    assert {k: data[k] for k in ("year", "events", "attendance", "volunteers", "volunteer_hours", "closed")} == {
        "year": 2018, "events": 7, "attendance": 71, "volunteers": 0, "volunteer_hours": "0.00", "closed": False,
    }
    assert data["statistics_return"] == [
        {"row": "lectures", "events": 1, "attendance": 8},
        {"row": "exhibitions", "events": 1, "attendance": 34},
        {"row": "trainings", "events": 1, "attendance": 3},
        {"row": "all_activities", "events": 7, "attendance": 71},
    ]


def test_the_mapping_is_a_setting(year, make_user):
    admin = make_user(role="admin")
    assert settings.default_mapping()["class"] == ("trainings", "all_activities")
    assert settings.default_mapping()["visit"] == ("all_activities",)
    settings.save_settings({"class": ["lectures", "all_activities"], "competition": []}, 24, actor=admin)
    db.session.commit()
    report = annual.annual_report(2018, "zh_Hans")
    assert return_rows(report) == {
        "lectures": (2, 11), "exhibitions": (1, 34), "trainings": (0, 0), "all_activities": (4, 53),
    }
    assert settings.retention_months() == 24
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "reports.settings")).one()
    assert entry.actor_id == admin.id and entry.data["retention_months"] == 24
    with pytest.raises(Exception) as error:
        settings.save_settings({"class": ["libraries"]}, 0, actor=admin)
    assert set(error.value.fields) == {"mapping-class", "retention_months"}


def test_notes_per_section_and_language(year, make_user):
    staff = make_user()
    annual.save_note(2018, "series", "zh_Hans", "  星海讲坛深受欢迎。 ", actor=staff)
    annual.save_note(2018, "series", "en", "Popular.", actor=staff)
    db.session.commit()
    assert annual.annual_report(2018, "zh_Hans").notes == {"series": "星海讲坛深受欢迎。"}
    assert annual.annual_report(2018, "en").notes == {"series": "Popular."}
    annual.save_note(2018, "series", "en", "", actor=staff)
    db.session.commit()
    assert db.session.scalars(select(ReportNote.locale)).all() == ["zh_Hans"]
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("report_note.%"))).all()
    assert sorted(actions) == ["report_note.delete", "report_note.save", "report_note.save"]
    with pytest.raises(Exception) as error:
        annual.save_note(2018, "gossip", "fr", "x" * 2001, actor=staff)
    assert set(error.value.fields) == {"section", "locale", "text"}


def _statements(fn) -> int:
    with count_statements() as statements:
        fn()
    return statements.n


def test_the_number_of_queries_does_not_grow_with_the_year(year):
    db.session.expire_all()
    small = _statements(lambda: annual.annual_report(2018, "zh_Hans"))
    for n in range(8):
        day = date(2018, 6, 1 + n)
        exhibition = create_event(title=f"展览{n}", type="exhibition", status="published", venue=year.spring.v2,
                                  starts_at=at(day, 9), ends_at=at(day, 17), capacity=None)
        db.session.add(Exhibit(event_id=exhibition.id, position=1, title="作品", creator="某"))
        lesson = create_event(title=f"培训{n}", type="training", status="published", venue=year.spring.v1,
                              starts_at=at(day, 14), ends_at=at(day, 16), capacity=20)
        registration.check_in(add_registration(lesson, phone=f"1370000{n:04d}"), now=at(day, 14))
        registration.add_walkins(exhibition, 3, now=at(day, 10))
    db.session.commit()
    db.session.expire_all()
    large = _statements(lambda: annual.annual_report(2018, "zh_Hans"))
    assert large == small
    assert annual.annual_report(2018, "zh_Hans").attendance == 71 + 8 * 4


# --- the API ---------------------------------------------------------------------------------------


def test_api_annual(client, year, make_user, api_token):
    staff = make_user()
    response = client.get("/api/v1/reports/annual?year=2018", headers=api_token(staff))
    assert response.status_code == 200
    body = response.get_json()
    assert (body["year"], body["events"], body["attendance"], body["closed"]) == (2018, 7, 71, False)
    assert body["by_type"][0] == {"type": "lecture", "events": 1, "attendance": 8}
    assert [r["row"] for r in body["statistics_return"]] == ["lectures", "exhibitions", "trainings", "all_activities"]
    bad = client.get("/api/v1/reports/annual?year=tomorrow", headers=api_token(staff))
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"year"}
    assert client.get("/api/v1/reports/annual?year=1800", headers=api_token(staff)).status_code == 422


def test_api_annual_roles(client, year, make_user, api_token):
    assert client.get("/api/v1/reports/annual?year=2018").status_code == 401
    volunteer = make_user(role="volunteer")
    assert client.get("/api/v1/reports/annual?year=2018", headers=api_token(volunteer)).status_code == 403
    assert client.get("/api/v1/reports/annual.pdf?year=2018", headers=api_token(volunteer)).status_code == 403


# --- the page --------------------------------------------------------------------------------------


def test_page_in_chinese(client, year, make_user, login):
    login(make_user())
    response = client.get("/reports/annual/2018?lang=zh_Hans")
    assert response.status_code == 200
    assert_valid_html(response)
    text = response.get_data(as_text=True)
    assert "2018年，全年共组织举办各类读者活动和阅读推广活动7次，参与读者71人次。" in text
    assert "“星海讲坛”全年举办1期，参与读者8人次。" in text
    assert "初赛：共有5名选手参加，共计流通8人次。" in text
    assert "决赛：共有2名选手参加，共计流通10人次。" in text
    assert 'role="img"' in text and "<title>" in text
    assert "关闭本年度" not in text  # staff, not admin
    assert 'action="/reports/annual/2018/pdf?lang=zh_Hans"' in text  # the PDF is made by the job worker
    assert 'name="locale" value="en"' in text and 'name="locale" value="zh_Hans"' in text


def test_page_in_english_for_an_admin(client, year, make_user, login):
    login(make_user(role="admin"))
    response = client.get("/reports/annual/2018?lang=en")
    assert_valid_html(response)
    text = response.get_data(as_text=True)
    assert "In 2018 the library held 7 reader and reading-promotion activities with 71 person-visits." in text
    assert "Close this year" in text
    assert "Exhibitions held" in text


def test_page_roles(client, year, make_user, login):
    assert client.get("/reports/annual/2018").status_code == 302
    login(make_user(role="volunteer"))
    assert client.get("/reports/annual/2018").status_code == 403


def test_saving_a_note_on_the_page(client, year, make_user, login):

    login(make_user())
    token = csrf_token_from(client, "/reports/annual/2018?lang=zh_Hans")
    response = client.post("/reports/annual/2018/notes/exhibitions",
                           data={"csrf_token": token, "locale": "zh_Hans", "text": "展览吸引了许多家庭。"})
    assert response.status_code == 303
    page = client.get("/reports/annual/2018?lang=zh_Hans").get_data(as_text=True)
    assert "展览吸引了许多家庭。" in page
    assert client.post("/reports/annual/2018/notes/exhibitions",
                       data={"locale": "zh_Hans", "text": "x"}).status_code == 400  # no CSRF token


def test_settings_page(client, year, make_user, login):

    login(make_user(role="admin"))
    response = client.get("/reports/settings?lang=en")
    assert response.status_code == 200
    assert_valid_html(response)
    token = csrf_token_from(client, "/reports/settings")
    data = {"csrf_token": token, "retention_months": "18", "type_lecture": ["lectures", "all_activities"],
            "type_class": ["all_activities"]}
    assert client.post("/reports/settings", data=data).status_code == 303
    assert settings.retention_months() == 18
    assert settings.return_mapping()["class"] == ("all_activities",)
    assert settings.return_mapping()["exhibition"] == ()
    bad = client.post("/reports/settings", data={**data, "retention_months": "0"})
    assert bad.status_code == 422


def test_settings_page_is_for_admins(client, make_user, login):
    login(make_user())
    assert client.get("/reports/settings").status_code == 403


def test_an_empty_year(client, app, make_user, login):
    login(make_user())
    response = client.get("/reports/annual/2030?lang=zh_Hans")
    assert response.status_code == 200
    assert_valid_html(response)
    text = response.get_data(as_text=True)
    assert "2030年，全年共组织举办各类读者活动和阅读推广活动0次，参与读者0人次。" in text
    assert "本年度未举办展览。" in text and "本年度未举办比赛。" in text
    assert client.get("/reports/annual/1800").status_code == 404


def test_village_reading_rooms_are_summed(client, year, make_user, login):
    year.spring.b2.kind = "village"
    db.session.commit()
    assert annual.annual_report(2018, "zh_Hans").village_rooms == (1, 2, 35)
    login(make_user())
    text = client.get("/reports/annual/2018?lang=zh_Hans").get_data(as_text=True)
    assert "1个农家书屋（村级阅览室）共举办活动2次，参与读者35人次。" in text
    assert "农家书屋（村级阅览室）共举办" not in client.get("/reports/annual/2030").get_data(as_text=True)
