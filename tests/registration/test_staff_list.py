"""The staff list of an event's registrations: search, status filter, sort, paging, a constant
number of queries, the move page, the CSV/XLSX export and the sign-in sheet (签到表)."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from outreach import clock
from outreach.extensions import db
from outreach.platform.models import AuditEntry
from outreach.registration import services
from outreach.registration.listing import RegistrationFilter, masked_phone
from outreach.registration.models import Registration
from tests.helpers import assert_valid_html, count_statements, csrf_token_from, in_days, new_phone


@pytest.fixture
def lecture(make_event):
    return make_event(title="星海讲坛 第16期", title_en="Xinghai Forum No. 16", starts_at=in_days(5), capacity=None)


@pytest.fixture
def staff(client, make_user, login):
    user = make_user("staff")
    login(user)
    return user


def register(event, name, phone=None, party_size=1, minutes=0, **extra):
    outcome = services.register(
        event, name=name, phone=phone or new_phone(), party_size=party_size,
        now=clock.now() - timedelta(hours=1) + timedelta(minutes=minutes), **extra,
    )
    db.session.commit()
    return outcome.registration


def row_ids(html: str) -> list[int]:
    table = html.split('id="list-heading"', 1)[1]
    return [int(n) for n in re.findall(r'<tr id="registration-(\d+)"', table)]


def listed(client, event, query: str = "") -> list[int]:
    response = client.get(f"/staff/events/{event.id}?lang=en{query}")
    assert response.status_code == 200
    return row_ids(response.get_data(as_text=True))


# --- search, filter, sort, paging -----------------------------------------------------------------


def test_search_by_name_phone_and_ticket_number(client, staff, lecture):
    wang = register(lecture, "王小明", "13812345678")
    li = register(lecture, "李小红", "13987654321")
    zhao = register(lecture, "Zhao 50%", "02087654321")
    assert listed(client, lecture) == [wang.id, li.id, zhao.id]
    assert listed(client, lecture, "&q=小明") == [wang.id]
    # A whole number however typed (+86, spaces, full-width digits) finds the stored one by digest.
    assert listed(client, lecture, "&q=%2B86%20138%201234%205678") == [wang.id]
    assert listed(client, lecture, "&q=１３８１２３４５６７８") == [wang.id]
    # The last digits, or any four or more of the stored number.
    assert listed(client, lecture, "&q=4321") == [li.id, zhao.id]
    assert listed(client, lecture, "&q=9876") == [li.id]
    # The ticket number; "%" is a letter, not a wildcard.
    assert listed(client, lecture, f"&q=%23{li.id}") == [li.id]
    assert listed(client, lecture, "&q=50%25") == [zhao.id]
    assert listed(client, lecture, "&q=%25") == [zhao.id]
    html = client.get(f"/staff/events/{lecture.id}?lang=en&q=nobody").get_data(as_text=True)
    assert row_ids(html) == [] and "No registration matches." in html and "Nobody has registered yet." not in html


def test_the_search_is_kept_in_the_session_not_in_the_address(client, staff, lecture, make_event):
    from urllib.parse import unquote

    wang = register(lecture, "王小明", "13812345678")
    li = register(lecture, "李小红", "13987654321")
    elsewhere = make_event()
    theirs = register(elsewhere, "王小明", "13812345678")
    csrf = csrf_token_from(client, f"/staff/events/{lecture.id}")
    url = f"/staff/events/{lecture.id}/registrations/search?lang=en"
    assert client.post(url, data={"q": "王小明"}).status_code == 400  # no CSRF token
    response = client.post(url, data={"csrf_token": csrf, "q": "王小明", "status": "confirmed", "sort": "-name"})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location == f"/staff/events/{lecture.id}?status=confirmed&sort=-name&lang=en#registrations"
    page = client.get(location)
    assert_valid_html(page)
    html = page.get_data(as_text=True)
    assert row_ids(html) == [wang.id] and 'value="王小明"' in html
    hrefs = re.findall(r'(?:href|action)="([^"]*)"', html)
    assert not [h for h in hrefs if "王" in unquote(h) or "138" in h]
    # Kept while paging and sorting; each event keeps its own.
    assert listed(client, lecture, "&page=1") == [wang.id]
    assert listed(client, elsewhere) == [theirs.id]
    # "Show all" clears it.
    response = client.post(url, data={"csrf_token": csrf})
    assert response.headers["Location"] == f"/staff/events/{lecture.id}?lang=en#registrations"
    assert listed(client, lecture) == [wang.id, li.id]


def test_filter_by_status_and_sort_by_each_key(client, staff, make_event):
    small = make_event(title="亲子阅读", starts_at=in_days(5), capacity=4, max_party_size=4)
    b = register(small, "B 乙", party_size=3, minutes=1)
    a = register(small, "A 甲", party_size=1, minutes=2)
    c = register(small, "C 丙", party_size=2, minutes=3)  # waits: 3 + 1 + 2 > 4
    d = register(small, "D 丁", party_size=1, minutes=4)  # waits
    services.cancel(d)
    db.session.commit()
    assert [r.status for r in (a, b, c, d)] == ["confirmed", "confirmed", "waitlisted", "cancelled"]
    assert listed(client, small, "&status=waitlisted") == [c.id]
    assert listed(client, small, "&status=confirmed&sort=name") == [a.id, b.id]
    assert listed(client, small, "&sort=name") == [a.id, b.id, c.id, d.id]
    assert listed(client, small, "&sort=-name") == [d.id, c.id, b.id, a.id]
    assert listed(client, small, "&sort=created") == [b.id, a.id, c.id, d.id]
    assert listed(client, small, "&sort=-created") == [d.id, c.id, a.id, b.id]
    assert listed(client, small, "&sort=status") == [b.id, a.id, c.id, d.id]  # confirmed, waiting, cancelled; ties by number
    assert listed(client, small, "&sort=-party") == [b.id, c.id, d.id, a.id]  # ties by number, reversed too
    # An unknown key or status is the default, never an error (nor SQL).
    assert listed(client, small, "&sort=phone;drop&status=gone") == [b.id, a.id, c.id, d.id]
    html = client.get(f"/staff/events/{small.id}?lang=en&sort=name").get_data(as_text=True)
    assert 'aria-sort="ascending"' in html and "sort=-name" in html


def test_paging_keeps_the_query(client, staff, lecture):
    ids = [register(lecture, f"读者{n:03d}", minutes=n).id for n in range(60)]
    register(lecture, "另一位", minutes=61)
    first = client.get(f"/staff/events/{lecture.id}?lang=en&q=读者&sort=-created")
    assert_valid_html(first)
    html = first.get_data(as_text=True)
    assert row_ids(html) == ids[::-1][:50]
    assert "Registrations 1–50 of 60." in html and "Page 1 of 2" in html
    link = re.search(r'<a href="([^"]+)"[^>]*rel="next"', html).group(1).replace("&amp;", "&")
    assert "q=%E8%AF%BB%E8%80%85" in link and "sort=-created" in link and "page=2" in link
    second = client.get(link).get_data(as_text=True)
    assert row_ids(second) == ids[::-1][50:]
    assert "Registrations 51–60 of 60." in second
    # A page past the end shows the last; a page that is not a number shows the first.
    assert listed(client, lecture, "&q=读者&sort=-created&page=99") == ids[::-1][50:]
    assert listed(client, lecture, "&q=读者&sort=-created&page=x") == ids[::-1][:50]


def _statements_for_list(client, event) -> int:
    with count_statements() as statements:
        response = client.get(f"/staff/events/{event.id}?lang=en")
    assert response.status_code == 200
    return len(statements)


def test_the_list_is_a_constant_number_of_queries(client, staff, make_event):
    small, large = make_event(capacity=None), make_event(capacity=None)
    for event, count in ((small, 5), (large, 50)):
        for n in range(count):
            registration = register(event, f"读者{n}", email=f"r{n}@example.org", minutes=n)
        services.check_in(registration, event=event, now=event.starts_at)
        db.session.commit()
        register(event, f"读者{count - 1}", minutes=count)  # a possible duplicate
    small_count = _statements_for_list(client, small)
    large_count = _statements_for_list(client, large)
    assert large_count == small_count


def test_rows_link_to_their_own_pages_instead_of_a_dropdown(client, staff, lecture, make_event):
    for n in range(30):
        make_event(title=f"其他活动 {n}", starts_at=in_days(10 + n))
    registration = register(lecture, "王小明")
    html = client.get(f"/staff/events/{lecture.id}?lang=en").get_data(as_text=True)
    assert 'name="target"' not in html and "其他活动" not in html
    assert f'href="/staff/events/{lecture.id}/registrations/{registration.id}/move">Move…' in html


def test_possible_duplicates_are_paged(client, staff, lecture):
    for n in range(12):
        register(lecture, f"同名{n}")
        register(lecture, f"同名{n}")
    html = client.get(f"/staff/events/{lecture.id}?lang=en").get_data(as_text=True)
    section = html.split('id="duplicates-heading"', 1)[1].split("</section>", 1)[0]
    assert section.count('class="duplicate-group"') == 10 and "Page 1 of 2" in section
    html = client.get(f"/staff/events/{lecture.id}?lang=en&dpage=2").get_data(as_text=True)
    section = html.split('id="duplicates-heading"', 1)[1].split("</section>", 1)[0]
    assert section.count('class="duplicate-group"') == 2 and "Page 2 of 2" in section


# --- moving on its own page -----------------------------------------------------------------------


@pytest.fixture
def other(make_event):
    return make_event(title="星海讲坛 第17期", title_en="Xinghai Forum No. 17", starts_at=in_days(12), capacity=10)


def move_url(event, registration) -> str:
    return f"/staff/events/{event.id}/registrations/{registration.id}/move"


def test_the_move_page_is_for_staff(client, make_user, login, lecture, other):
    registration = register(lecture, "王小明")
    assert client.get(move_url(lecture, registration)).status_code == 302
    login(make_user("volunteer"))
    assert client.get(move_url(lecture, registration)).status_code == 403
    csrf = csrf_token_from(client, "/")
    assert client.post(move_url(lecture, registration), data={"target": other.id, "csrf_token": csrf}).status_code == 403


def test_the_move_page_lists_a_page_of_upcoming_events(client, staff, lecture, make_event):
    registration = register(lecture, "王小明")
    for n in range(25):
        make_event(title=f"活动{n:02d}", starts_at=in_days(10 + n))
    make_event(title="草稿活动", status="draft", starts_at=in_days(9))
    response = client.get(move_url(lecture, registration) + "?lang=en")
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    assert html.count('type="radio" name="target"') == 20 and "活动00" in html and "活动20" not in html
    assert "草稿活动" not in html and "Page 1 of 2" in html
    html = client.get(move_url(lecture, registration) + "?lang=en&page=2").get_data(as_text=True)
    assert html.count('type="radio" name="target"') == 5 and "活动24" in html


def test_move_needs_the_csrf_token(client, staff, lecture, other):
    registration = register(lecture, "王小明")
    response = client.post(move_url(lecture, registration), data={"target": other.id, "confirmed": "1"})
    assert response.status_code == 400
    db.session.expire_all()
    assert registration.event_id == lecture.id


def test_move_in_two_steps_with_a_reason_for_the_registrant(app, client, staff, lecture, other):
    registration = register(lecture, "王小明", email="wang@example.org")
    csrf = csrf_token_from(client, move_url(lecture, registration))
    url = move_url(lecture, registration) + "?lang=en"
    # No event chosen: said beside the choice.
    response = client.post(url, data={"csrf_token": csrf})
    assert response.status_code == 422 and "Choose an event to move to." in response.get_data(as_text=True)
    # The first step asks to confirm, with a reason since the registrant is told.
    response = client.post(url, data={"csrf_token": csrf, "target": other.id})
    assert response.status_code == 200
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    assert "Move to Xinghai Forum No. 17?" in html and 'name="reason"' in html and 'name="confirmed" type="hidden" value="1"' in html
    db.session.expire_all()
    assert registration.event_id == lecture.id
    response = client.post(url, data={"csrf_token": csrf, "target": other.id, "confirmed": "1"})
    assert response.status_code == 422
    assert "Give a reason: the registrant is told by e-mail." in response.get_data(as_text=True)
    sent = app.extensions.setdefault("outreach_sent_mail", [])
    sent.clear()
    response = client.post(url, data={"csrf_token": csrf, "target": other.id, "confirmed": "1", "reason": "讲座改期"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/staff/events/{lecture.id}")
    db.session.expire_all()
    assert (registration.event_id, registration.status) == (other.id, "confirmed")
    assert [m.to for m in sent] == ["wang@example.org"] and "讲座改期" in sent[0].body
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "王小明 moved to Xinghai Forum No. 17." in page


def test_move_refused_is_said_and_changes_nothing(client, staff, lecture, other, make_event):
    registration = register(lecture, "王小明", "13812345678")
    register(other, "王小明", "13812345678")  # already holds a place there
    csrf = csrf_token_from(client, move_url(lecture, registration))
    url = move_url(lecture, registration) + "?lang=en"
    response = client.post(url, data={"csrf_token": csrf, "target": other.id, "confirmed": "1"})
    assert response.status_code == 409
    assert "This phone number is already registered for that event." in response.get_data(as_text=True)
    db.session.expire_all()
    assert registration.event_id == lecture.id
    # An event that takes no registrations (a draft, the event itself) is no choice.
    draft = make_event(status="draft")
    for target in (draft.id, lecture.id, 999999, "x"):
        response = client.post(url, data={"csrf_token": csrf, "target": target, "confirmed": "1"})
        assert response.status_code == 422
    # A ticket used at the door cannot move: back to the list, said there.
    services.check_in(registration, event=lecture, now=lecture.starts_at)
    db.session.commit()
    response = client.get(url)
    assert response.status_code == 303
    assert db.session.scalar(select(func.count(Registration.id)).where(Registration.event_id == other.id)) == 1


# --- exports ----------------------------------------------------------------------------------------


def export(client, event, kind, lang="zh_Hans", **filters):
    csrf = csrf_token_from(client, f"/staff/events/{event.id}")
    return client.post(f"/staff/events/{event.id}/registrations.{kind}?lang={lang}", data={"csrf_token": csrf, **filters})


def test_csv_export_has_a_bom_translated_headers_the_filters_and_no_formulas(client, staff, make_event):
    small = make_event(title="亲子阅读", starts_at=in_days(5), capacity=2, max_party_size=4)
    a = register(small, "=HYPERLINK(\"http://x\")", "13812345678", 2, email="a@example.org")
    b = register(small, "@李小红", "13987654321", 1, minutes=1)  # waits
    response = export(client, small, "csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="registrations-{small.id}.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"\xef\xbb\xbf")
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines[0] == "编号,姓名,电话,电子邮箱,人数,状态,报名时间,已签到,报名问题回答"
    assert len(lines) == 3
    assert lines[1].startswith(f"{a.id},\"'=HYPERLINK(\"\"http://x\"\")\",13812345678,a@example.org,2,已确认,")
    assert lines[2].startswith(f"{b.id},'@李小红,13987654321,,1,")
    waiting = export(client, small, "csv", status="waitlisted", q="李").data.decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in waiting[1:]] == [str(b.id)]
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "registration.export")).all()
    assert [e.data for e in entries] == [
        {"format": "csv", "rows": 2, "searched": False, "status": None},
        {"format": "csv", "rows": 1, "searched": True, "status": "waitlisted"},
    ]
    assert "李" not in str([e.data for e in entries])


def test_exports_are_posted_by_staff_only(client, make_user, login, lecture):
    register(lecture, "王小明")
    assert client.post(f"/staff/events/{lecture.id}/registrations.csv").status_code == 400  # no CSRF token
    login(make_user("volunteer"))
    csrf = csrf_token_from(client, "/")
    assert client.post(f"/staff/events/{lecture.id}/registrations.xlsx", data={"csrf_token": csrf}).status_code == 403
    assert client.get(f"/staff/events/{lecture.id}/sign-in-sheet.pdf").status_code == 403


def test_exports_are_posted_with_the_token(client, staff, lecture):
    register(lecture, "王小明")
    assert client.get(f"/staff/events/{lecture.id}/registrations.csv").status_code == 405
    assert client.post(f"/staff/events/{lecture.id}/registrations.csv").status_code == 400
    assert client.post(f"/staff/events/{lecture.id}/registrations.pdf").status_code == 404


def test_xlsx_export_opens_with_typed_rows(client, staff, lecture):
    a = register(lecture, "王小明", "13812345678", 3)
    b = register(lecture, "-1+1", "13987654321", minutes=1)
    response = export(client, lecture, "xlsx", lang="en", sort="-created")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["No.", "Name", "Phone", "E-mail", "People", "Status", "Registered at", "Checked in", "Answers"]
    assert rows[1][:6] == [b.id, "'-1+1", "13987654321", None, 1, "Confirmed"]
    assert rows[2][:6] == [a.id, "王小明", "13812345678", None, 3, "Confirmed"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert len(rows) == 3


# --- the sign-in sheet ------------------------------------------------------------------------------


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_masked_phone():
    assert masked_phone("13812345678") == "138****5678"
    assert masked_phone("02087654321") == "020****4321"
    assert masked_phone("87654321") == "****4321"
    assert masked_phone(None) == ""


def test_sign_in_sheet_lists_the_confirmed_by_name_with_masked_phones(client, staff, make_event, tmp_path):
    event = make_event(title="少儿故事大王 初赛", title_en="Storytelling contest, first round", starts_at=in_days(5),
                       capacity=4, max_party_size=4)
    register(event, "王小明", "13812345678", 2)
    register(event, "李小红", "13987654321", 2)
    register(event, "张三", "13700001111", 1)  # waits
    cancelled = register(event, "赵四", "13700002222", 1)
    services.cancel(cancelled)
    db.session.commit()
    response = client.get(f"/staff/events/{event.id}/sign-in-sheet.pdf?lang=zh_Hans")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    text = pdf_text(response.data, tmp_path)
    assert "签到表" in text and "少儿故事大王 初赛" in text
    for heading in ("序号", "姓名", "电话", "人数", "签名"):
        assert heading in text
    rows = [line.split() for line in text.splitlines() if re.match(r"\s*\d+\s+\S+\s+\d{3}\*{4}\d{4}", line)]
    assert rows == [["1", "李小红", "139****4321", "2"], ["2", "王小明", "138****5678", "2"]]
    assert "13812345678" not in text and "张三" not in text and "赵四" not in text
    fonts = subprocess.run(["pdffonts", str(tmp_path / "sheet.pdf")], capture_output=True, text=True, check=True).stdout
    assert "Noto-Sans-SC" in fonts.replace("NotoSansSC", "Noto-Sans-SC") and "DejaVu" not in fonts
    english = pdf_text(client.get(f"/staff/events/{event.id}/sign-in-sheet.pdf?lang=en").data, tmp_path)
    assert "Sign-in sheet" in english and "Storytelling contest, first round" in english and "Signature" in english
    entries = db.session.scalars(select(AuditEntry.data).where(AuditEntry.action == "registration.export")).all()
    assert entries == [{"format": "sign_in_sheet"}, {"format": "sign_in_sheet"}]


def test_a_long_sign_in_sheet_repeats_its_header_on_every_page(client, staff, lecture, tmp_path):
    for n in range(70):
        register(lecture, f"读者{n:02d}", minutes=n)
    response = client.get(f"/staff/events/{lecture.id}/sign-in-sheet.pdf?lang=zh_Hans")
    assert len(PdfReader(io.BytesIO(response.data)).pages) >= 3
    text = pdf_text(response.data, tmp_path)
    pages = [page for page in text.split("\f") if page.strip()]
    assert len(pages) >= 3 and all("签名" in page and "姓名" in page for page in pages)
    assert "70 读者69" in " ".join(text.split())


def test_the_filter_reads_a_query_string_leniently():
    wanted = RegistrationFilter.from_args({"q": "  王\x00小明 ", "status": "waitlisted", "sort": "-party"})
    assert (wanted.text, wanted.status, wanted.sort, wanted.descending) == ("王小明", "waitlisted", "party", True)
    assert wanted.args(page=2) == {"q": "王小明", "status": "waitlisted", "sort": "-party", "page": 2}
    assert RegistrationFilter.from_args({"sort": "--name"}).sort_arg == "-name"
    assert RegistrationFilter.from_args({"q": "x" * 500}).text == "x" * 100
