"""The staff dashboard /reports and the events behind its figures: same figures as the API,
links, charts with text alternatives, valid HTML, roles, both languages."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from outreach import clock
from outreach.events.models import Event
from outreach.extensions import db
from tests.helpers import assert_valid_html
from tests.reports.scenario import build_spring

SPRING = "period=custom&from=2018-03-01&to=2018-04-30"


@pytest.fixture
def spring(app):
    return build_spring()


@pytest.fixture
def staff(make_user, login):
    user = make_user("staff", name="馆员")
    login(user)
    return user


def text_of(element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def headlines(document) -> dict:
    found = {}
    for item in document.iterfind(".//ul[@class='headlines']/li"):
        label = text_of(item.find("span[@class='headline-label']"))
        value = item.find("a[@class='headline-value']")
        previous = item.find("span[@class='headline-previous']/a")
        found[label] = (text_of(value), text_of(previous), value.get("href"))
    return found


def table_rows(document, heading_id: str) -> list[list[str]]:
    section = document.find(f".//section[@aria-labelledby='{heading_id}']")
    return [[text_of(cell) for cell in row] for row in section.iterfind(".//table/tbody/tr")] + \
        [[text_of(cell) for cell in row] for row in section.iterfind(".//table/tfoot/tr")]


def test_the_dashboard_in_chinese(client, spring, staff):
    response = client.get(f"/reports?{SPRING}&lang=zh_Hans")
    assert response.status_code == 200
    document = assert_valid_html(response)
    figures = headlines(document)
    assert {k: v[:2] for k, v in figures.items()} == {
        "举办场次": ("3", "0"), "人次": ("50", "0"), "参与人数（去重）": ("2", "0"), "已报名": ("7", "0"),
        "已签到": ("8", "0"), "现场入场": ("42", "0"), "未到场": ("1", "0"), "未到场率": ("14.3%", "—"),
        "名额使用率": ("2.7%", "—"), "志愿者": ("0", "0"), "志愿服务时长": ("0", "0"),
    }
    assert table_rows(document, "by-type-heading") == [
        ["讲座", "1", "8", "3", "5", "4", "1"],
        ["展览", "1", "34", "4", "30", "2", "0"],
        ["活动", "1", "8", "1", "7", "1", "0"],
        ["合计", "3", "50", "8", "42", "7", "1"],
    ]
    assert table_rows(document, "by-month-heading") == [
        ["2018年3月", "2", "20", "5", "15", "6", "1"],
        ["2018年4月", "1", "30", "3", "27", "1", "0"],
        ["合计", "3", "50", "8", "42", "7", "1"],
    ]
    assert table_rows(document, "by-series-heading")[1][0] == "不属于系列"


def test_the_page_and_the_api_agree(client, spring, staff):
    document = assert_valid_html(client.get(f"/reports?{SPRING}"))
    for group_by in ("type", "branch", "month", "venue", "series"):
        api = client.get(f"/api/v1/reports/attendance?from=2018-03-01&to=2018-04-30&group_by={group_by}").get_json()
        expected = [[r["label"], *(str(r[k]) for k in ("events", "attendance", "checked_in", "walk_ins",
                                                        "registered", "no_shows"))] for r in api["rows"]]
        assert table_rows(document, f"by-{group_by}-heading")[:-1] == expected


def test_in_english_with_last_year_beside(client, spring, staff):
    # the same spring a year later: last year's column holds the hand-counted figures
    response = client.get("/reports?period=custom&from=2019-03-01&to=2019-04-30&lang=en")
    document = assert_valid_html(response)
    figures = headlines(document)
    assert figures["Person-visits"][:2] == ("0", "50")
    assert figures["Events held"][:2] == ("0", "3")
    assert figures["No-show rate"][:2] == ("—", "14.3%")
    assert "Nothing was counted in this period." in response.get_data(as_text=True)
    assert document.find("head/title").text.startswith("Attendance totals")


def test_every_figure_links_to_its_events(client, spring, staff):
    document = assert_valid_html(client.get(f"/reports?{SPRING}"))
    for label, (_value, _previous, href) in headlines(document).items():
        parts = urlsplit(href)
        assert parts.path == "/reports/events"
        assert parse_qs(parts.query) == {"from": ["2018-03-01"], "to": ["2018-04-30"]}, label
    march = document.find(".//section[@aria-labelledby='by-month-heading']//tbody/tr/th/a")
    assert parse_qs(urlsplit(march.get("href")).query) == {"from": ["2018-03-01"], "to": ["2018-03-31"]}
    lecture = document.find(".//section[@aria-labelledby='by-type-heading']//tbody/tr/th/a")
    listed = assert_valid_html(client.get(lecture.get("href")))
    rows = [[text_of(c) for c in tr][1:] for tr in listed.iterfind(".//table/tbody/tr")]
    assert [r[0].split(" ")[0] for r in rows] == ["讲座一"]
    assert rows[0][2:] == ["8", "3", "5", "4", "1"]


def test_the_events_list_searches_and_pages(client, spring, staff):
    document = assert_valid_html(client.get("/reports/events?from=2018-03-01&to=2018-04-30"))
    titles = [text_of(tr.find("td[2]/a")) for tr in document.iterfind(".//table/tbody/tr")]
    assert titles == ["午夜观星", "少儿美术展", "讲座一"]  # newest first; the cancelled and the draft are not there
    footer = [text_of(c) for c in document.find(".//table/tfoot/tr")]
    assert footer[1:] == ["50", "8", "42", "7", "1"]
    found = assert_valid_html(client.get("/reports/events?from=2018-03-01&to=2018-04-30&q=美术"))
    assert [text_of(tr.find("td[2]/a")) for tr in found.iterfind(".//table/tbody/tr")] == ["少儿美术展"]
    s = spring
    for n in range(55):
        db.session.add(Event(type="visit", status="completed", title=f"参观{n:02d}", venue_id=s.v1.id,
                             starts_at=datetime(2018, 3, 20, 2, tzinfo=timezone.utc),
                             ends_at=datetime(2018, 3, 20, 3, tzinfo=timezone.utc)))
    db.session.commit()
    first = client.get("/reports/events?from=2018-03-01&to=2018-04-30&type=visit")
    page_one = assert_valid_html(first)
    assert len(list(page_one.iterfind(".//table/tbody/tr"))) == 50
    assert "55 场活动。" in first.get_data(as_text=True)
    following = page_one.find(".//nav[@class='pager']//a[@rel='next']").get("href")
    page_two = assert_valid_html(client.get(following))
    assert len(list(page_two.iterfind(".//table/tbody/tr"))) == 5


def test_bad_dates_are_explained_next_to_the_field(client, app, staff):
    response = client.get("/reports?period=custom&from=2018-04-01&to=2018-03-01&lang=en")
    document = assert_valid_html(response)
    assert document.find(".//small[@id='to-error']").text == "The last day comes before the first."
    assert document.find(".//ul[@class='headlines']") is None
    missing = assert_valid_html(client.get("/reports?period=custom&lang=en"))
    assert missing.find(".//small[@id='from-error']").text == "Give a date as YYYY-MM-DD."
    assert client.get("/reports/events?from=nope").status_code == 422


def test_the_named_periods(client, spring, staff, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2018, 4, 15, 4, tzinfo=timezone.utc))
    def visits(query):
        return headlines(assert_valid_html(client.get(f"/reports?{query}&lang=en")))["Person-visits"][0]
    assert visits("period=this_month") == "30"
    assert visits("period=last_month") == "20"
    assert visits("period=this_year") == visits("") == "50"
    assert visits("period=last_year") == "0"


def test_filters_narrow_every_figure(client, spring, staff):
    s = spring
    document = assert_valid_html(client.get(f"/reports?{SPRING}&branch_id={s.b2.id}&audience=children&lang=en"))
    assert headlines(document)["Person-visits"][0] == "34"
    assert document.find(".//select[@id='branch_id']/option[@selected]").get("value") == str(s.b2.id)
    href = headlines(document)["Person-visits"][2]
    assert parse_qs(urlsplit(href).query)["branch_id"] == [str(s.b2.id)]


def test_charts_have_text_alternatives(client, spring, staff):
    html = client.get(f"/reports?{SPRING}&lang=en").get_data(as_text=True)
    document = assert_valid_html(client.get(f"/reports?{SPRING}&lang=en"))
    svg_ns = "{http://www.w3.org/2000/svg}"
    svgs = list(document.iter(svg_ns + "svg"))
    assert len(svgs) == 3
    for svg in svgs:
        assert svg.get("role") == "img" and svg.get("aria-label")
        assert svg.find(svg_ns + "title").text
    assert svgs[0].get("aria-label") == "Lecture: 8; Exhibition: 34; Activity: 8"
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "ids repeat"
    # The Content-Security-Policy refuses inline CSS: the charts carry none (else bars turn black).
    assert "default-src 'self'" in client.get("/reports").headers["Content-Security-Policy"]
    assert [s for s in svgs if s.find(".//*[@style]") is not None or s.find(f".//{svg_ns}style") is not None] == []
    assert svgs[0].get("stroke-linecap") == "butt" and svgs[0].find(f".//{svg_ns}path[@fill='#ffffff']") is not None


def test_export_links_carry_the_query(client, spring, staff):
    document = assert_valid_html(client.get(f"/reports?{SPRING}&type=lecture"))
    links = [a.get("href") for a in document.iter("a") if "/api/v1/reports/attendance." in (a.get("href") or "")]
    assert links
    for href in links:
        query = parse_qs(urlsplit(href).query)
        assert query["from"] == ["2018-03-01"] and query["type"] == ["lecture"]
        response = client.get(href)
        assert response.status_code == 200


def test_the_staff_home_and_navigation_link_here(client, app, staff):
    document = assert_valid_html(client.get("/staff/"))
    hrefs = [a.get("href") for a in document.iter("a")]
    assert "/reports" in hrefs


def test_roles(client, app, make_user, login):
    response = client.get("/reports")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]
    assert client.get("/reports/events").status_code in (302, 303)
    login(make_user("volunteer"))
    assert client.get("/reports").status_code == 403
    assert client.get("/reports/events").status_code == 403


def test_admins_see_it_too(client, app, make_user, login):
    login(make_user("admin"))
    assert client.get("/reports").status_code == 200
    assert client.get("/reports/").status_code == 200


def test_an_address_with_dates_only_means_those_dates(client, spring, staff):
    document = assert_valid_html(client.get("/reports?from=2018-03-01&to=2018-03-31&lang=en"))
    assert headlines(document)["Person-visits"][0] == "20"
    assert document.find(".//select[@id='period']/option[@selected]").get("value") == "custom"
