from datetime import timedelta

import pytest

from outreach.extensions import db
from tests.helpers import assert_valid_html, in_days


@pytest.fixture
def programme(make_event, make_venue, make_branch):
    central = make_branch(name="醴陵市图书馆（总馆）", name_en="Liling Library (central)", kind="central")
    xinghai = make_branch(name="星海明筑分馆", name_en="Xinghai Mingzhu Branch")
    hall = make_venue(branch=central, name="报告厅", name_en="Lecture hall")
    room = make_venue(branch=xinghai, name="讲坛活动室", name_en="Forum room")
    gallery = make_venue(branch=central, name="展厅", name_en="Gallery", kind="exhibition")
    events = {
        "lecture": make_event(title="星海讲坛 第15期", title_en="Xinghai Forum No. 15", venue=room, starts_at=in_days(3)),
        "exhibition": make_event(
            type="exhibition", title="少儿美术展", title_en="Children's Art Exhibition", venue=gallery,
            starts_at=in_days(-5), ends_at=in_days(30), registration="none", audience="children",
        ),
        "class": make_event(type="class", title="三点半课堂", title_en="Half-Past-Three Class", venue=room,
                            starts_at=in_days(4), audience="children"),
        "seniors": make_event(type="activity", title="走进敬老院", venue=hall, starts_at=in_days(6), audience="seniors"),
        "draft": make_event(title="古旧书籍展（草稿）", status="draft", venue=hall),
        "past": make_event(title="去年的讲座", venue=hall, starts_at=in_days(-40), ends_at=in_days(-40) + timedelta(hours=2)),
    }
    return {"central": central, "xinghai": xinghai, **events}


def test_programme_lists_upcoming_published_events_by_day(client, programme):
    response = client.get("/?lang=en")
    assert response.status_code == 200
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    for title in ("Xinghai Forum No. 15", "Children&#39;s Art Exhibition", "Half-Past-Three Class", "走进敬老院"):
        assert title in html
    assert "古旧书籍展" not in html  # draft
    assert "去年的讲座" not in html  # over
    assert html.index("Children&#39;s Art Exhibition") < html.index("Xinghai Forum No. 15")
    # The exhibition began five days ago: it is listed under today, not under its first day.
    assert html.index("Today and on now") < html.index("Children&#39;s Art Exhibition")


def test_programme_in_chinese_uses_chinese_titles(client, programme):
    html = client.get("/?lang=zh_Hans").get_data(as_text=True)
    assert "星海讲坛 第15期" in html and "Xinghai Forum No. 15" not in html
    assert "讲座" in html and "展览" in html


def test_programme_filters_by_type_branch_and_audience(client, programme):
    html = client.get("/?lang=en&type=exhibition").get_data(as_text=True)
    assert "Children&#39;s Art Exhibition" in html and "Xinghai Forum No. 15" not in html
    html = client.get(f"/?lang=en&branch={programme['xinghai'].id}").get_data(as_text=True)
    assert "Xinghai Forum No. 15" in html and "Half-Past-Three Class" in html
    assert "Children&#39;s Art Exhibition" not in html and "走进敬老院" not in html
    html = client.get("/?lang=en&audience=seniors").get_data(as_text=True)
    # Events for everyone stay listed for seniors; children's events do not.
    assert "走进敬老院" in html and "Xinghai Forum No. 15" in html
    assert "Half-Past-Three Class" not in html


def test_programme_ignores_a_bad_filter_value(client, programme):
    response = client.get("/?type=party&branch=abc")
    assert response.status_code == 200
    assert "星海讲坛 第15期" in response.get_data(as_text=True)


def test_programme_paginates(client, make_event, make_venue):
    venue = make_venue()
    for n in range(15):
        make_event(title=f"三点半课堂 {n:02d}", venue=venue, starts_at=in_days(1 + n))
    first = client.get("/?lang=en").get_data(as_text=True)
    assert "三点半课堂 11" in first and "三点半课堂 12" not in first  # twelve a page
    assert "Page 1 of 2" in first
    second = client.get("/?lang=en&page=2").get_data(as_text=True)
    assert "三点半课堂 12" in second and "三点半课堂 14" in second and "三点半课堂 11" not in second
    assert client.get("/?page=99").status_code == 200


def test_event_page_shows_details(client, programme):
    event = programme["lecture"]
    event.speaker = "王老师"
    db.session.commit()
    response = client.get(f"/events/{event.id}?lang=en")
    assert response.status_code == 200
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    assert "<h1>Xinghai Forum No. 15</h1>" in html
    assert "王老师" in html
    assert "Forum room" in html and "Xinghai Mingzhu Branch" in html
    assert "Registration required; 100 places." in html


def test_exhibition_page_shows_dates_and_daily_hours(client, programme):
    from datetime import time

    exhibition = programme["exhibition"]
    exhibition.daily_opens_at, exhibition.daily_closes_at = time(9, 0), time(17, 0)
    db.session.commit()
    html = client.get(f"/events/{exhibition.id}?lang=zh_Hans").get_data(as_text=True)
    assert "每日开放" in html and "09:00" in html and "17:00" in html
    assert "无需报名" in html


def test_drafts_are_hidden_from_the_public_but_not_from_staff(client, programme, make_user, login):
    draft = programme["draft"]
    assert client.get(f"/events/{draft.id}").status_code == 404
    login(make_user("staff"))
    response = client.get(f"/events/{draft.id}?lang=en")
    assert response.status_code == 200
    assert "Draft" in response.get_data(as_text=True)


def test_cancelled_and_past_events_keep_their_page(client, programme):
    programme["lecture"].status = "cancelled"
    db.session.commit()
    html = client.get(f"/events/{programme['lecture'].id}?lang=en").get_data(as_text=True)
    assert "This event has been cancelled." in html
    assert client.get(f"/events/{programme['past'].id}").status_code == 200


def test_staff_home_shows_week_drafts_and_later(client, programme, make_user, make_event, login):
    later = make_event(title="少儿故事大王 决赛", starts_at=in_days(20))
    login(make_user("staff"))
    response = client.get("/staff/?lang=en")
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    week = html[html.index('id="week-heading"'):html.index('id="drafts-heading"')]
    drafts = html[html.index('id="drafts-heading"'):html.index('id="later-heading"')]
    after = html[html.index('id="later-heading"'):]
    assert "Xinghai Forum No. 15" in week and "Children&#39;s Art Exhibition" in week
    assert "古旧书籍展（草稿）" in drafts
    assert "少儿故事大王 决赛" in after and later.title not in week
    assert "Children&#39;s Art Exhibition" not in after  # running now: listed under this week only


def test_login_and_error_pages_are_valid_html(client):
    assert_valid_html(client.get("/login"))
    response = client.get("/no-such-page?lang=en")
    assert response.status_code == 404
    assert_valid_html(response)
