"""One cleaning rule (outreach.text.clean_text) for every text, from every door: a page's form,
the JSON API, a query string, a header that is kept, the command line, a download's file name.
Each door is sent NUL and control characters; what is stored is what clean_text makes of it,
and never holds a NUL (PostgreSQL refuses one)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from outreach.accounts.models import User
from outreach.extensions import db
from outreach.pdf import pdf_response
from outreach.registration.models import Registration
from outreach.text import clean_text
from tests.helpers import PASSWORD

DIRTY_NAME = " 王\x00小\x07明\x1b "
DIRTY_KEY = "key\x00-12345678"


@pytest.fixture
def soon(make_event):
    return make_event(starts_at=datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=30),
                      capacity=20, max_party_size=6)


def stored_names() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Registration.name)))


def test_a_page_s_form(client, soon):
    html = client.get(f"/events/{soon.id}").get_data(as_text=True)
    fields = dict(re.findall(r'name="(csrf_token|client_key)" type="hidden" value="([^"]*)"', html))
    response = client.post(f"/events/{soon.id}/register", data={
        "name": DIRTY_NAME, "phone": "13812345678\x00", "party_size": "1", "consent": "y", **fields,
    })
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    assert stored_names() == [clean_text(DIRTY_NAME)]
    assert "\x00" not in stored_names()[0]


def test_the_json_api_and_a_kept_header(client, soon):
    response = client.post(f"/api/v1/events/{soon.id}/registrations",
                           json={"name": DIRTY_NAME, "phone": "13812345679", "party_size": 1},
                           headers={"Idempotency-Key": DIRTY_KEY})
    assert response.status_code == 201, response.get_json()
    registration = db.session.scalar(select(Registration))
    assert registration.name == clean_text(DIRTY_NAME)
    assert registration.client_key == "api:" + clean_text(DIRTY_KEY)
    assert "\x00" not in registration.name + registration.client_key
    # The same key again finds the same registration.
    again = client.post(f"/api/v1/events/{soon.id}/registrations",
                        json={"name": DIRTY_NAME, "phone": "13812345679", "party_size": 1},
                        headers={"Idempotency-Key": DIRTY_KEY})
    assert again.status_code == 200 and again.get_json()["id"] == registration.id


def test_query_strings(client, soon, make_user, login, api_token):
    staff = make_user("staff")
    headers = api_token(staff)
    response = client.get(f"/api/v1/events/{soon.id}/registrations?q=%00%07", headers=headers)
    assert response.status_code == 200
    login(staff)
    for path in (f"/scan/{soon.id}?q=%E7%8E%8B%00", "/reports/events?q=%00x", "/?q=%00", "/staff/?q=%00"):
        assert client.get(path).status_code < 500, path
    assert stored_names() == []


def test_the_command_line(app, runner):
    result = runner.invoke(args=["users", "create", " Lin\x00@Example.org ", "--role", "staff",
                                 "--password", PASSWORD, "--name", DIRTY_NAME])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert (user.email, user.name) == ("lin@example.org", clean_text(DIRTY_NAME))
    result = runner.invoke(args=["users", "token", "lin\x00@example.org"])
    assert result.exit_code == 0, result.output


def test_a_download_s_file_name():
    response = pdf_response(b"%PDF", "证书 A\r\n\x00\x07\"B.pdf")
    disposition = response.headers["Content-Disposition"]
    assert not any(ord(c) < 32 for c in disposition)
    assert disposition == "inline; filename=\" AB.pdf\"; filename*=UTF-8''%E8%AF%81%E4%B9%A6%20A%22B.pdf"
