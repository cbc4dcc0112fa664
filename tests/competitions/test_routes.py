"""Competition pages, staff and public, in both languages: who may come in, the forms
(details, rubric, judges, rounds, sittings with room clashes), a judge's score sheet, the
round's results, advancement through the page, publication, and the public page.

The rubric (conftest) is 内容 50, 语言表达 30, 仪态台风 20, each out of 10, so a judge's
total is 5a + 3b + 2c; with five judges the highest and lowest totals are dropped.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from outreach.competitions.models import Competition, Criterion, Judge, Round, Score
from outreach.events.models import Event
from outreach.extensions import db
from outreach.registration.models import Registration
from tests.helpers import assert_valid_html, csrf_token_from, field_error, in_days, text_of

D = Decimal
BASE = "/staff/competitions"
LANGS = ["zh_Hans", "en"]


def in_locale(locale: str, message: str, **variables) -> str:
    """A message as a page in ``locale`` shows it (Chinese once the catalogue has it)."""
    with force_locale(locale):
        return _(message, **variables)


def csrf(client) -> str:
    return csrf_token_from(client, f"{BASE}/new")


def cells(html: str, caption: str) -> list[list[str]]:
    """The body rows of the table with ``caption``, as the text of each cell."""
    match = re.search(rf"<caption[^>]*>{re.escape(caption)}</caption>(.*?)</table>", html, re.S)
    assert match, f"no table {caption!r}"
    body = match.group(1).split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [
        [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in rows
    ]


def row_data(name: str, count: int, filled: dict[int, dict]) -> dict:
    """A table form's rows as a browser sends them: every row, empty inputs as empty strings."""
    fields = {"criteria": ("name", "name_en", "weight", "max_score"), "round-awards": ("name", "name_en", "places")}
    return {
        f"{name}-{i}-{field}": filled.get(i, {}).get(field, "") for i in range(count) for field in fields[name]
    }


@pytest.fixture
def as_staff(client, login, staff_user):
    login(staff_user)
    return staff_user


def staff_pages(season) -> list[str]:
    prelim, judge = season["prelim"], season["competition"].judges[0]
    return [
        f"{BASE}/", f"{BASE}/new", f"{BASE}/{season['competition'].id}", f"{BASE}/rounds/{prelim.id}",
        f"{BASE}/rounds/{prelim.id}/judges/{judge.id}/scores",
    ]


def staff_posts(season) -> list[str]:
    competition, prelim = season["competition"], season["prelim"]
    return [
        f"{BASE}/new", f"{BASE}/{competition.id}/details", f"{BASE}/{competition.id}/rubric",
        f"{BASE}/{competition.id}/judges", f"{BASE}/judges/{competition.judges[0].id}/remove",
        f"{BASE}/{competition.id}/rounds", f"{BASE}/{competition.id}/sittings", f"{BASE}/rounds/{prelim.id}/edit",
        f"{BASE}/rounds/{prelim.id}/advance", f"{BASE}/rounds/{prelim.id}/publish",
        f"{BASE}/rounds/{prelim.id}/unpublish", f"{BASE}/rounds/{prelim.id}/judges/{competition.judges[0].id}/scores",
    ]


# --- who may come in ---------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client, season):
    for url in staff_pages(season) + [f"{BASE}/rounds/{season['prelim'].id}/certificates.pdf"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next="), url
    for url in staff_posts(season):
        assert client.post(url).status_code == 400, url  # no CSRF token: refused before anything


def test_volunteers_get_403_on_every_staff_page(client, login, make_user, season):
    login(make_user("volunteer"))
    token = csrf_token_from(client, "/competitions/")
    for url in staff_pages(season) + [f"{BASE}/rounds/{season['prelim'].id}/certificates.pdf"]:
        assert client.get(url).status_code == 403, url
    for url in staff_posts(season):
        assert client.post(url, data={"csrf_token": token}).status_code == 403, url
    assert db.session.scalar(select(func.count(Score.id))) == 0


@pytest.mark.parametrize("lang", LANGS)
def test_every_staff_page_opens_as_valid_html(client, as_staff, season, lang):
    for url in staff_pages(season):
        response = client.get(f"{url}?lang={lang}")
        assert response.status_code == 200, url
        document = assert_valid_html(response)
        ids = [element.get("id") for element in document.iter() if element.get("id")]
        assert len(ids) == len(set(ids)), url


# --- the list, a new competition, the hub --------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_list_names_each_competition_with_its_rounds(client, as_staff, season, lang):
    html = text_of(client.get(f"{BASE}/?lang={lang}"))
    en = lang == "en"
    rows = cells(html, in_locale(lang, "Every competition, the newest first"))
    assert rows == [[
        "Little Storytellers" if en else "少儿故事大王",
        "Preliminary · Final" if en else "初赛 · 决赛",
        "3",
    ]]


def test_a_new_competition_is_made_through_the_form(client, as_staff):
    token = csrf(client)
    response = client.post(f"{BASE}/new?lang=en", data={
        "csrf_token": token, "title": " 三湘少年儿童阅读之星 ", "title_en": "Reading Stars of Hunan", "description": "",
    })
    competition = db.session.scalar(select(Competition))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{BASE}/{competition.id}")
    assert (competition.title, competition.title_en, competition.description) == (
        "三湘少年儿童阅读之星", "Reading Stars of Hunan", None,
    )
    html = text_of(client.get(response.headers["Location"] + "?lang=en"))
    assert "The competition “Reading Stars of Hunan” is saved." in html


def test_a_new_competition_needs_a_title_and_a_free_one(client, as_staff, season):
    token = csrf(client)
    response = client.post(f"{BASE}/new?lang=en", data={"csrf_token": token, "title": ""})
    assert response.status_code == 422
    assert field_error(text_of(response), "title") == "Give a title of 1 to 200 characters."
    response = client.post(f"{BASE}/new?lang=en", data={"csrf_token": token, "title": "少儿故事大王"})
    assert response.status_code == 422
    assert field_error(text_of(response), "title") == "Already in use."
    assert_valid_html(response)
    assert db.session.scalar(select(func.count(Competition.id))) == 1


@pytest.mark.parametrize("lang", LANGS)
def test_the_hub_shows_rounds_sittings_rubric_and_judges(client, as_staff, season, lang):
    competition, en = season["competition"], lang == "en"
    response = client.get(f"{BASE}/{competition.id}?lang={lang}")
    html = text_of(response)
    document = assert_valid_html(response)
    assert document.find(".//h1").text == ("Little Storytellers" if en else "少儿故事大王")
    headings = [h.text for h in document.iter("h2")]
    assert headings == [in_locale(lang, m) for m in (
        "Rounds and sittings", "Add a sitting", "Add a round", "Rubric", "Judges", "Details",
    )]
    sittings = cells(html, in_locale(lang, "Sittings of %(round)s", round="Preliminary" if en else "初赛"))
    assert [row[3:5] for row in sittings] == [["3", in_locale(lang, "no limit")], ["2", in_locale(lang, "no limit")]]
    assert f'href="/staff/events/{season["school_a"].id}"' in html
    assert f'href="/staff/events/{season["final_sitting"].id}"' in html
    assert in_locale(lang, "The top %(n)s advance.", n=3) in html
    first = "First prize" if en else "一等奖"
    with force_locale(lang):
        assert ngettext("%(award)s: %(num)s place.", "%(award)s: %(num)s places.", 1, award=first) in html
    # The rubric's rows are filled in, with two empty rows left for more.
    assert 'name="criteria-0-name" type="text" value="内容"' in html
    assert 'name="criteria-2-weight"' in html and 'name="criteria-7-weight"' in html
    for judge in ("王评委", "陈评委"):
        assert f'<th scope="row">{judge}</th>' in html
    judges = next(t for t in document.iter("table") if "".join(t.find("thead").itertext()).startswith(
        in_locale(lang, "Judge's name")))
    assert ["".join(th.itertext()) for th in judges.findall("thead/tr/th")][1] == ("From" if en else "所属单位")


def test_the_details_are_saved_from_the_hub(client, as_staff, season):
    competition = season["competition"]
    response = client.post(f"{BASE}/{competition.id}/details?lang=en", data={
        "details-csrf_token": csrf(client), "details-title": "少儿故事大王（台北城杯）",
        "details-title_en": "Little Storytellers (Taibeicheng Cup)", "details-description": "",
    })
    assert response.status_code == 303
    db.session.refresh(competition)
    assert competition.title == "少儿故事大王（台北城杯）" and competition.description is None


def test_the_rubric_is_saved_from_rows_and_empty_rows_are_ignored(client, as_staff, make_competition):
    competition = make_competition(rounds=[])
    data = {"csrf_token": csrf(client), **row_data("criteria", 8, {
        0: {"name": "内容", "weight": "60", "max_score": "10"},
        3: {"name": "表达", "name_en": "Delivery", "weight": "４０"},
    })}
    response = client.post(f"{BASE}/{competition.id}/rubric?lang=en", data=data)
    assert response.status_code == 303
    rows = db.session.execute(
        select(Criterion.position, Criterion.name, Criterion.name_en, Criterion.weight, Criterion.max_score)
        .where(Criterion.competition_id == competition.id).order_by(Criterion.position)
    ).all()
    assert rows == [(1, "内容", None, D("60.00"), D("10.00")), (2, "表达", "Delivery", D("40.00"), D("100.00"))]


def test_a_bad_rubric_row_is_answered_beside_its_field(client, as_staff, make_competition):
    competition = make_competition(rounds=[])
    data = {"csrf_token": csrf(client), **row_data("criteria", 8, {
        0: {"name": "内容", "weight": "50"}, 4: {"name": "表达", "weight": "0"}, 6: {"weight": "abc"},
    })}
    response = client.post(f"{BASE}/{competition.id}/rubric?lang=en", data=data)
    assert response.status_code == 422
    html = text_of(response)
    assert field_error(html, "criteria-6-weight") == "Enter a number such as 8.5."
    # A form error stops the save before the service: fix it, and the service answers row 4.
    data["criteria-6-weight"] = ""
    response = client.post(f"{BASE}/{competition.id}/rubric?lang=en", data=data)
    assert response.status_code == 422
    assert field_error(text_of(response), "criteria-4-weight") == (
        "Enter a number greater than 0 and at most 9999.99, with at most two decimals."
    )
    assert_valid_html(response)
    assert [c.name for c in db.session.scalars(select(Criterion).order_by(Criterion.position))] == [
        "内容", "语言表达", "仪态台风",
    ]


def test_judges_are_added_and_removed(client, as_staff, season):
    competition = season["competition"]
    token = csrf(client)
    response = client.post(f"{BASE}/{competition.id}/judges?lang=en", data={
        "judge-csrf_token": token, "judge-name": "赵评委", "judge-affiliation": "醴陵一中",
    })
    assert response.status_code == 303
    judge = db.session.scalar(select(Judge).where(Judge.name == "赵评委"))
    assert judge.affiliation == "醴陵一中"
    response = client.post(f"{BASE}/{competition.id}/judges?lang=en", data={"judge-csrf_token": token, "judge-name": "赵评委"})
    assert response.status_code == 422
    assert field_error(text_of(response), "judge-name") == "Already in use."
    judge_id = judge.id
    response = client.post(f"{BASE}/judges/{judge_id}/remove", data={"csrf_token": token})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Judge, judge_id) is None


def test_a_judge_with_scores_stays(client, as_staff, scored_season):
    judge = scored_season["competition"].judges[0]
    response = client.post(f"{BASE}/judges/{judge.id}/remove?lang=en", data={"csrf_token": csrf(client)}, follow_redirects=True)
    assert "This judge has entered scores and cannot be removed." in text_of(response)
    assert db.session.get(Judge, judge.id) is not None


def test_a_round_is_added_with_its_award_rows(client, as_staff, make_competition):
    competition = make_competition(rounds=[])
    token = csrf(client)
    response = client.post(f"{BASE}/{competition.id}/rounds?lang=en", data={
        "round-csrf_token": token, "round-name": "决赛", "round-name_en": "Final", "round-advance_mode": "",
        **row_data("round-awards", 4, {
            0: {"name": "一等奖", "places": "1"}, 2: {"name": "二等奖", "name_en": "Second prize", "places": "3"},
        }),
    })
    assert response.status_code == 303
    round_ = db.session.scalar(select(Round))
    assert (round_.position, round_.name, round_.advance_mode) == (1, "决赛", None)
    assert round_.awards == [
        {"name": "一等奖", "name_en": None, "places": 1}, {"name": "二等奖", "name_en": "Second prize", "places": 3},
    ]
    response = client.post(f"{BASE}/{competition.id}/rounds?lang=en", data={
        "round-csrf_token": token, "round-name": "初赛", "round-advance_mode": "top", "round-advance_value": "",
        **row_data("round-awards", 4, {1: {"name_en": "Merit"}}),
    })
    assert response.status_code == 422
    html = text_of(response)
    assert field_error(html, "round-advance_value") == "Enter how many advance: a whole number of 1 or more."
    assert field_error(html, "round-awards-1-name") == "Give a name of 1 to 60 characters."
    assert field_error(html, "round-awards-1-places") == "Enter a whole number from 1 to 1000."
    assert db.session.scalar(select(func.count(Round.id))) == 1


def test_a_round_is_edited_on_its_page(client, as_staff, season):
    prelim = season["prelim"]
    response = client.post(f"{BASE}/rounds/{prelim.id}/edit?lang=en", data={
        "round-csrf_token": csrf(client), "round-name": "初赛", "round-name_en": "First round",
        "round-advance_mode": "threshold", "round-advance_value": "85",
    })
    assert response.status_code == 303
    db.session.refresh(prelim)
    assert (prelim.name_en, prelim.advance_mode, prelim.advance_value, prelim.awards) == (
        "First round", "threshold", D("85.00"), None,
    )


def sitting_data(token, round_id, venue_id, start: datetime, **extra) -> dict:
    return {
        "sitting-csrf_token": token, "sitting-round_id": str(round_id), "sitting-venue_id": str(venue_id),
        "sitting-starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "sitting-ends_at": (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "sitting-capacity": "60", "sitting-setup_minutes": "30", "sitting-teardown_minutes": "0",
        "sitting-status": "published", **extra,
    }


def test_a_sitting_is_added_and_a_booked_room_asks_for_a_reason(client, as_staff, season, make_event, make_venue):
    final = season["final"]
    hall = make_venue(name="台北城报告厅", name_en="Taibeicheng Hall")
    start = datetime(2026, 12, 5, 9, 0)
    from outreach.timezone import localize

    make_event(title="星海讲坛 第15期", title_en="Xinghai Forum No. 15", venue=hall,
               starts_at=localize(start) + timedelta(hours=1))
    token = csrf(client)
    data = sitting_data(token, final.id, hall.id, start)
    response = client.post(f"{BASE}/{season['competition'].id}/sittings?lang=en", data=data)
    assert response.status_code == 422
    html = text_of(response)
    assert field_error(html, "sitting-venue_id").startswith("The room is booked then: “Xinghai Forum No. 15”")
    assert field_error(html, "sitting-booking_override_reason") == "Give a reason to book the room anyway."
    assert_valid_html(response)
    assert db.session.scalar(select(func.count(Event.id)).where(Event.venue_id == hall.id)) == 1

    data["sitting-booking_override_reason"] = "讲坛改在楼上，报告厅给决赛"
    response = client.post(f"{BASE}/{season['competition'].id}/sittings?lang=en", data=data)
    assert response.status_code == 303
    sitting = db.session.scalar(select(Event).where(Event.venue_id == hall.id, Event.round_id == final.id))
    assert (sitting.type, sitting.status, sitting.capacity, sitting.setup_minutes, sitting.max_party_size) == (
        "competition", "published", 60, 30, 1,
    )
    assert sitting.booking_override_reason == "讲坛改在楼上，报告厅给决赛"
    assert [q["key"] for q in sitting.questions] == ["school", "grade", "age_group", "piece"]


def test_a_sitting_needs_times_in_order(client, as_staff, season, make_venue):
    start = datetime(2026, 12, 6, 9, 0)
    data = sitting_data(csrf(client), season["final"].id, make_venue().id, start,
                        **{"sitting-ends_at": "2026-12-06T08:00"})
    response = client.post(f"{BASE}/{season['competition'].id}/sittings?lang=en", data=data)
    assert response.status_code == 422
    assert field_error(text_of(response), "sitting-ends_at") == "The end must come after the start."


# --- a judge's score sheet ---------------------------------------------------------------------


def score_url(round_, judge, **args) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"{BASE}/rounds/{round_.id}/judges/{judge.id}/scores" + (f"?{query}" if query else "")


@pytest.mark.parametrize("lang", LANGS)
def test_the_score_sheet_has_a_labelled_input_per_criterion(client, as_staff, season, lang):
    prelim, judge = season["prelim"], season["competition"].judges[0]
    a = season["people"]["A"]
    content = season["competition"].criteria[0]
    response = client.get(score_url(prelim, judge, lang=lang))
    html = text_of(response)
    assert_valid_html(response)
    rows = cells(html, in_locale(lang, "Score sheet of %(judge)s, page %(page)s of %(pages)s", judge="王评委", page=1, pages=1))
    assert [row[:3] for row in rows] == [
        ["选手A", "南门小学1", "故事1"], ["选手B", "南门小学2", "故事2"], ["选手C", "南门小学3", "故事3"],
        ["选手D", "南门小学1", "故事1"], ["选手E", "南门小学2", "故事2"],
    ]
    name = f"score-{a.id}-{content.id}"
    label = in_locale(lang, "%(criterion)s for %(contestant)s",
                      criterion="Content" if lang == "en" else "内容", contestant="选手A")
    assert f'<label for="{name}" class="visually-hidden">{label}</label>' in html
    assert re.search(rf'<input type="number" id="{name}" name="{name}" value="" min="0" max="10.00" step="0.01"', html)


def test_scores_are_saved_from_the_sheet(client, as_staff, season):
    prelim, judge = season["prelim"], season["competition"].judges[1]
    p, criteria = season["people"], season["competition"].criteria
    data = {"csrf_token": csrf(client)}
    for person, marks in ((p["A"], ["9", "8.5", "７"]), (p["B"], ["10", "", ""])):
        for criterion, mark in zip(criteria, marks):
            data[f"score-{person.id}-{criterion.id}"] = mark
    response = client.post(score_url(prelim, judge, lang="en"), data=data)
    assert response.status_code == 303
    rows = db.session.execute(
        select(Score.registration_id, Score.criterion_id, Score.score, Score.entered_by_id)
        .where(Score.judge_id == judge.id).order_by(Score.registration_id, Score.criterion_id)
    ).all()
    assert rows == [
        (p["A"].id, criteria[0].id, D("9.00"), as_staff.id), (p["A"].id, criteria[1].id, D("8.50"), as_staff.id),
        (p["A"].id, criteria[2].id, D("7.00"), as_staff.id), (p["B"].id, criteria[0].id, D("10.00"), as_staff.id),
    ]
    html = text_of(client.get(response.headers["Location"] + "&lang=en" if "?" in response.headers["Location"]
                              else response.headers["Location"] + "?lang=en"))
    assert "4 scores are saved." in html
    assert f'name="score-{p["A"].id}-{criteria[1].id}" value="8.50"' in html
    # The round page counts A's sheet as complete for this judge, not B's.
    html = text_of(client.get(f"{BASE}/rounds/{prelim.id}?lang=en"))
    rows = cells(html, "Score sheets by judge")
    assert rows[1][:2] == ["李评委", "1 of 5"] and rows[0][:2] == ["王评委", "0 of 5"]


def test_a_bad_score_is_answered_beside_its_input_and_nothing_is_saved(client, as_staff, season):
    prelim, judge = season["prelim"], season["competition"].judges[0]
    p, criteria = season["people"], season["competition"].criteria
    bad = f"score-{p['B'].id}-{criteria[2].id}"
    data = {"csrf_token": csrf(client), f"score-{p['A'].id}-{criteria[0].id}": "9", bad: "11"}
    response = client.post(score_url(prelim, judge, lang="en"), data=data)
    assert response.status_code == 422
    html = text_of(response)
    assert field_error(html, bad) == "Enter a score from 0 to 10."
    assert f'name="{bad}" value="11" min="0" max="10.00" step="0.01" inputmode="decimal" aria-invalid="true" aria-describedby="{bad}-error"' in html
    assert f'name="score-{p["A"].id}-{criteria[0].id}" value="9"' in html  # what was typed stays
    assert "1 score needs your attention; nothing is saved yet." in html
    assert_valid_html(response)
    assert db.session.scalar(select(func.count(Score.id))) == 0
    # Not a number, or three decimals: refused by the form, also beside the input.
    data[bad] = "8.555"
    response = client.post(score_url(prelim, judge, lang="en"), data=data)
    assert response.status_code == 422
    assert field_error(text_of(response), bad) == "Enter a number with at most two decimals, such as 8.5."
    assert db.session.scalar(select(func.count(Score.id))) == 0


def test_the_sheet_pages_through_many_contestants_and_keeps_other_pages(
    client, as_staff, season, make_sitting, contestants_in,
):
    prelim, judge = season["prelim"], season["competition"].judges[0]
    criterion = season["competition"].criteria[0]
    big = make_sitting(prelim, starts_at=in_days(20, hour=1))
    many = contestants_in(big, 55)
    token = csrf(client)
    first_page = text_of(client.get(score_url(prelim, judge, sitting=big.id, lang="en")))
    on_first = re.findall(rf'name="score-(\d+)-{criterion.id}"', first_page)
    assert len(on_first) == 50 and "Contestants 1–50 of 55." in first_page
    client.post(score_url(prelim, judge, sitting=big.id), data={
        "csrf_token": token, **{f"score-{rid}-{criterion.id}": "6" for rid in on_first},
    })
    second = text_of(client.get(score_url(prelim, judge, sitting=big.id, page=2, lang="en")))
    on_second = re.findall(rf'name="score-(\d+)-{criterion.id}"', second)
    assert len(on_second) == 5 and not set(on_first) & set(on_second)
    assert set(on_first) | set(on_second) == {str(r.id) for r in many}
    response = client.post(score_url(prelim, judge, sitting=big.id, page=2), data={
        "csrf_token": token, **{f"score-{rid}-{criterion.id}": "7" for rid in on_second},
    })
    assert response.status_code == 303 and "page=2" in response.headers["Location"]
    totals = dict(db.session.execute(
        select(Score.score, func.count(Score.id)).where(Score.judge_id == judge.id).group_by(Score.score)
    ).all())
    assert totals == {D("6.00"): 50, D("7.00"): 5}


# --- results, advancement, publication ---------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_round_page_ranks_the_contestants(client, as_staff, scored_season, lang):
    prelim = scored_season["prelim"]
    response = client.get(f"{BASE}/rounds/{prelim.id}?lang={lang}")
    html = text_of(response)
    assert_valid_html(response)
    rows = cells(html, in_locale(lang, "Results of %(round)s", round="Preliminary" if lang == "en" else "初赛"))
    yes, dropped = in_locale(lang, "Yes"), in_locale(lang, "(not counted)")
    # Equal totals: the first judge's counts as the lowest, the last judge's as the highest.
    assert rows[0] == ["1", "选手B", "南门小学2", "故事2", f"90.00 {dropped}", "90.00", "90.00", "90.00", f"90.00 {dropped}",
                       "90.00", "", yes, ""]
    assert rows[1] == ["2", "选手A", "南门小学1", "故事1", "83.00", "80.00", f"95.00 {dropped}", f"63.00 {dropped}", "88.00",
                       "83.67", "", yes, ""]
    assert [row[:2] + row[9:12] for row in rows[2:]] == [
        ["3", "选手C", "80.00", "", yes], ["4", "选手D", "70.00", "", ""], ["5", "选手E", "60.00", "", ""],
    ]
    assert re.search(r'name="round-advance_value" step="0.01" type="number" value="3"', html)
    rows = cells(html, in_locale(lang, "Score sheets by judge"))
    assert [row[1] for row in rows] == [in_locale(lang, "%(done)s of %(total)s", done=5, total=5)] * 5
    with force_locale(lang):
        assert ngettext("%(num)s contestant advances under the rule.", "%(num)s contestants advance under the rule.", 3) in html


def test_advancing_through_the_page_registers_them_in_the_final(client, as_staff, scored_season):
    prelim, final_sitting = scored_season["prelim"], scored_season["final_sitting"]
    response = client.post(f"{BASE}/rounds/{prelim.id}/advance?lang=en", data={
        "csrf_token": csrf(client), "sitting_id": str(final_sitting.id),
    })
    assert response.status_code == 303
    made = db.session.scalars(
        select(Registration).where(Registration.event_id == final_sitting.id).order_by(Registration.name)
    ).all()
    p = scored_season["people"]
    assert [(r.name, r.status, r.source, r.advanced_from_id) for r in made] == [
        ("选手A", "confirmed", "advanced", p["A"].id), ("选手B", "confirmed", "advanced", p["B"].id),
        ("选手C", "confirmed", "advanced", p["C"].id),
    ]
    assert made[0].answers["piece"] == "故事1"
    html = text_of(client.get(f"{BASE}/rounds/{prelim.id}?lang=en"))
    assert "3 contestants advance and are registered in the next round." in html
    assert "The contestants advanced on" in html
    db.session.refresh(prelim)
    assert prelim.advanced_at is not None
    # Twice is refused, with the reason above the form, and nobody is registered again.
    response = client.post(f"{BASE}/rounds/{prelim.id}/advance?lang=en", data={
        "csrf_token": csrf(client), "sitting_id": str(final_sitting.id),
    })
    assert response.status_code == 422
    assert "The contestants of this round have already advanced." in text_of(response)
    assert db.session.scalar(select(func.count(Registration.id)).where(Registration.source == "advanced")) == 3


def test_advancing_into_a_full_sitting_is_refused_on_the_page(client, as_staff, scored_season, make_sitting):
    small = make_sitting(scored_season["final"], capacity=2, starts_at=in_days(30, hour=2))
    response = client.post(f"{BASE}/rounds/{scored_season['prelim'].id}/advance?lang=en", data={
        "csrf_token": csrf(client), "sitting_id": str(small.id),
    })
    assert response.status_code == 422
    assert "3 contestants advance but the sitting has only 2 places left." in text_of(response)
    assert_valid_html(response)
    assert db.session.scalar(select(func.count(Registration.id)).where(Registration.source == "advanced")) == 0


def test_results_are_published_and_withdrawn(client, as_staff, scored_season):
    prelim, token = scored_season["prelim"], csrf(client)
    public = f"/competitions/{scored_season['competition'].id}?lang=en"
    assert "Results of Preliminary" not in text_of(client.get(public))
    response = client.post(f"{BASE}/rounds/{prelim.id}/publish?lang=en", data={"csrf_token": token}, follow_redirects=True)
    assert "The results are published." in text_of(response)
    db.session.refresh(prelim)
    assert prelim.results_published_at is not None
    assert "Results of Preliminary" in text_of(client.get(public))
    client.post(f"{BASE}/rounds/{prelim.id}/unpublish", data={"csrf_token": token})
    db.session.refresh(prelim)
    assert prelim.results_published_at is None
    assert "Results of Preliminary" not in text_of(client.get(public))


def test_unfinished_sheets_keep_results_unpublished(client, as_staff, season, score_all):
    p = season["people"]
    score_all(season["prelim"], {p["A"]: [9, 9, None]})
    response = client.post(f"{BASE}/rounds/{season['prelim'].id}/publish?lang=en", data={"csrf_token": csrf(client)},
                           follow_redirects=True)
    assert "Some score sheets are unfinished (选手A)" in text_of(response)
    db.session.refresh(season["prelim"])
    assert season["prelim"].results_published_at is None


# --- the public page --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_public_page_shows_rounds_sittings_and_published_results_in_rank_order(client, scored_season, score_all, lang):
    from outreach.competitions import services

    services.publish_results(scored_season["prelim"])
    db.session.commit()
    en = lang == "en"
    response = client.get(f"/competitions/{scored_season['competition'].id}?lang={lang}")
    assert response.status_code == 200
    html = text_of(response)
    document = assert_valid_html(response)
    assert document.find(".//h1").text == ("Little Storytellers" if en else "少儿故事大王")
    assert ("Tell a good story." if en else "讲一个好故事。") in html
    assert [h.text for h in document.iter("h2")] == [
        in_locale(lang, "How the judges score"), "Preliminary" if en else "初赛", "Final" if en else "决赛",
    ]
    rubric = cells(html, in_locale(lang, "Rubric"))
    assert [row[:2] for row in rubric] == [
        ["Content" if en else "内容", "50%"], ["Delivery" if en else "语言表达", "30%"],
        ["Stage presence" if en else "仪态台风", "20%"],
    ]
    for sitting in ("school_a", "school_b", "final_sitting"):
        assert f'href="/events/{scored_season[sitting].id}"' in html
    rows = cells(html, in_locale(lang, "Results of %(round)s", round="Preliminary" if en else "初赛"))
    # The top three go through to the final.
    advances = "Advances" if en else "晋级"
    assert rows == [
        ["1", "选手B", "南门小学2", "故事2", "90.00", advances], ["2", "选手A", "南门小学1", "故事1", "83.67", advances],
        ["3", "选手C", "南门小学3", "故事3", "80.00", advances], ["4", "选手D", "南门小学1", "故事1", "70.00", ""],
        ["5", "选手E", "南门小学2", "故事2", "60.00", ""],
    ]
    assert "138" not in html and "parent@example.org" not in html
    assert in_locale(lang, "Results of %(round)s", round="Final" if en else "决赛") not in html


def test_the_final_shows_awards_once_published(client, scored_season, contestants_in, score_all):
    from outreach.competitions import services

    final = scored_season["final"]
    people = contestants_in(scored_season["final_sitting"], 4, names=["甲", "乙", "丙", "丁"])
    score_all(final, {people[0]: [10, 10, 10], people[1]: [9, 9, 9], people[2]: [8, 8, 8], people[3]: [8, 8, 8]})
    html = text_of(client.get(f"/competitions/{scored_season['competition'].id}?lang=en"))
    assert "Results of Final" not in html
    services.publish_results(final)
    db.session.commit()
    html = text_of(client.get(f"/competitions/{scored_season['competition'].id}?lang=en"))
    assert [row[:2] + row[4:] for row in cells(html, "Results of Final")] == [
        ["1", "甲", "100.00", "First prize"], ["2", "乙", "90.00", "Second prize"],
        ["3", "丁", "80.00", "Third prize"], ["3", "丙", "80.00", "Third prize"],  # a tie, by name
    ]


def test_drafts_are_hidden_from_the_public_and_shown_to_staff(client, login, staff_user, make_competition, make_sitting):
    competition = make_competition(title="阅读之星", title_en="Reading Stars")
    draft = make_sitting(competition.rounds[0], status="draft")
    assert client.get(f"/competitions/{competition.id}?lang=en").status_code == 404
    assert "Reading Stars" not in text_of(client.get("/competitions/?lang=en"))
    published = make_sitting(competition.rounds[1])
    html = text_of(client.get(f"/competitions/{competition.id}?lang=en"))
    assert f'href="/events/{published.id}"' in html and f'href="/events/{draft.id}"' not in html
    login(staff_user)
    html = text_of(client.get(f"/competitions/{competition.id}?lang=en"))
    assert f'href="/events/{draft.id}"' in html


def test_staff_see_a_competition_before_it_is_public(client, login, staff_user, make_competition):
    competition = make_competition(title="阅读之星", title_en="Reading Stars")
    login(staff_user)
    response = client.get(f"/competitions/{competition.id}?lang=en")
    assert response.status_code == 200
    assert "Not public yet: only staff can see this page until a sitting is published." in text_of(response)


@pytest.mark.parametrize("lang", LANGS)
def test_the_public_index_lists_public_competitions(client, season, make_competition, lang):
    make_competition(title="阅读之星", title_en="Reading Stars")  # no sitting: not public
    response = client.get(f"/competitions/?lang={lang}")
    document = assert_valid_html(response)
    assert document.find(".//h1").text == in_locale(lang, "Competitions")
    assert [a.text for a in document.iterfind(".//main//h2/a")] == ["Little Storytellers" if lang == "en" else "少儿故事大王"]


# --- certificates through the pages ----------------------------------------------------------------------


def test_certificates_are_pdfs_and_absent_without_awards(client, as_staff, scored_season):
    prelim = scored_season["prelim"]
    response = client.get(f"{BASE}/rounds/{prelim.id}/certificates.pdf?lang=en", follow_redirects=True)
    assert response.mimetype == "text/html"
    assert "No contestant of this round has an award yet." in text_of(response)
    assert client.get(f"{BASE}/rounds/{prelim.id}/certificates/{scored_season['people']['A'].id}.pdf").status_code == 404


def test_scores_are_final_once_the_results_are_published(client, as_staff, scored_season):
    from outreach.competitions import services

    services.publish_results(scored_season["prelim"])
    db.session.commit()
    judge, a = scored_season["competition"].judges[0], scored_season["people"]["A"]
    criterion = scored_season["competition"].criteria[0]
    url = score_url(scored_season["prelim"], judge, lang="en")
    html = text_of(client.get(url))
    assert "The results are settled (published or advanced): scores can no longer change." in html
    assert "readonly" in html
    response = client.post(url, data={"csrf_token": csrf(client), f"score-{a.id}-{criterion.id}": "1"})
    assert response.status_code == 409
    assert "The results are published: withdraw them before changing scores." in text_of(response)
    assert_valid_html(response)
    assert db.session.scalar(
        select(Score.score).where(Score.judge_id == judge.id, Score.registration_id == a.id,
                                  Score.criterion_id == criterion.id)
    ) == D("9.00")
