"""Properties of what the services take from people, checked by Hypothesis on many inputs:
phone numbers, text and names, numbers and dates, and registering (party sizes, names,
answers). Deterministic: every test runs under the ``outreach-properties`` profile (a fixed
derivation of the examples, no example database), whichever profile the run loads."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import datetime

import phonenumbers
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from sqlalchemy import func, select

from outreach.errors import ValidationError
from outreach.extensions import db
from outreach.phone import check_phone, normalise_phone, phone_digest
from outreach.platform.models import AuditEntry
from outreach.registration.models import Registration
from outreach.registration.services import RegistrationError, check_answers, register, seats_left
from outreach.text import NAME_MAX, check_name, clean_strings, clean_text
from outreach.years import DATE_YEARS, DECIMAL_MAX, INT_MAX, in_date_range, parse_date, parse_decimal, whole_number
from tests.helpers import in_days

settings.register_profile(
    "outreach-properties", derandomize=True, database=None, deadline=None, max_examples=150, print_blob=True,
)
PROPERTIES = settings.get_profile("outreach-properties")
#: Tests that make rows: fewer examples, each on the function-scoped ``app`` (cleaned by hand).
SERVICE_PROPERTIES = settings(
    PROPERTIES, max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Any text, lone surrogates (a JSON body may escape one) and control characters included.
any_text = st.text(st.one_of(
    st.characters(codec=None), st.integers(0xD800, 0xDFFF).map(chr), st.integers(0, 0x9F).map(chr),
))


def full_width(text: str) -> str:
    """``text`` as a Chinese input method types it: full-width digits and signs, the ideographic space."""
    return "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# --- phone numbers ------------------------------------------------------------------------------

mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
landlines = st.builds(lambda area, number: area + number,
                      st.sampled_from(["010", "020", "021", "0731", "0733", "0755"]),
                      st.from_regex(r"[2-8][0-9]{7}", fullmatch=True))
ABROAD = [
    phonenumbers.format_number(phonenumbers.example_number_for_type(region, kind), PhoneNumberFormat.INTERNATIONAL)
    for region in ("GB", "US", "JP", "DE", "FR", "SG", "HK", "TW", "AU")
    for kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE)
]
#: Text that looks like a number: digits and the separators people put between them.
phone_like = st.one_of(
    mobiles, landlines, st.sampled_from(ABROAD),
    st.text("0123456789 +-().", min_size=6, max_size=24),
    st.builds(lambda sign, digits: sign + digits, st.sampled_from(["", "+", "+86", "0"]),
              st.from_regex(r"[0-9]{5,15}", fullmatch=True)),
)


def spaced(number: str, cuts: list[int], separator: str) -> str:
    """``number`` with ``separator`` put in at ``cuts``, as people group digits."""
    for cut in sorted({c % len(number) for c in cuts if c % len(number)}, reverse=True):
        number = number[:cut] + separator + number[cut:]
    return number


@PROPERTIES
@given(any_text)
def test_normalise_phone_never_raises_and_check_phone_agrees(text):
    normal = normalise_phone(text)
    errors: dict = {}
    assert check_phone(text, errors) == normal
    assert (normal is None) == ("phone" in errors)
    if normal is None:
        assert str(errors["phone"])
    else:
        assert errors == {}


@PROPERTIES
@given(phone_like)
def test_an_accepted_number_is_digits_with_a_plus_only_abroad_and_normalises_to_itself(text):
    normal = normalise_phone(text)
    assume(normal is not None)
    assert re.fullmatch(r"\+?[0-9]{7,17}", normal)
    if normal.startswith("+"):
        assert not normal.startswith("+86")
    assert normalise_phone(normal) == normal
    errors: dict = {}
    assert check_phone(normal, errors) == normal and errors == {}


@PROPERTIES
@given(phone_like)
def test_full_width_digits_and_signs_read_as_ascii(text):
    assert normalise_phone(full_width(text)) == normalise_phone(text)


@PROPERTIES
@given(st.one_of(mobiles, landlines), st.lists(st.integers(1, 12), max_size=3), st.sampled_from([" ", "-", ".", "\u3000", "\u2014"]))
def test_one_number_written_differently_is_one_person(number, cuts, separator):
    normal = normalise_phone(number)
    assume(normal is not None)
    national = number[1:] if number.startswith("0") else number
    writings = [
        spaced(number, cuts, separator), full_width(number), "+86 " + national, "+86-" + spaced(national, cuts, "-"),
        f" {number} ", full_width("+86 " + spaced(national, cuts, " ")),
    ]
    if number.startswith("0"):
        writings.append(f"({number[:-8]}) {number[-8:-4]} {number[-4:]}")
    digest = phone_digest(number, key="k")
    for writing in writings:
        assert normalise_phone(writing) == normal, writing
        assert phone_digest(writing, key="k") == digest, writing
    assert phone_digest(number, key="other") != digest


@PROPERTIES
@given(any_text, st.text(max_size=20))
def test_phone_digest_never_raises_and_is_hex_or_none(text, key):
    digest = phone_digest(text, key=key)
    assert digest is None or re.fullmatch(r"[0-9a-f]{64}", digest)
    assert phone_digest(text, key=key) == digest


# --- text and names -------------------------------------------------------------------------------


def assert_clean(value: str) -> None:
    for char in value:
        assert not 0xD800 <= ord(char) <= 0xDFFF, repr(value)
        assert unicodedata.category(char) != "Cc" or char in "\t\n\r", repr(value)
    value.encode("utf-8")


@PROPERTIES
@given(any_text)
def test_clean_text_keeps_no_control_character_nor_lone_surrogate_and_is_idempotent(text):
    cleaned = clean_text(text)
    assert_clean(cleaned)
    assert cleaned == cleaned.strip()
    assert clean_text(cleaned) == cleaned


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), any_text),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(any_text, inner, max_size=4)),
    max_leaves=12,
)


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings_in(item)


@PROPERTIES
@given(json_values)
def test_clean_strings_cleans_every_string_of_a_json_value(value):
    cleaned = clean_strings(value)
    for text in strings_in(cleaned):
        assert_clean(text)
    assert clean_strings(cleaned) == cleaned
    json.dumps(cleaned, ensure_ascii=False).encode("utf-8")


@PROPERTIES
@given(st.one_of(any_text, st.none(), st.integers()))
def test_check_name_accepts_what_it_returns(text):
    errors: dict = {}
    name = check_name(text, errors)
    assert_clean(name)
    if errors:
        assert set(errors) == {"name"} and (not name or len(name) > NAME_MAX)
    else:
        assert 1 <= len(name) <= NAME_MAX
        again: dict = {}
        assert check_name(name, again) == name and again == {}


# --- numbers and dates ----------------------------------------------------------------------------


@PROPERTIES
@given(any_text, st.integers(-(2**40), 2**40), st.integers(0, 2**40))
def test_whole_number_reads_exactly_ascii_digits_within_its_bounds(text, minimum, span):
    maximum = minimum + span
    number = whole_number(text, minimum=minimum, maximum=maximum)
    pattern = r"(-?)([0-9]{1,12})" if minimum < 0 else r"()([0-9]{1,12})"
    match = re.fullmatch(pattern, text.strip())
    expected = int(match[1] + match[2]) if match else None
    assert number == (expected if expected is not None and minimum <= expected <= maximum else None)


@PROPERTIES
@given(st.one_of(st.integers(), st.booleans(), st.none()))
def test_whole_number_takes_an_int_within_the_database_integer(value):
    number = whole_number(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= INT_MAX:
        assert number == value
        assert whole_number(str(value)) == value
    else:
        assert number is None


@PROPERTIES
@given(st.one_of(any_text, st.floats(), st.integers(), st.decimals(), st.booleans(), st.none()))
def test_parse_decimal_never_raises_and_stays_finite_within_its_bound(value):
    number = parse_decimal(value)
    if number is not None:
        assert number.is_finite() and abs(number) <= DECIMAL_MAX


@PROPERTIES
@given(st.decimals(min_value=-DECIMAL_MAX, max_value=DECIMAL_MAX, places=2))
def test_parse_decimal_reads_every_number_in_its_bound_also_in_full_width(number):
    assert parse_decimal(str(number)) == number
    assert parse_decimal(full_width(str(number))) == number
    assert parse_decimal(str(number * 10 + (DECIMAL_MAX * 10 if number >= 0 else -DECIMAL_MAX * 10))) is None


@PROPERTIES
@given(any_text)
def test_parse_date_never_raises_and_stays_in_the_years(text):
    parsed = parse_date(text)
    assert parsed is None or DATE_YEARS[0] <= parsed.year <= DATE_YEARS[1]
    if parsed is not None:
        assert text.strip() == parsed.isoformat()


@PROPERTIES
@given(st.dates())
def test_parse_date_reads_yyyy_mm_dd_exactly_within_the_years(day):
    inside = DATE_YEARS[0] <= day.year <= DATE_YEARS[1]
    assert parse_date(day.isoformat()) == (day if inside else None)
    assert parse_date(f"  {day.isoformat()}\n") == (day if inside else None)
    assert in_date_range(day) is inside
    assert in_date_range(datetime(day.year, day.month, day.day, 23, 59)) is inside
    # Other ISO 8601 forms of the day are not YYYY-MM-DD.
    assert parse_date(day.strftime("%Y%m%d")) is None
    assert parse_date(day.strftime("%G-W%V-%u")) is None


# --- registering ------------------------------------------------------------------------------------

QUESTIONS = [
    {"key": "age", "label": "年龄", "required": True},
    {"key": "grade", "label": "年级", "choices": ["一年级", "二年级", "三年级"]},
    {"key": "note", "label": "备注"},
]
answer_values = st.one_of(
    st.none(), st.booleans(), st.integers(), any_text, st.sampled_from(["一年级", " 二年级 ", "三年级", "四年级", ""]),
    st.lists(st.text(max_size=3), max_size=2),
)
answers = st.dictionaries(st.sampled_from(["age", "grade", "note", "other"]), answer_values, max_size=4)


@PROPERTIES
@given(answers)
def test_check_answers_keeps_only_valid_answers_to_the_questions(given_answers):
    event = type("Event", (), {"questions": QUESTIONS})()
    clean, errors = check_answers(event, given_answers)
    assert set(clean) <= {"age", "grade", "note"}
    assert set(errors) <= {"answers.age", "answers.grade"}
    for question in QUESTIONS:
        key = question["key"]
        value = given_answers.get(key)
        text = clean_text(value) if isinstance(value, str) else ""
        if not text:
            assert key not in clean
            assert (f"answers.{key}" in errors) == bool(question.get("required"))
        elif question.get("choices") and text not in question["choices"]:
            assert key not in clean and f"answers.{key}" in errors
        else:
            assert clean[key] == text[:200] and f"answers.{key}" not in errors


def counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(Registration)),
            db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "registration.create")))


party_sizes = st.one_of(st.integers(-3, 8), st.none(), st.booleans(), st.text(max_size=3), st.floats(0, 5))
names = st.one_of(st.sampled_from(["王小明", " 李 华 ", "Anna Smith"]), any_text, st.text(min_size=95, max_size=110))
phones = st.one_of(mobiles, phone_like, any_text)
#: A few numbers only, so that one comes back (the registration it already holds).
good_phones = st.sampled_from(["13800138001", "139 0013 8002", "+86 150 0013 8003", "１８６００１３８００４", "0731-84567890"])
good_answers = st.fixed_dictionaries(
    {"age": st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=250)},
    optional={"grade": st.sampled_from(QUESTIONS[1]["choices"]), "note": any_text},
)
good_attempts = st.tuples(
    st.one_of(st.sampled_from(["王小明", " 李 华 ", "Anna Smith"]), st.text(st.characters(categories=["L"]), min_size=1, max_size=100)),
    good_phones, st.integers(1, 4), good_answers, st.just(True),
)
any_attempts = st.tuples(names, phones, party_sizes, answers, st.booleans())
#: Mostly people who fill the form in well; some with one field wrong; some with anything.
attempts = st.one_of(
    good_attempts, good_attempts,
    st.tuples(good_attempts, st.integers(0, 4), any_attempts).map(lambda t: t[0][:t[1]] + (t[2][t[1]],) + t[0][t[1] + 1:]),
    any_attempts,
)


@SERVICE_PROPERTIES
@given(
    capacity=st.one_of(st.none(), st.integers(0, 8)),
    tries=st.lists(attempts, min_size=1, max_size=5),
)
def test_register_takes_exactly_its_party_or_nothing(app, make_event, capacity, tries):
    """Each attempt either registers (confirmed: the places left drop by exactly the party;
    waitlisted: the party did not fit; the same phone again: nothing new) or is refused with
    a ValidationError and leaves no row."""
    event = make_event(capacity=capacity, max_party_size=4, questions=QUESTIONS, starts_at=in_days(5))
    for name, phone, party_size, given_answers, consent in tries:
        left, rows = seats_left(event), counts()
        try:
            outcome = register(event, name=name, phone=phone, party_size=party_size, answers=given_answers,
                               consent=consent)
            db.session.commit()
        except (ValidationError, RegistrationError) as error:
            db.session.rollback()
            assert isinstance(error, ValidationError), error.code
            assert error.fields
            assert counts() == rows
            assert seats_left(event) == left
            continue
        registration = outcome.registration
        assert isinstance(party_size, int) and not isinstance(party_size, bool) and 1 <= party_size <= 4
        assert consent
        if outcome.already:
            assert counts() == rows and seats_left(event) == left
            continue
        assert counts() == (rows[0] + 1, rows[1] + 1)
        assert registration.party_size == party_size
        assert registration.answers == (check_answers(event, given_answers)[0] or None)
        for text in (registration.answers or {}).values():
            assert_clean(text)
        if registration.status == "confirmed":
            assert seats_left(event) == (None if capacity is None else left - party_size)
        else:
            assert registration.status == "waitlisted"
            assert capacity is not None and party_size > left
            assert seats_left(event) == left
    db.session.rollback()



# --- what the properties found, through the doors ---------------------------------------------------


@pytest.mark.parametrize("day", ["20261204", "2026-W49-5", "2026W495", "2026-338"])
def test_a_date_in_another_iso_form_is_asked_for_as_yyyy_mm_dd(client, day):
    response = client.get(f"/api/v1/events?from={day}&lang=en")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"from": "Give a date as YYYY-MM-DD."}


def test_c1_control_characters_and_lone_surrogates_are_dropped_from_a_registration(client, make_event):
    event = make_event(capacity=10, questions=QUESTIONS, starts_at=in_days(5))
    body = ('{"name": "\\u0085王\\u009b小明\\ud800", "phone": "13800138001", "party_size": 1,'
            ' "answers": {"age": "8\\u0080", "note": "靠窗\\udc00\\u0085"}}')
    response = client.post(f"/api/v1/events/{event.id}/registrations", data=body,
                           content_type="application/json")
    assert response.status_code == 201, response.get_json()
    registration = db.session.get(Registration, response.get_json()["id"])
    assert (registration.name, registration.answers) == ("王小明", {"age": "8", "note": "靠窗"})


def test_the_service_cleans_an_answer_as_any_text(app, make_event):
    event = make_event(capacity=10, questions=QUESTIONS, starts_at=in_days(5))
    outcome = register(event, name="王小明", phone="13800138001",
                       answers={"age": " 8\x00 ", "note": "靠窗\ud800\udc00"})
    db.session.commit()
    db.session.expire_all()
    assert outcome.registration.answers == {"age": "8", "note": "靠窗"}
