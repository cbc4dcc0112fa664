"""The Chinese catalogue read as a whole: full-width punctuation, no stray spaces, the same
placeholders as the English, one plural form, the glossary's terms (docs/glossary-zh.md), and the
pgettext contexts that keep one English word with two meanings apart."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta, timezone

from babel.messages.pofile import read_po
from flask_babel import force_locale, pgettext

import outreach.paths
from outreach.events.forms import EventForm, PartnerRow
from outreach.events.labels import EVENT_STATUS_LABELS, PARTNER_ROLE_LABELS, REGISTRATION_STATUS_LABELS
from outreach.extensions import db
from outreach.i18n import sentences
from outreach.places.forms import VenueForm
from outreach.registration import services as registration
from outreach.volunteers.staff_forms import SIGNUP_STATUS_LABELS, ShiftAttendanceForm

ROOT = outreach.paths.ROOT
CATALOGUE = ROOT / "outreach" / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"
GLOSSARY = ROOT / "docs" / "glossary-zh.md"

HAN = "\u3400-\u4dbf\u4e00-\u9fff"
CJK = HAN + "\u3000-\u303f\uff00-\uffef\u201c\u201d\u2018\u2019"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%%")
HALF_WIDTH = re.compile(rf"[{CJK}][ ]*[,:;?!()]|[,:;?!()][ ]*[{CJK}]|[{HAN}]\.(?![A-Za-z])")
SPACED = re.compile(rf"[{CJK}] +[{CJK}]")


def chinese_messages() -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(key, English source, English plural or "", Chinese forms) of every message; the key is the
    msgid, with "context\\x04" in front for a pgettext message."""
    with open(CATALOGUE, "rb") as fh:
        catalogue = read_po(fh, locale="zh_Hans")
    found = []
    for message in catalogue:
        if not message.id:
            continue
        single, plural = (message.id, "") if isinstance(message.id, str) else message.id
        forms = (message.string,) if isinstance(message.string, str) else tuple(message.string)
        key = f"{message.context}\x04{single}" if message.context else single
        found.append((key, single, plural, forms))
    return found


def style_problems(text: str) -> list[str]:
    """What is wrong with one Chinese string: half-width punctuation beside a Chinese character, or a
    space between two. Placeholders count as neither Chinese nor punctuation."""
    bare = PLACEHOLDER.sub("\0", text)
    return [match.group(0) for pattern in (HALF_WIDTH, SPACED) for match in pattern.finditer(bare)]


def placeholders(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text))


def test_the_checks_see_what_they_look_for():
    assert style_problems("请输入姓名.") == ["名."]
    assert style_problems("已保存,谢谢") == ["存,"]
    assert style_problems("名额 (选填)") == ["额 (", "填)"]
    assert style_problems("确定取消吗?") == ["吗?"]
    assert style_problems("已 签到") == ["已 签"]
    assert style_problems("%(name)s，您好") == []
    assert style_problems("%(competition)s %(round)s 获奖证书.pdf") == []
    assert style_problems("请按 HH:MM 格式填写时间。") == []
    assert style_problems("添加到我的日历（.ics）") == []


def test_chinese_punctuation_is_full_width_and_words_are_not_spaced():
    bad = {key: (forms, problems) for key, _single, _plural, forms in chinese_messages()
           for problems in [[p for form in forms for p in style_problems(form)]] if problems}
    assert bad == {}


def test_placeholders_are_exactly_those_of_the_english():
    wrong = {}
    for key, single, plural, forms in chinese_messages():
        wanted = placeholders(single) | placeholders(plural)
        for form in forms:
            if set(placeholders(form)) != set(wanted) or any(placeholders(form)[p] > max(
                    placeholders(single)[p], placeholders(plural)[p]) for p in placeholders(form)):
                wrong[key] = form
    assert wrong == {}


def test_plural_messages_have_one_chinese_form():
    many = {key: forms for key, _single, plural, forms in chinese_messages() if plural and len(forms) != 1}
    assert many == {}
    assert all(forms[0] for _key, _single, plural, forms in chinese_messages() if plural)


def glossary() -> list[tuple[str, list[str], list[str]]]:
    """(English, terms used, words not used) from the glossary's table."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("English", "") or set(cells[0]) <= {"-"}:
            continue
        split = lambda cell: [] if cell in ("—", "") else [word for word in cell.split("、") if word]
        rows.append((cells[0], split(cells[1]), split(cells[2])))
    return rows


def test_the_glossary_table_is_read():
    rows = {english: (used, avoided) for english, used, avoided in glossary()}
    assert rows["volunteer"] == (["志愿者"], ["义工"])
    assert rows["check in, check out"] == (["签到", "签退"], ["检票", "验票"])
    assert len(rows) >= 25


def test_the_glossary_terms_are_used_and_its_avoided_words_are_not():
    texts = [form for _key, _single, _plural, forms in chinese_messages() for form in forms]
    unused = [term for _english, used, _avoided in glossary() for term in used
              if not any(term in text for text in texts)]
    assert unused == []
    avoided = {word: [text for text in texts if word in text]
               for _english, _used, words in glossary() for word in words}
    assert {word: found for word, found in avoided.items() if found} == {}


def test_one_english_word_with_two_meanings_has_two_chinese_words(app):
    with app.test_request_context(), force_locale("zh_Hans"):
        # An event that took place is over; a volunteer's shift that was served is done.
        assert str(EVENT_STATUS_LABELS["completed"]) == "已结束"
        assert str(SIGNUP_STATUS_LABELS["completed"]) == "已服务"
        # A waiting registration or signup is 候补中; the count on the door page is the 候补名单.
        assert str(REGISTRATION_STATUS_LABELS["waitlisted"]) == "候补中"
        assert str(SIGNUP_STATUS_LABELS["waitlisted"]) == "候补中"
        # A volunteer's role on a shift is a 岗位; a partner's role in an event is how it takes part.
        assert PartnerRow(meta={"csrf": False}).role.label.text == "合作方式"
        assert [str(label) for label in PARTNER_ROLE_LABELS.values()] == ["协办单位", "赞助单位", "冠名单位", "场地提供方"]
        # Whether a volunteer served is their 出勤情况, not the event's 到场人数.
        assert ShiftAttendanceForm(meta={"csrf": False}).status.label.text == "出勤情况"
        # An event takes 名额; a venue holds a 容量.
        assert EventForm(meta={"csrf": False}).capacity.label.text == "名额（人）"
        assert VenueForm(meta={"csrf": False}).capacity.label.text == "容量（人）"
        assert pgettext("time of check-in", "Checked in") == "签到时间"
        assert pgettext("day of the week", "Day") == "星期"
        assert pgettext("a judge's school or organisation", "From") == "所属单位"


def test_the_staff_registrations_table_in_chinese(client, make_event, make_user, login):
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=30)
    event = make_event(starts_at=start, capacity=2, max_party_size=4)
    first = registration.register(event, name="甲", phone="13812345678", party_size=2)
    registration.register(event, name="乙", phone="13812345679", party_size=1)  # waits
    db.session.commit()
    registration.check_in(first.registration, event=event)
    db.session.commit()
    login(make_user("staff"))
    html = client.get(f"/staff/events/{event.id}?lang=zh_Hans").get_data(as_text=True)
    assert '<th scope="col" class="when">签到时间</th>' in html
    assert re.search(r"<dt>候补名单</dt><dd>1</dd>", html)
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*乙(?:(?!</tr>).)*</tr>", html, re.S).group(0)
    assert 'data-label="状态">候补中</td>' in row and 'data-label="签到时间"' in row
    assert "确认名额" in html and "给予名额" not in html


def test_labels_and_notes_the_pages_put_together_take_chinese_punctuation(client, make_event):
    """A heading "label: value" or a note in brackets is a message of its own, so that Chinese gets
    its full-width colon and brackets while English keeps its own."""
    exhibition = make_event(type="exhibition", title="青少年书法作品展", starts_at=datetime(2030, 9, 1, 1, tzinfo=timezone.utc),
                            ends_at=datetime(2030, 9, 30, 9, tzinfo=timezone.utc),
                            daily_opens_at=datetime(2030, 9, 1, 9).time(), daily_closes_at=datetime(2030, 9, 1, 17).time())
    zh = client.get(f"/events/{exhibition.id}?lang=zh_Hans").get_data(as_text=True)
    assert "（每日开放 09:00–17:00）" in zh and "(每日开放" not in zh
    en = client.get(f"/events/{exhibition.id}?lang=en").get_data(as_text=True)
    assert re.search(r"\(open daily 9:00\W+AM–5:00\W+PM\)", en)
    # Where: the branch, then the room in Chinese; "room, branch" in English.
    venue, branch = exhibition.venue, exhibition.venue.branch
    assert f"{branch.display_name('zh_Hans')}{venue.display_name('zh_Hans')}" in zh
    assert f"{venue.display_name('en')}, {branch.display_name('en')}" in en
    assert "<h1>日历：2030年9月</h1>" in client.get("/calendar?month=2030-09&lang=zh_Hans").get_data(as_text=True)
    assert "<h1>Calendar: September 2030</h1>" in client.get("/calendar?month=2030-09&lang=en").get_data(as_text=True)


def test_flashed_sentences_are_joined_as_each_language_writes_them(app):
    with app.test_request_context("/"):
        with force_locale("zh_Hans"):
            assert sentences("活动已取消。", None, "", "已发送 1 封邮件。") == "活动已取消。已发送 1 封邮件。"
        with force_locale("en"):
            assert sentences("The event is cancelled.", None, "1 e-mail was sent.") == "The event is cancelled. 1 e-mail was sent."
