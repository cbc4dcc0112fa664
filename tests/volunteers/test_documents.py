"""Volunteers' documents: the hours certificate (text and embedded CJK font, in Chinese and
English), the roster as PDF and CSV, and the desk poster's QR code."""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from outreach.years import year_bounds
from outreach.extensions import db
from outreach.volunteers import documents, services
from outreach.volunteers.models import Certificate
from tests.helpers import PASSWORD, csrf_token_from, local
from tests.volunteers.helpers import NOW, make_training

pytestmark = pytest.mark.usefixtures("frozen")


def pdf_text(pdf: bytes, tmp_path, name: str = "doc.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_fonts(pdf: bytes, tmp_path, name: str = "fonts.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def assert_cjk_font_embedded(fonts: str) -> None:
    rows = [line for line in fonts.splitlines() if "NotoSansSC" in line.replace("Noto-Sans-SC", "NotoSansSC")]
    assert rows, fonts
    assert all(" yes " in row for row in rows), fonts  # embedded (emb column)


def in_locale(locale: str, message: str, **variables) -> str:
    """A label as the certificate prints it in ``locale`` (Chinese once the catalogue has it)."""
    with force_locale(locale):
        return _(message, **variables)


@pytest.fixture
def trained_ledger(ledger, staff):
    """The ledger of test_services, plus a fire-safety training in March and one last year."""
    training = make_training()  # 1 March 2026
    services.record_training(training, [ledger], actor=staff)
    from outreach.volunteers.models import Training

    old = Training(title="农家书屋管理员培训", title_en="Reading-room keepers", topic="书屋管理",
                   starts_at=local(2025, 6, 1, 9), ends_at=local(2025, 6, 4, 17))
    db.session.add(old)
    db.session.flush()
    services.record_training(old, [ledger], actor=staff)
    db.session.commit()
    return ledger


def test_certificate_in_chinese(app, trained_ledger, tmp_path):
    start, end = year_bounds(2026)
    pdf = documents.certificate_pdf(trained_ledger, start=start, end=end, locale="zh_Hans", issued_by="馆员李老师")
    db.session.commit()
    text = pdf_text(pdf, tmp_path)
    certificate = db.session.scalar(select(Certificate))
    assert certificate.number == "LL-2026-000001" and certificate.hours == Decimal("4.00")
    for expected in (
        in_locale("zh_Hans", "Certificate of Volunteer Service"), "LL-2026-000001", "刘晓燕", "醴陵市图书馆",
        "2026年1月1日", "2026年12月31日", "馆员李老师", in_locale("zh_Hans", "Seal here"),
        in_locale("zh_Hans", "Total hours of service"), "消防安全培训", "消防安全",
    ):
        assert expected in text, expected
    lines = [" ".join(line.split()) for line in text.splitlines()]
    # Each service: date, activity, role, hours; the corrections with their reasons.
    for row in ("2026年3月5日 签退时间更正", "2026年3月5日 少儿故事大王 初赛 计分协助 2", "2026年3月6日 在家准备比赛材料",
                "2026年3月6日 服务台值班 服务台值班 1.75"):
        assert any(line.startswith(row) for line in lines), (row, lines)
    assert any(line.endswith("-0.25") for line in lines) and any(line.endswith(" 0.5") for line in lines)
    assert any(line.endswith(" 4") and in_locale("zh_Hans", "Total") in line for line in lines)
    assert "寒假阅读" not in text and "农家书屋管理员培训" not in text  # last year's service and training
    assert_cjk_font_embedded(pdf_fonts(pdf, tmp_path))


def test_certificate_in_english(app, trained_ledger, tmp_path):
    start, end = year_bounds(2025)
    pdf = documents.certificate_pdf(trained_ledger, start=start, end=end, locale="en")
    db.session.commit()
    text = pdf_text(pdf, tmp_path)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for expected in ("Certificate of Volunteer Service", "LL-2026-000001", "刘晓燕", "Liling Library",
                     "This is to certify that 刘晓燕 served as a volunteer with Liling Library from January 1, 2025",
                     "Total hours of service 2", "Reading-room keepers", "Seal here", "Date of issue March 8, 2026"):
        assert any(expected in line for line in lines), (expected, lines)
    assert any(line.startswith("Dec 20, 2025 寒假阅读 寒假阅读 2") for line in lines), lines
    assert "少儿故事大王" not in text
    assert_cjk_font_embedded(pdf_fonts(pdf, tmp_path))
    # An event's English title is used in English.
    start, end = year_bounds(2026)
    text = pdf_text(documents.certificate_pdf(trained_ledger, start=start, end=end, locale="en"), tmp_path)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert any(line.startswith("Mar 5, 2026 Storytelling contest, first round 计分协助 2") for line in lines), lines
    assert "LL-2026-000002" in text


def test_a_period_without_hours_takes_no_certificate_number(app, make_volunteer, staff):
    volunteer = make_volunteer("王芳")
    start, end = NOW.date().replace(month=1, day=1), NOW.date()
    with pytest.raises(services.VolunteerError) as refused:
        documents.certificate_pdf(volunteer, start=start, end=end, locale="en")
    assert (refused.value.code, refused.value.status) == ("no_hours", 422)
    db.session.rollback()
    # Corrections that cancel out leave nothing to certify either.
    services.adjust_hours(volunteer, Decimal("2"), reason="补录", actor=staff, day=date(2026, 2, 1))
    services.adjust_hours(volunteer, Decimal("-2"), reason="补录有误", actor=staff, day=date(2026, 2, 2))
    db.session.commit()
    with pytest.raises(services.VolunteerError):
        services.issue_certificate(volunteer, start=start, end=end)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Certificate.id))) == 0
    assert services.certificate_years(volunteer) == []


def test_certificate_years_are_those_with_hours(app, ledger, staff):
    assert services.hours_by_year(ledger) == {2025: Decimal("2.00"), 2026: Decimal("4.00")}
    assert services.certificate_years(ledger) == [2026, 2025]


def pages_of(pdf: bytes, tmp_path) -> list[str]:
    return pdf_text(pdf, tmp_path, "pages.pdf").split("\f")[:-1]


@pytest.mark.parametrize("count", range(30, 60, 3))
def test_the_seal_and_signatures_never_stand_alone_on_a_page(app, make_volunteer, staff, tmp_path, count):
    """However many lines the record has, the signatures stay on a page with some of its lines."""
    volunteer = make_volunteer("赵一鸣")
    for n in range(count):
        services.adjust_hours(volunteer, Decimal("1.5"), reason=f"第{n + 1}次 图书整理", actor=staff,
                              day=date(2026, 1, 1) + timedelta(days=n))
    db.session.commit()
    pdf = documents.certificate_pdf(volunteer, start=date(2026, 1, 1), end=date(2026, 12, 31), locale="en")
    pages = pages_of(pdf, tmp_path)
    [signed] = [page for page in pages if "Seal here" in page]
    assert "Date of issue" in signed and "Prepared by" in signed
    assert f"第{count}次 图书整理" in signed  # the record's last line
    assert signed is pages[-1]


@pytest.fixture
def roster_day(app, staff, make_event, make_shift, make_volunteer, frozen):
    contest = make_event(title="少儿故事大王 初赛", title_en="Storytelling contest, first round",
                         starts_at=local(2026, 3, 5, 9), ends_at=local(2026, 3, 5, 12))
    scoring = make_shift(contest, role="计分协助", start=local(2026, 3, 5, 9), slots=1, location="二楼多功能厅")
    desk = make_shift(role="服务台值班", start=local(2026, 3, 5, 14), hours=1.5, slots=2)
    first, second, third = (make_volunteer(name, phone=phone) for name, phone in (
        ("刘晓燕", "13812345678"), ("王芳", "13912340002"), ("=HYPERLINK(1)", "13700000000")))
    services.sign_up(scoring, first)
    services.sign_up(scoring, second)  # waits
    services.sign_up(desk, third)
    db.session.commit()
    frozen.set(local(2026, 3, 5, 8, 50))
    services.check_in_to_shift(scoring, first)
    frozen.set(local(2026, 3, 5, 10, 56))
    services.check_out_of_shift(scoring, first)
    db.session.commit()
    return [scoring, desk]


def test_roster_csv_rows_exactly(app, roster_day):
    body = documents.roster_csv(roster_day, locale="zh_Hans")
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    # The two time columns say so (签到时间, not the count's 已签到); a served shift is 已服务 (an event's
    # "Completed" is 已结束), a waiting volunteer 候补中 (the count of a waiting list is 候补名单).
    header = ["日期", "开始", "结束", "岗位", "活动", "地点", "姓名", "电话", "状态", "签到时间", "签退时间", "时长（小时）"]
    confirmed, completed, waiting = "已确认", "已服务", "候补中"
    assert rows == [
        header,
        ["2026-03-05", "09:00", "11:00", "计分协助", "少儿故事大王 初赛", "二楼多功能厅", "刘晓燕", "13812345678", completed,
         "08:50", "10:56", "2.00"],
        ["2026-03-05", "09:00", "11:00", "计分协助", "少儿故事大王 初赛", "二楼多功能厅", "王芳", "13912340002", waiting,
         "", "", ""],
        ["2026-03-05", "14:00", "15:30", "服务台值班", "服务台值班", "", "'=HYPERLINK(1)", "13700000000", confirmed,
         "", "", ""],
        # the desk's second place: nobody yet (the scoring's one place is held, its waiting volunteer aside)
        ["2026-03-05", "14:00", "15:30", "服务台值班", "服务台值班", "", "", "", "空缺", "", "", ""],
    ]
    english = list(csv.reader(io.StringIO(documents.roster_csv(roster_day, locale="en").decode("utf-8-sig"))))
    assert english[0][:4] == ["Date", "Start", "End", "Role"]
    assert english[1][4] == "Storytelling contest, first round" and english[1][8] == "Completed"
    assert english[4][6:9] == ["", "", "Open place"]


def test_roster_csv_over_http(client, login, staff, roster_day):
    login(staff)
    response = client.get("/staff/volunteers/rosters/days/2026-03-05/roster.csv?lang=en")
    assert response.mimetype == "text/csv" and response.headers["Cache-Control"] == "no-store"
    assert 'filename="roster-2026-03-05.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][0] == "Date" and rows[1][:5] == ["2026-03-05", "09:00", "11:00", "计分协助", "Storytelling contest, first round"]


def test_roster_pdf(app, roster_day, tmp_path):
    pdf = documents.roster_pdf(roster_day, title="2026-03-05", locale="zh_Hans")
    text = pdf_text(pdf, tmp_path)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for expected in ("醴陵市图书馆", "2026-03-05", "计分协助", "少儿故事大王 初赛", "二楼多功能厅", "服务台值班"):
        assert expected in text, expected
    assert any(line.startswith("1 刘晓燕 13812345678") for line in lines), lines
    assert any(line.startswith("2 王芳 13912340002") for line in lines), lines
    assert any(line.startswith("1 =HYPERLINK(1) 13700000000") for line in lines), lines
    assert_cjk_font_embedded(pdf_fonts(pdf, tmp_path))


def test_desk_poster_qr_opens_the_desk(app, client, login, staff, make_shift, make_volunteer, tmp_path):
    import zxingcpp
    from PIL import Image

    shift = make_shift(role="服务台值班")
    login(staff)
    response = client.get(f"/staff/volunteers/shifts/{shift.id}/desk-poster.pdf?lang=zh_Hans")
    assert response.mimetype == "application/pdf"
    (tmp_path / "poster.pdf").write_bytes(response.data)
    text = pdf_text(response.data, tmp_path)
    assert "服务台值班" in text and "醴陵市图书馆" in text
    subprocess.run(["pdftoppm", "-png", "-r", "100", str(tmp_path / "poster.pdf"), str(tmp_path / "poster")], check=True)
    (image,) = tmp_path.glob("poster*.png")
    url = zxingcpp.read_barcodes(Image.open(image))[0].text
    assert url == f"http://outreach.test/volunteer/shifts/{shift.id}/desk?code={services.desk_code(shift)}"
    desk = url.replace("http://outreach.test", "")
    assert client.get(desk).status_code == 403  # staff have no volunteer profile
    phone = app.test_client()  # the volunteer's own phone
    volunteer = make_volunteer().user
    phone.post("/login", data={"email": volunteer.email, "password": PASSWORD, "csrf_token": csrf_token_from(phone)})
    response = phone.get(desk)
    assert response.status_code == 200
    assert "服务台值班" in response.get_data(as_text=True)
