"""The pages of branches and venues (admins change them, staff view venues), series and partners."""

from __future__ import annotations

import re
import pytest
from sqlalchemy import func, select

from outreach.events.models import EventPartner
from outreach.places.models import Branch, Partner, Series, Venue
from outreach.events.services import change_status
from outreach.extensions import db
from outreach.platform.models import AuditEntry
from outreach.timezone import library_tz
from tests.helpers import assert_valid_html, csrf_token_from, in_days


def text_of(element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def table_rows(document, index: int = 0) -> list[list[str]]:
    """The body rows of the page's ``index``-th table, each cell's text."""
    table = list(document.iter("table"))[index]
    return [[text_of(cell) for cell in row if cell.tag in ("th", "td")] for row in table.find("tbody")]


def caption(document, index: int = 0) -> str:
    return text_of(list(document.iter("table"))[index].find("caption"))


def headings(document, tag: str = "h2") -> list[str]:
    return [text_of(h) for h in document.iter(tag)]


def flashes(client, path: str) -> list[str]:
    document = assert_valid_html(client.get(path))
    return [text_of(p) for p in document.iter("p") if "flash" in (p.get("class") or "")]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def post(client, path: str, form_path: str | None = None, **data):
    data["csrf_token"] = csrf_token_from(client, form_path or path)
    return client.post(path, data=data)


# --- who may see what -------------------------------------------------------------------------------


def admin_only_paths(branch: Branch, venue: Venue) -> list[tuple[str, str]]:
    return [
        ("GET", "/staff/branches"), ("GET", "/staff/branches/new"), ("POST", "/staff/branches/new"),
        ("GET", f"/staff/branches/{branch.id}/edit"), ("POST", f"/staff/branches/{branch.id}/edit"),
        ("POST", f"/staff/branches/{branch.id}/archive"), ("POST", f"/staff/branches/{branch.id}/reactivate"),
        ("GET", "/staff/venues/new"), ("POST", "/staff/venues/new"),
        ("GET", f"/staff/venues/{venue.id}/edit"), ("POST", f"/staff/venues/{venue.id}/edit"),
        ("POST", f"/staff/venues/{venue.id}/archive"), ("POST", f"/staff/venues/{venue.id}/reactivate"),
    ]


def staff_paths(venue: Venue, series: Series, partner: Partner) -> list[tuple[str, str]]:
    return [
        ("GET", "/staff/venues"), ("GET", f"/staff/venues/{venue.id}"),
        ("GET", "/staff/series"), ("GET", "/staff/series/new"), ("POST", "/staff/series/new"),
        ("GET", f"/staff/series/{series.id}"), ("GET", f"/staff/series/{series.id}/edit"),
        ("POST", f"/staff/series/{series.id}/edit"),
        ("GET", "/staff/partners"), ("GET", "/staff/partners/new"), ("POST", "/staff/partners/new"),
        ("GET", f"/staff/partners/{partner.id}/edit"), ("POST", f"/staff/partners/{partner.id}/edit"),
    ]


@pytest.fixture
def forum(app):
    series = Series(name="星海讲坛", name_en="Xinghai Forum", description="每月一期的公益讲座。", description_en="A free monthly lecture.")
    db.session.add(series)
    db.session.commit()
    return series


@pytest.fixture
def school(app):
    partner = Partner(name="醴陵市第一中学", name_en="Liling No. 1 Middle School")
    db.session.add(partner)
    db.session.commit()
    return partner


def test_anonymous_people_are_sent_to_sign_in(client, xinghai, forum_room, forum, school):
    token = csrf_token_from(client)
    for method, path in admin_only_paths(xinghai, forum_room) + staff_paths(forum_room, forum, school):
        response = client.open(path, method=method, data={"csrf_token": token})
        assert response.status_code == 302, (method, path)
        assert response.headers["Location"].startswith("/login?next="), (method, path)


def test_staff_may_not_change_branches_or_venues(client, staff, xinghai, forum_room):
    token = csrf_token_from(client, "/staff/venues")
    for method, path in admin_only_paths(xinghai, forum_room):
        response = client.open(path, method=method, data={"csrf_token": token, "name": "改名"})
        assert response.status_code == 403, (method, path)
    db.session.refresh(xinghai)
    db.session.refresh(forum_room)
    assert (xinghai.name, xinghai.active, forum_room.name, forum_room.active) == ("星海明筑分馆", True, "讲坛活动室", True)


def test_volunteers_may_not_see_the_staff_pages(client, make_user, login, forum_room, forum, school):
    login(make_user("volunteer"))
    token = csrf_token_from(client, "/")
    for method, path in staff_paths(forum_room, forum, school):
        assert client.open(path, method=method, data={"csrf_token": token}).status_code == 403, (method, path)


# --- branches -----------------------------------------------------------------------------------


def test_the_branches_page_in_english(client, admin, central, xinghai, hall, forum_room, make_venue):
    make_venue(branch=xinghai, name="旧书库", active=False)
    archived = Branch(name="流动书车", name_en="Book bus", kind="mobile", active=False)
    db.session.add(archived)
    db.session.commit()
    response = client.get("/staff/branches?lang=en")
    assert response.status_code == 200
    document = assert_valid_html(response)
    assert text_of(document.find(".//h1")) == "Branches"
    assert caption(document) == "The central library, its branches, village reading rooms, the book bus and partner sites."
    assert table_rows(document) == [
        ["Liling Library (central)", "Central library", "醴陵市西山路1号", "1", "In service",
         "Edit Liling Library (central) Archive Liling Library (central)"],
        ["Xinghai Mingzhu Branch", "Branch library", "", "1", "In service",
         "Edit Xinghai Mingzhu Branch Archive Xinghai Mingzhu Branch"],
        ["Book bus", "Mobile book bus", "", "0", "Archived", "Edit Book bus Reactivate Book bus"],
    ]
    links = [a.get("href") for a in document.iter("a")]
    assert "/staff/branches/new" in links and f"/staff/branches/{xinghai.id}/edit" in links
    nav = [text_of(a) for a in document.find(".//nav[@class='subnav']").iter("a")]
    assert nav == ["Branches", "Venues", "Series", "Partners"]


def test_the_branches_page_in_chinese(client, admin, central, hall):
    document = assert_valid_html(client.get("/staff/branches?lang=zh_Hans"))
    assert document.get("lang") == "zh-Hans"
    assert text_of(document.find(".//h1")) == "馆点"
    assert caption(document) == "总馆、分馆、农家书屋、流动汽车图书屋和合作场所。"
    [row] = table_rows(document)
    assert row[:5] == ["醴陵市图书馆（总馆）", "总馆", "醴陵市西山路1号", "1", "在用"]
    assert row[5] == "编辑 醴陵市图书馆（总馆） 归档 醴陵市图书馆（总馆）"


def test_create_a_branch_through_the_form(client, admin):
    response = client.get("/staff/branches/new?lang=en")
    document = assert_valid_html(response)
    assert text_of(document.find(".//h1")) == "New branch"
    assert document.find(".//input[@id='name']").get("required") is not None
    assert [document.find(f".//input[@id='{name}']").get("required") for name in ("name_en", "address")] == [None, None]
    assert [o.get("value") for o in document.find(".//select[@id='kind']").iter("option")] == [
        "central", "branch", "village", "mobile", "partner",
    ]
    response = post(client, "/staff/branches/new?lang=en", "/staff/branches/new",
                    name=" 浦口村农家书屋 ", name_en="Pukou Village Reading Room", kind="village", address="浦口镇")
    assert response.status_code == 303 and response.headers["Location"] == "/staff/branches"
    branch = db.session.scalar(select(Branch))
    assert (branch.name, branch.name_en, branch.kind, branch.address, branch.active) == (
        "浦口村农家书屋", "Pukou Village Reading Room", "village", "浦口镇", True,
    )
    assert db.session.scalar(select(AuditEntry.actor_id).where(AuditEntry.action == "branch.create")) == admin.id
    assert flashes(client, "/staff/branches?lang=en") == ["The branch “Pukou Village Reading Room” is saved."]


def test_a_duplicate_branch_name_is_answered_beside_the_field(client, admin, xinghai):
    response = post(client, "/staff/branches/new?lang=en", "/staff/branches/new", name="星海明筑分馆", kind="branch")
    assert response.status_code == 422
    document = assert_valid_html(response)
    assert text_of(document.find(".//small[@id='name-error']")) == "Already in use."
    assert document.find(".//input[@id='name']").get("aria-describedby") == "name-hint name-error"
    summary = document.find(".//div[@role='alert']")
    assert text_of(summary) == "There is a problem There is already a branch with that name. Chinese name: Already in use."
    assert [a.get("href") for a in summary.findall(".//a")] == ["#name"]
    assert count(Branch) == 1

    response = post(client, "/staff/branches/new?lang=zh_Hans", "/staff/branches/new", name="星海明筑分馆", kind="branch")
    assert response.status_code == 422
    assert text_of(assert_valid_html(response).find(".//small[@id='name-error']")) == "已被使用。"

    response = post(client, "/staff/branches/new?lang=en", "/staff/branches/new", name="", kind="branch")
    assert response.status_code == 422
    assert text_of(assert_valid_html(response).find(".//small[@id='name-error']")) == "Give a name of 1 to 120 characters."
    assert count(Branch) == 1


def test_edit_a_branch(client, admin, central, xinghai):
    document = assert_valid_html(client.get(f"/staff/branches/{xinghai.id}/edit?lang=en"))
    assert text_of(document.find(".//h1")) == "Edit the branch “Xinghai Mingzhu Branch”"
    assert document.find(".//input[@id='name']").get("value") == "星海明筑分馆"
    path = f"/staff/branches/{xinghai.id}/edit"
    response = post(client, path, name="星海明筑分馆", name_en="Xinghai Branch", kind="partner", address="滨河路8号")
    assert response.status_code == 303
    db.session.refresh(xinghai)
    assert (xinghai.name_en, xinghai.kind, xinghai.address) == ("Xinghai Branch", "partner", "滨河路8号")

    response = post(client, path + "?lang=en", path, name=central.name, kind="branch")
    assert response.status_code == 422
    assert text_of(assert_valid_html(response).find(".//small[@id='name-error']")) == "Already in use."
    db.session.refresh(xinghai)
    assert xinghai.name == "星海明筑分馆"


def test_archive_and_reactivate_a_branch(client, admin, central, xinghai, forum_room, make_venue):
    make_venue(branch=xinghai)
    response = post(client, f"/staff/branches/{xinghai.id}/archive?lang=en", "/staff/branches")
    assert response.status_code == 303 and response.headers["Location"] == "/staff/branches"
    assert flashes(client, "/staff/branches?lang=en") == [
        "This branch has 2 venues in service. Archive them or move them to another branch first."
    ]
    db.session.refresh(xinghai)
    assert xinghai.active is True

    empty = central  # its venues: none
    assert post(client, f"/staff/branches/{empty.id}/archive?lang=en", "/staff/branches").status_code == 303
    assert flashes(client, "/staff/branches?lang=en") == ["The branch “Liling Library (central)” is archived."]
    db.session.refresh(empty)
    assert empty.active is False
    assert post(client, f"/staff/branches/{empty.id}/reactivate?lang=en", "/staff/branches").status_code == 303
    assert flashes(client, "/staff/branches?lang=en") == ["The branch “Liling Library (central)” is in service again."]
    db.session.refresh(empty)
    assert empty.active is True


def test_archiving_needs_the_csrf_token(client, admin, central):
    assert client.post(f"/staff/branches/{central.id}/archive").status_code == 400
    db.session.refresh(central)
    assert central.active is True


# --- venues -------------------------------------------------------------------------------------


def test_the_venues_page_groups_by_branch_and_only_admins_change_them(client, staff, central, xinghai, hall, forum_room, make_venue):
    make_venue(branch=central, name="展厅", name_en="Gallery", kind="exhibition", capacity=None, active=False)
    make_venue(branch=None, name="醴陵市第一中学礼堂", name_en="No. 1 Middle School hall", kind="external", capacity=800,
               address="醴陵市解放路")
    response = client.get("/staff/venues?lang=en")
    assert response.status_code == 200
    document = assert_valid_html(response)
    assert headings(document) == ["Liling Library (central)", "Xinghai Mingzhu Branch", "Outside sites"]
    assert table_rows(document, 0) == [
        ["Lecture hall", "Lecture hall", "200", "", "In service"],
        ["Gallery", "Exhibition space", "No limit", "", "Archived"],
    ]
    assert table_rows(document, 1) == [["Forum room", "Activity room", "60", "", "In service"]]
    assert table_rows(document, 2) == [["No. 1 Middle School hall", "Outside site", "800", "醴陵市解放路", "In service"]]
    assert caption(document, 1) == "Venues of Xinghai Mingzhu Branch"
    html = response.get_data(as_text=True)
    assert "/staff/venues/new" not in html and "/archive" not in html and "/edit" not in html
    assert [text_of(a) for a in document.find(".//nav[@class='subnav']").iter("a")] == ["Venues", "Series", "Partners"]

    chinese = assert_valid_html(client.get("/staff/venues?lang=zh_Hans"))
    assert headings(chinese) == ["醴陵市图书馆（总馆）", "星海明筑分馆", "馆外场地"]
    assert table_rows(chinese, 0)[0][0] == "报告厅" and table_rows(chinese, 0)[1][-1] == "已归档"


def test_admins_see_the_venue_actions(client, admin, hall):
    document = assert_valid_html(client.get("/staff/venues?lang=en"))
    assert table_rows(document) == [
        ["Lecture hall", "Lecture hall", "200", "", "In service", "Edit Lecture hall Archive Lecture hall"]
    ]
    assert "/staff/venues/new" in [a.get("href") for a in document.iter("a")]


def test_create_a_venue_through_the_form(client, admin, central, xinghai):
    archived = Branch(name="旧分馆", kind="branch", active=False)
    db.session.add(archived)
    db.session.commit()
    document = assert_valid_html(client.get(f"/staff/venues/new?lang=en&branch={xinghai.id}"))
    options = [(o.get("value"), text_of(o)) for o in document.find(".//select[@id='branch_id']").iter("option")]
    assert options == [("", "No branch (outside site)"), (str(central.id), "Liling Library (central)"),
                       (str(xinghai.id), "Xinghai Mingzhu Branch")]
    assert document.find(f".//option[@value='{xinghai.id}']").get("selected") is not None

    response = post(client, "/staff/venues/new?lang=en", "/staff/venues/new", branch_id=str(xinghai.id),
                    name="少儿阅览室", name_en="Children's room", kind="room", capacity="40", address="")
    assert response.status_code == 303 and response.headers["Location"] == "/staff/venues"
    venue = db.session.scalar(select(Venue))
    assert (venue.branch_id, venue.name, venue.name_en, venue.kind, venue.capacity, venue.address) == (
        xinghai.id, "少儿阅览室", "Children's room", "room", 40, None,
    )
    assert flashes(client, "/staff/venues?lang=en") == ["The venue “Children's room” is saved."]

    response = post(client, "/staff/venues/new?lang=en", "/staff/venues/new", branch_id=str(xinghai.id),
                    name="少儿阅览室", kind="room", capacity="")
    assert response.status_code == 422
    assert text_of(assert_valid_html(response).find(".//small[@id='name-error']")) == "Already in use."
    response = post(client, "/staff/venues/new?lang=en", "/staff/venues/new", branch_id=str(archived.id),
                    name="新室", kind="room", capacity="-3")
    assert response.status_code == 422
    document = assert_valid_html(response)
    assert text_of(document.find(".//small[@id='capacity-error']")) == (
        "Enter a whole number of 0 or more, or leave it empty for no limit."
    )
    response = post(client, "/staff/venues/new?lang=en", "/staff/venues/new", branch_id=str(archived.id),
                    name="新室", kind="room", capacity="")
    assert response.status_code == 422
    assert text_of(assert_valid_html(response).find(".//small[@id='branch_id-error']")) == (
        "This branch is archived: choose a branch in service."
    )
    response = post(client, "/staff/venues/new?lang=en", "/staff/venues/new", branch_id="9999", name="新室", kind="room")
    assert response.status_code == 422
    assert text_of(assert_valid_html(response).find(".//small[@id='branch_id-error']")) == "There is no such branch."
    assert count(Venue) == 1


def test_edit_a_venue(client, admin, central, hall, forum_room):
    path = f"/staff/venues/{forum_room.id}/edit"
    document = assert_valid_html(client.get(path + "?lang=en"))
    assert text_of(document.find(".//h1")) == "Edit the venue “Forum room”"
    assert document.find(".//input[@id='capacity']").get("value") == "60"
    response = post(client, path, name="讲坛活动室", name_en="Forum room", branch_id=str(central.id), kind="hall", capacity="90")
    assert response.status_code == 303
    db.session.refresh(forum_room)
    assert (forum_room.branch_id, forum_room.kind, forum_room.capacity) == (central.id, "hall", 90)
    response = post(client, path + "?lang=en", path, name="报告厅", branch_id=str(central.id), kind="hall", capacity="90")
    assert response.status_code == 422
    assert text_of(assert_valid_html(response).find(".//small[@id='name-error']")) == "Already in use."


def test_archive_a_venue_only_without_upcoming_events(client, admin, forum_room, hall, make_event):
    make_event(venue=forum_room, starts_at=in_days(3))
    make_event(venue=hall, starts_at=in_days(-20))
    assert post(client, f"/staff/venues/{forum_room.id}/archive?lang=en", "/staff/venues").status_code == 303
    assert flashes(client, "/staff/venues?lang=en") == [
        "This venue has 1 upcoming event. Move it to another venue or cancel it first."
    ]
    db.session.refresh(forum_room)
    assert forum_room.active is True
    assert post(client, f"/staff/venues/{forum_room.id}/archive?lang=zh_Hans", "/staff/venues").status_code == 303
    assert flashes(client, "/staff/venues?lang=zh_Hans") == ["该场地还有 1 场未结束的活动，请先将其改到其他场地或取消。"]

    assert post(client, f"/staff/venues/{hall.id}/archive?lang=en", "/staff/venues").status_code == 303
    assert flashes(client, "/staff/venues?lang=en") == ["The venue “Lecture hall” is archived."]
    db.session.refresh(hall)
    assert hall.active is False
    assert post(client, f"/staff/venues/{hall.id}/reactivate?lang=en", "/staff/venues").status_code == 303
    db.session.refresh(hall)
    assert hall.active is True


def test_the_venue_page_lists_its_bookings_for_eight_weeks(client, staff, forum_room, hall, make_event):
    first = make_event(title="星海讲坛 第15期", title_en="Xinghai Forum No. 15", venue=forum_room,
                       starts_at=in_days(2, 6), setup_minutes=30, teardown_minutes=15)
    draft = make_event(title="读书会", venue=forum_room, starts_at=in_days(9, 6), status="draft")
    cancelled = make_event(title="取消的讲座", venue=forum_room, starts_at=in_days(4, 6))
    change_status(cancelled, "cancelled")
    make_event(title="很久以后", venue=forum_room, starts_at=in_days(70, 6))
    make_event(title="别的房间", venue=hall, starts_at=in_days(3, 6))
    db.session.commit()
    response = client.get(f"/staff/venues/{forum_room.id}?lang=en")
    assert response.status_code == 200
    document = assert_valid_html(response)
    assert text_of(document.find(".//h1")) == "Forum room"
    assert caption(document) == "2 bookings in the next 8 weeks; set-up and tear-down included."
    rows = table_rows(document)
    assert [row[0] for row in rows] == ["Xinghai Forum No. 15", "读书会"]
    assert [row[3] for row in rows] == ["Published", "Draft"]
    assert rows[0][2].endswith("set-up 30 min, tear-down 15 min")
    # 06:00 UTC is 14:00 in the library; set-up from 13:30, tear-down until 16:15.
    assert "2:00 PM" in rows[0][1] and "4:00 PM" in rows[0][1]
    assert "1:30 PM" in rows[0][2] and "4:15 PM" in rows[0][2]
    links = [a.get("href") for a in document.iter("a")]
    assert f"/staff/events/{first.id}" in links and f"/staff/events/{draft.id}" in links

    chinese = assert_valid_html(client.get(f"/staff/venues/{forum_room.id}?lang=zh_Hans"))
    assert caption(chinese) == "未来 8 周内有 2 项预订（含布置和撤场时间）。"
    assert [row[0] for row in table_rows(chinese)] == ["星海讲坛 第15期", "读书会"]
    assert [row[3] for row in table_rows(chinese)] == ["已发布", "草稿"]


def test_a_free_venue_says_so(client, staff, hall):
    document = assert_valid_html(client.get(f"/staff/venues/{hall.id}?lang=en"))
    assert "No booking in the next 8 weeks: the room is free." in [text_of(p) for p in document.iter("p")]
    assert client.get("/staff/venues/9999").status_code == 404


# --- series -------------------------------------------------------------------------------------


def test_the_series_list_counts_sessions(client, staff, forum, forum_room, make_event):
    other = Series(name="少儿故事会")
    db.session.add(other)
    db.session.commit()
    for number in (1, 2, 3):
        make_event(series=forum, session_number=number, venue=forum_room, starts_at=in_days(-100 + 10 * number))
    document = assert_valid_html(client.get("/staff/series?lang=en"))
    assert text_of(document.find(".//h1")) == "Series"
    # Sorted here: the order of Chinese names is the database collation's.
    assert sorted(table_rows(document)) == [
        ["Xinghai Forum", "", "3", "Edit Xinghai Forum"],
        ["少儿故事会", "", "0", "Edit 少儿故事会"],
    ]
    chinese = assert_valid_html(client.get("/staff/series?lang=zh_Hans"))
    assert sorted(row[0] for row in table_rows(chinese)) == sorted(["星海讲坛", "少儿故事会"])
    assert text_of(chinese.find(".//h1")) == "系列"


def test_the_series_page_lists_sessions_in_number_order_and_plans_the_next(client, staff, forum, forum_room, make_event):
    fourteenth = make_event(series=forum, session_number=14, venue=forum_room, starts_at=in_days(-5),
                            title="星海讲坛 第14期", title_en="Xinghai Forum No. 14")
    second = make_event(series=forum, session_number=2, venue=forum_room, starts_at=in_days(-300), title="星海讲坛 第2期")
    make_event(series=forum, session_number=15, venue=forum_room, starts_at=in_days(20), status="draft", title="星海讲坛 第15期")
    response = client.get(f"/staff/series/{forum.id}?lang=en")
    assert response.status_code == 200
    document = assert_valid_html(response)
    assert text_of(document.find(".//h1")) == "Xinghai Forum"
    assert "A free monthly lecture." in [text_of(p) for p in document.iter("p")]
    rows = table_rows(document)
    assert [(row[0], row[1], row[3], row[4]) for row in rows] == [
        ("2", "星海讲坛 第2期", "Forum room", "Published"),
        ("14", "Xinghai Forum No. 14", "Forum room", "Published"),
        ("15", "星海讲坛 第15期", "Forum room", "Draft"),
    ]
    [plan] = [a for a in document.iter("a") if a.get("href") == f"/staff/events/new?series={forum.id}"]
    assert text_of(plan) == "Plan the next session (No. 16)"
    assert f"/staff/events/{second.id}" in [a.get("href") for a in document.iter("a")]

    chinese = assert_valid_html(client.get(f"/staff/series/{forum.id}?lang=zh_Hans"))
    assert text_of(chinese.find(".//h1")) == "星海讲坛"
    assert "每月一期的公益讲座。" in [text_of(p) for p in chinese.iter("p")]
    assert [row[1] for row in table_rows(chinese)] == ["星海讲坛 第2期", "星海讲坛 第14期", "星海讲坛 第15期"]
    assert "策划下一期（第16期）" in [text_of(a) for a in chinese.iter("a")]
    assert f"/staff/events/{fourteenth.id}" in [a.get("href") for a in chinese.iter("a")]


def test_create_and_edit_a_series_through_the_form(client, staff, xinghai, forum):
    document = assert_valid_html(client.get("/staff/series/new?lang=en"))
    assert text_of(document.find(".//h1")) == "New series"
    response = post(client, "/staff/series/new", name="三点半课堂", name_en="Half-Past-Three Class",
                    description="放学后的阅读课。", description_en="", branch_id=str(xinghai.id))
    series = db.session.scalar(select(Series).where(Series.name == "三点半课堂"))
    assert response.status_code == 303 and response.headers["Location"] == f"/staff/series/{series.id}"
    assert (series.name_en, series.description, series.description_en, series.branch_id) == (
        "Half-Past-Three Class", "放学后的阅读课。", None, xinghai.id,
    )
    assert flashes(client, f"/staff/series/{series.id}?lang=en") == ["The series “Half-Past-Three Class” is saved."]

    response = post(client, "/staff/series/new?lang=en", "/staff/series/new", name="星海讲坛", branch_id="")
    assert response.status_code == 422
    assert text_of(assert_valid_html(response).find(".//small[@id='name-error']")) == "Already in use."
    assert count(Series) == 2

    path = f"/staff/series/{series.id}/edit"
    assert assert_valid_html(client.get(path)).find(".//textarea[@id='description']").text.strip() == "放学后的阅读课。"
    response = post(client, path, name="三点半课堂", name_en="3:30 Class", description="", branch_id="")
    assert response.status_code == 303
    db.session.refresh(series)
    assert (series.name_en, series.description, series.branch_id) == ("3:30 Class", None, None)
    response = post(client, path + "?lang=en", path, name="星海讲坛", branch_id="")
    assert response.status_code == 422
    assert text_of(assert_valid_html(response).find(".//small[@id='name-error']")) == "Already in use."


# --- partners -----------------------------------------------------------------------------------


def test_the_partners_page_counts_events(client, staff, school, make_event):
    sponsor = Partner(name="台北城", name_en="Taipei City")
    db.session.add(sponsor)
    db.session.commit()
    for event in (make_event(), make_event(), make_event()):
        db.session.add(EventPartner(event_id=event.id, partner_id=sponsor.id, role="naming_sponsor"))
    db.session.commit()
    document = assert_valid_html(client.get("/staff/partners?lang=en"))
    assert text_of(document.find(".//h1")) == "Partners"
    assert caption(document) == "Co-organisers, sponsors and hosts of our events."
    assert sorted(table_rows(document)) == [
        ["Liling No. 1 Middle School", "0", "Edit Liling No. 1 Middle School"],
        ["Taipei City", "3", "Edit Taipei City"],
    ]
    chinese = assert_valid_html(client.get("/staff/partners?lang=zh_Hans"))
    assert sorted(table_rows(chinese)) == [["台北城", "3", "编辑 台北城"], ["醴陵市第一中学", "0", "编辑 醴陵市第一中学"]]


def test_create_and_edit_a_partner_through_the_form(client, staff, school):
    response = post(client, "/staff/partners/new?lang=en", "/staff/partners/new", name="渌江书院", name_en="Lujiang Academy")
    assert response.status_code == 303 and response.headers["Location"] == "/staff/partners"
    partner = db.session.scalar(select(Partner).where(Partner.name == "渌江书院"))
    assert partner.name_en == "Lujiang Academy"
    assert flashes(client, "/staff/partners?lang=en") == ["The partner “Lujiang Academy” is saved."]

    response = post(client, "/staff/partners/new?lang=en", "/staff/partners/new", name="醴陵市第一中学")
    assert response.status_code == 422
    assert text_of(assert_valid_html(response).find(".//small[@id='name-error']")) == "Already in use."
    assert count(Partner) == 2

    path = f"/staff/partners/{partner.id}/edit"
    assert text_of(assert_valid_html(client.get(path + "?lang=en")).find(".//h1")) == "Edit the partner “Lujiang Academy”"
    assert post(client, path, name="渌江书院", name_en="").status_code == 303
    db.session.refresh(partner)
    assert partner.name_en is None
    response = post(client, path + "?lang=en", path, name="醴陵市第一中学", name_en="")
    assert response.status_code == 422
    db.session.refresh(partner)
    assert partner.name == "渌江书院"


def test_every_form_page_is_valid_in_both_languages(client, admin, central, hall, forum, school):
    for path in (
        "/staff/branches/new", f"/staff/branches/{central.id}/edit", "/staff/venues/new",
        f"/staff/venues/{hall.id}/edit", "/staff/series/new", f"/staff/series/{forum.id}/edit",
        "/staff/partners/new", f"/staff/partners/{school.id}/edit", "/staff/branches", "/staff/venues",
        f"/staff/venues/{hall.id}", "/staff/series", f"/staff/series/{forum.id}", "/staff/partners",
    ):
        for lang, html_lang in (("en", "en"), ("zh_Hans", "zh-Hans")):
            response = client.get(f"{path}?lang={lang}")
            assert response.status_code == 200, path
            assert assert_valid_html(response).get("lang") == html_lang
    chinese = assert_valid_html(client.get("/staff/venues/new?lang=zh_Hans"))
    labels = {label.get("for"): text_of(label) for label in chinese.iter("label")}
    assert labels["branch_id"] == "馆点" and labels["capacity"] == "容量（人）"


def test_the_events_of_an_archived_venue_keep_their_page(client, staff, forum_room, make_event):
    event = make_event(venue=forum_room, starts_at=in_days(-10))
    forum_room.active = False
    db.session.commit()
    assert client.get(f"/staff/venues/{forum_room.id}?lang=en").status_code == 200
    assert client.get(f"/events/{event.id}").status_code == 200


def test_a_duplicated_session_is_the_next_one_on_the_series_page(client, staff, forum, forum_room, make_event):
    """Duplicating 星海讲坛 第15期 makes No. 17, titled as No. 17 (its topic to come), listed last."""
    fifteenth = make_event(series=forum, session_number=15, venue=forum_room, starts_at=in_days(7),
                           title="星海讲坛 第15期：宋代瓷器", title_en="Xinghai Forum No. 15: Song porcelain")
    make_event(series=forum, session_number=16, venue=forum_room, starts_at=in_days(14),
               title="星海讲坛 第16期：醴陵釉下彩", title_en="Xinghai Forum No. 16: Liling underglaze")
    manage = f"/staff/events/{fifteenth.id}?lang=en"
    starts = in_days(21).astimezone(library_tz()).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/staff/events/{fifteenth.id}/duplicate?lang=en",
                           data={"csrf_token": csrf_token_from(client, manage), "starts_at": starts})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "It is No. 17 of Xinghai Forum: give it its topic, and check its description and speaker." in page
    rows = table_rows(assert_valid_html(client.get(f"/staff/series/{forum.id}?lang=zh_Hans")))
    assert [(row[0], row[1]) for row in rows] == [
        ("15", "星海讲坛 第15期：宋代瓷器"), ("16", "星海讲坛 第16期：醴陵釉下彩"), ("17", "星海讲坛 第17期"),
    ]
    english = table_rows(assert_valid_html(client.get(f"/staff/series/{forum.id}?lang=en")))
    assert [row[1] for row in english][-1] == "Xinghai Forum No. 17"
