"""CSV and XLSX exports: the same rows and figures as the JSON, a totals row, formula-safe cells."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from outreach.places.models import Venue
from outreach.extensions import db
from outreach.reports.exports import safe
from tests.reports.scenario import build_spring

URL = "/api/v1/reports/attendance"
SPRING = "from=2018-03-01&to=2018-04-30"
COUNTS = ("events", "attendance", "checked_in", "walk_ins", "registered", "no_shows")


@pytest.fixture
def spring(app):
    return build_spring()


@pytest.fixture
def headers(make_user, api_token):
    return api_token(make_user("staff"))


def json_lines(client, headers, query) -> list[list]:
    data = client.get(f"{URL}?{query}", headers=headers).get_json()
    lines = [[row["label"], row["key"], *(row[name] for name in COUNTS), None] for row in data["rows"]]
    totals = data["totals"]
    return lines + [[None, "total", *(totals[name] for name in COUNTS), totals["unique_people"]]]


def csv_lines(client, headers, query) -> tuple[list[str], list[list]]:
    response = client.get(f"{URL}.csv?{query}", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    body = [[r[0], r[1], *(int(v) for v in r[2:8]), int(r[8]) if r[8] else None] for r in rows[1:]]
    return rows[0], body


def xlsx_lines(client, headers, query):
    response = client.get(f"{URL}.xlsx?{query}", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.data)).active
    return sheet, [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("group_by", ["type", "venue", "branch", "series", "month", "audience"])
def test_csv_and_xlsx_carry_the_json_figures(client, spring, headers, group_by):
    query = f"{SPRING}&group_by={group_by}"
    expected = json_lines(client, headers, query)
    _header, csv_body = csv_lines(client, headers, query)
    sheet, xlsx = xlsx_lines(client, headers, query)
    for body in (csv_body, xlsx[1:]):
        assert [line[1:] for line in body] == [line[1:] for line in expected]
        assert [line[0] for line in body[:-1]] == [line[0] for line in expected[:-1]]


def test_the_csv_by_month_line_by_line(client, spring, headers):
    header, body = csv_lines(client, headers, f"{SPRING}&group_by=month")
    assert header == ["月份", "代码", "举办场次", "人次", "已签到", "现场入场", "已报名", "未到场", "参与人数（去重）"]
    assert body == [
        ["2018年3月", "2018-03", 2, 20, 5, 15, 6, 1, None],
        ["2018年4月", "2018-04", 1, 30, 3, 27, 1, 0, None],
        ["合计", "total", 3, 50, 8, 42, 7, 1, 2],
    ]
    english, _body = csv_lines(client, headers, f"{SPRING}&group_by=month&lang=en")
    assert english[:4] == ["Month", "Key", "Events held", "Person-visits"]


def test_without_grouping_one_line_for_the_period(client, spring, headers):
    _header, body = csv_lines(client, headers, SPRING)
    assert body == [["2018-03-01 – 2018-04-30", "total", 3, 50, 8, 42, 7, 1, 2]]


def test_the_workbook_is_typed_bold_and_frozen(client, spring, headers):
    sheet, lines = xlsx_lines(client, headers, f"{SPRING}&group_by=type")
    assert lines[0][0] == "类型"
    assert lines[1] == ["讲座", "lecture", 1, 8, 3, 5, 4, 1, None]
    assert lines[-1] == ["合计", "total", 3, 50, 8, 42, 7, 1, 2]
    assert sheet["C2"].data_type == "n" and isinstance(sheet["C2"].value, int)
    assert all(cell.font.bold for cell in sheet[1])
    assert all(cell.font.bold for cell in sheet[len(lines)])
    assert not sheet["A2"].font.bold
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["A"].width >= 8
    assert sheet.title == "到场人数"


def test_a_file_name_says_what_it_holds(client, spring, headers):
    response = client.get(f"{URL}.xlsx?{SPRING}&group_by=branch", headers=headers)
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="attendance-2018-03-01-2018-04-30-by-branch.xlsx"'


def test_names_that_look_like_formulas_are_defused(client, spring, headers):
    venue = db.session.get(Venue, spring.v1.id)
    venue.name = "=HYPERLINK(\"http://evil\")"
    db.session.commit()
    query = f"{SPRING}&group_by=venue"
    _header, body = csv_lines(client, headers, query)
    assert "'=HYPERLINK(\"http://evil\")" in [line[0] for line in body]
    sheet, lines = xlsx_lines(client, headers, query)
    cell = next(c for c in sheet["A"] if c.value and "HYPERLINK" in c.value)
    assert cell.value == "'=HYPERLINK(\"http://evil\")" and cell.data_type == "s"


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+86", "'+86"), ("-3", "'-3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("讲座", "讲座"), ("a=b", "a=b"), (5, 5), (None, None),
])
def test_safe(value, expected):
    assert safe(value) == expected
