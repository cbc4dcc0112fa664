"""The keeper's pages from a phone and the staff's: end to end through the real forms, another
place refused, messages beside the fields in both languages, valid HTML."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timezone

import pytest
from PIL import Image
from sqlalchemy import func, select

from outreach import clock
from outreach.accounts.models import User
from outreach.events.models import Event
from outreach.extensions import db
from outreach.outposts import services
from outreach.outposts.models import VisitorCount
from outreach.registration.models import WalkIn
from tests.helpers import PASSWORD, assert_valid_html, csrf_token_from, field_error, text_of


@pytest.fixture(autouse=True)
def summer(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 8, 31, 4, 0, tzinfo=timezone.utc))


def activity_form(**overrides) -> dict:
    return {"type": "activity", "title": "暑期少儿阅读实践活动", "day": "2026-08-29", "starts": "09:00", "ends": "11:30",
            "headcount": "46", "audience": "children", "description": "书法体验课", "photo_alt": "", **overrides}


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 500), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


def test_a_keeper_lands_on_their_place(client, login, keeper, village):
    response = login(keeper)
    assert response.headers["Location"] == "/keeper"
    place = client.get("/keeper")
    assert (place.status_code, place.headers["Location"]) == (303, f"/outposts/{village.id}")
    page = client.get(f"/outposts/{village.id}?lang=en")
    assert page.status_code == 200
    html = text_of(page)
    assert "Donggang Village Reading Room" in html and "Record an activity" in html and "My reading room" in html
    assert "Reading rooms and the book bus" not in html  # no way to the staff's overview
    assert_valid_html(page)


def test_a_keeper_records_visitors_and_corrects_them(client, login, keeper, village):
    login(keeper)
    token = csrf_token_from(client, f"/outposts/{village.id}")
    response = client.post(f"/outposts/{village.id}/visitors", data={"csrf_token": token, "day": "2026-08-31", "count": "23"})
    assert response.status_code == 303
    client.post(f"/outposts/{village.id}/visitors", data={"csrf_token": token, "day": "2026-08-31", "count": "25"})
    rows = db.session.execute(select(VisitorCount.day, VisitorCount.count)).all()
    assert rows == [(date(2026, 8, 31), 25)]
    page = text_of(client.get(f"/outposts/{village.id}?lang=en"))
    assert re.search(r"Aug 31, 2026</time></td><td class=\"num\">25<", page)


def test_a_future_day_is_refused_beside_its_field_in_chinese(client, login, keeper, village):
    login(keeper)
    token = csrf_token_from(client, f"/outposts/{village.id}")
    response = client.post(f"/outposts/{village.id}/visitors?lang=zh_Hans",
                           data={"csrf_token": token, "day": "2026-09-01", "count": "5"})
    assert response.status_code == 422
    assert field_error(text_of(response), "day") == "这一天还没有到。"
    assert db.session.scalar(select(func.count(VisitorCount.id))) == 0


def test_a_keeper_records_an_activity_with_a_photo(client, login, keeper, village):
    login(keeper)
    token = csrf_token_from(client, f"/outposts/{village.id}/activities/new")
    response = client.post(
        f"/outposts/{village.id}/activities/new",
        data={**activity_form(photo_alt="孩子们在书屋里练习书法"), "csrf_token": token, "photo": (io.BytesIO(png()), "x.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, text_of(response)[:2000]
    event = db.session.scalar(select(Event))
    assert (event.title, event.status, event.cover_alt) == ("暑期少儿阅读实践活动", "published", "孩子们在书屋里练习书法")
    assert event.cover_key
    assert db.session.scalar(select(func.sum(WalkIn.count)).where(WalkIn.event_id == event.id)) == 46
    page = text_of(client.get(f"/outposts/{village.id}?lang=en"))
    assert "暑期少儿阅读实践活动" in page and "46 people took part" in page


def test_a_wrong_activity_is_shown_again_with_its_messages(client, login, keeper, village):
    login(keeper)
    token = csrf_token_from(client, f"/outposts/{village.id}/activities/new")
    response = client.post(f"/outposts/{village.id}/activities/new?lang=en",
                           data={**activity_form(ends="08:00", headcount="0"), "csrf_token": token})
    assert response.status_code == 422
    html = text_of(response)
    assert field_error(html, "headcount") == "Enter a whole number from 1 to 10000."
    response = client.post(f"/outposts/{village.id}/activities/new?lang=en",
                           data={**activity_form(ends="08:00"), "csrf_token": token})
    assert field_error(text_of(response), "ends") == "The end must come after the start."
    assert db.session.scalar(select(func.count(Event.id))) == 0
    assert_valid_html(response)


def test_another_place_is_a_404_for_a_keeper(client, login, keeper, village, bus, make_keeper, make_user):
    other = make_keeper(bus)
    event = services.record_activity(village, actor=make_user("staff"), type="activity", title="书法课",
                                     day=date(2026, 8, 29), starts=datetime(2026, 1, 1, 9).time(),
                                     ends=datetime(2026, 1, 1, 10).time(), headcount=20)
    db.session.commit()
    login(other)
    assert client.get(f"/outposts/{village.id}").status_code == 404
    assert client.get(f"/outposts/activities/{event.id}").status_code == 404
    token = csrf_token_from(client, f"/outposts/{bus.id}")
    assert client.post(f"/outposts/{village.id}/visitors",
                       data={"csrf_token": token, "day": "2026-08-31", "count": "5"}).status_code == 404
    assert client.post(f"/outposts/activities/{event.id}", data={"csrf_token": token, "count": "1"}).status_code == 404
    assert client.get("/staff/outposts/").status_code == 403
    assert db.session.scalar(select(func.count(VisitorCount.id))) == 0
    assert services.headcount_of(event) == 20


def test_staff_correct_a_count_and_the_reports_follow(client, login, village, keeper, make_user):
    event = services.record_activity(village, actor=keeper, type="activity", title="书法课", day=date(2026, 8, 29),
                                     starts=datetime(2026, 1, 1, 9).time(), ends=datetime(2026, 1, 1, 10).time(),
                                     headcount=46)
    db.session.commit()
    login(make_user("staff"))
    overview = client.get("/staff/outposts/?lang=en")
    assert overview.status_code == 200 and "书法课" in text_of(overview)
    assert_valid_html(overview)
    token = csrf_token_from(client, f"/outposts/activities/{event.id}")
    response = client.post(f"/outposts/activities/{event.id}", data={"csrf_token": token, "count": "42"})
    assert response.status_code == 303
    report = client.get("/api/v1/reports/attendance?from=2026-08-01&to=2026-08-31")
    assert report.get_json()["totals"]["walk_ins"] == 42


def test_an_admin_opens_a_keeper_account(client, login, village, make_user):
    login(make_user("admin"))
    token = csrf_token_from(client, "/staff/outposts/keepers/new")
    response = client.post("/staff/outposts/keepers/new", data={
        "csrf_token": token, "name": "李书屋", "email": "li@example.org", "branch_id": str(village.id),
        "password": "qingshan-luyuan-2026-shuwu",
    })
    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.email == "li@example.org"))
    assert (user.role, user.branch_id) == ("keeper", village.id)


def test_staff_may_not_open_keeper_accounts(client, login, make_user):
    login(make_user("staff"))
    assert client.get("/staff/outposts/keepers/new").status_code == 403


def test_the_command_line_opens_a_keeper_account(runner, village):
    result = runner.invoke(args=["outposts", "keeper", "zhang@example.org", "--place", "东岗农家书屋", "--name", "张",
                                 "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert "Created keeper zhang@example.org of 东岗农家书屋" in result.output
    refused = runner.invoke(args=["outposts", "keeper", "w@example.org", "--place", "Nowhere", "--name", "王",
                                  "--password", PASSWORD])
    assert refused.exit_code == 1 and "branch_id: Choose a village reading room or the book bus." in refused.output


def test_the_reports_show_the_visitors_per_place(client, login, village, bus, keeper, make_user):
    services.set_visitors(village, date(2026, 8, 30), 17, actor=keeper)
    services.set_visitors(village, date(2026, 8, 31), 8, actor=keeper)
    db.session.commit()
    login(make_user("staff"))
    response = client.get("/reports?from=2026-08-01&to=2026-08-31&lang=en")
    assert response.status_code == 200
    html = text_of(response)
    section = html[html.index('id="place-visits-heading"'):]
    rows = re.findall(r'<th scope="row"><a href="/outposts/(\d+)">[^<]+</a></th><td class="num">(\d+)</td><td class="num">(\d+)</td>', section)
    assert rows == [(str(village.id), "2", "25"), (str(bus.id), "0", "0")]  # by name
    assert '<td class="num">2</td><td class="num">25</td></tr></tfoot>' in section
    assert_valid_html(response)
