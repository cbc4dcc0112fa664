import re

import pytest
from sqlalchemy import select

from outreach.platform.models import AuditEntry
from tests.helpers import PASSWORD, csrf_token_from


def test_login_form_identifies_people_by_email(client):
    html = client.get("/login?lang=en").get_data(as_text=True)
    assert re.search(r'<input[^>]*type="email"[^>]*name="email"|<input[^>]*name="email"[^>]*type="email"', html)
    assert 'name="password"' in html
    assert 'name="csrf_token"' in html


def test_staff_sign_in_lands_on_staff_home_and_is_audited(app, client, make_user):
    user = make_user("staff", name="李晓梅")
    token = csrf_token_from(client)
    response = client.post("/login", data={"email": user.email.upper(), "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/")
    home = client.get("/staff/?lang=zh_Hans")
    assert home.status_code == 200
    assert "李晓梅" in home.get_data(as_text=True)
    actions = app.extensions["sqlalchemy"].session.scalars(select(AuditEntry.action)).all()
    assert actions.count("user.login") == 1


@pytest.mark.parametrize(("lang", "message"), [
    ("en", "The e-mail address or the password is not right."),
    ("zh_Hans", "电子邮箱或密码不正确。"),
])
def test_wrong_password_is_answered_beside_the_field(client, make_user, lang, message):
    user = make_user("staff")
    token = csrf_token_from(client)
    response = client.post(
        f"/login?lang={lang}", data={"email": user.email, "password": "not it at all", "csrf_token": token}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="password-error"' in html
    assert message in html
    assert 'aria-invalid="true"' in html


def test_unknown_email_gets_the_same_answer(client):
    token = csrf_token_from(client)
    response = client.post(
        "/login?lang=en", data={"email": "nobody@example.org", "password": "whatever123", "csrf_token": token}
    )
    assert response.status_code == 422
    assert "The e-mail address or the password is not right." in response.get_data(as_text=True)


def test_disabled_account_cannot_sign_in(client, make_user):
    user = make_user("staff", is_active_account=False)
    token = csrf_token_from(client)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 422


def test_login_follows_only_local_next(client, make_user):
    user = make_user("staff")
    token = csrf_token_from(client)
    response = client.post(
        "/login?next=https://evil.example/steal", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"].endswith("/staff/")
    client.post("/logout", data={"csrf_token": csrf_token_from(client, "/staff/")})
    token = csrf_token_from(client)
    response = client.post(
        "/login?next=/events/5", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"].endswith("/events/5")


def test_staff_home_needs_sign_in_and_role(client, make_user, login):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]
    login(make_user("volunteer"))
    assert client.get("/staff/").status_code == 403


def test_admin_may_use_staff_pages(client, make_user, login):
    login(make_user("admin"))
    assert client.get("/staff/").status_code == 200


def test_logout_is_a_post_with_csrf(client, make_user, login):
    login(make_user("staff"))
    assert client.get("/logout").status_code == 405
    assert client.post("/logout", data={}).status_code == 400  # no CSRF token
    assert client.get("/staff/").status_code == 200  # still signed in
    token = csrf_token_from(client, "/staff/")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 302


def test_language_choice_survives_sign_in(client, make_user):
    user = make_user("staff")
    client.get("/?lang=en")
    token = csrf_token_from(client)
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    html = client.get("/staff/").get_data(as_text=True)
    assert '<html lang="en">' in html


def test_a_volunteer_lands_on_their_own_page_unless_a_next_is_given(client, make_user):
    user = make_user("volunteer", name="王志远")
    token = csrf_token_from(client)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/volunteer/me")
    assert client.get("/volunteer/me").status_code == 200
    # Signed in already: the log-in page sends them home too.
    assert client.get("/login").headers["Location"].endswith("/volunteer/me")
    client.post("/logout", data={"csrf_token": csrf_token_from(client, "/volunteer/me")})
    token = csrf_token_from(client)
    response = client.post(
        "/login?next=https://evil.example/", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"].endswith("/volunteer/me")
    client.post("/logout", data={"csrf_token": csrf_token_from(client, "/volunteer/me")})
    token = csrf_token_from(client)
    response = client.post(
        "/login?next=/volunteer", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"].endswith("/volunteer")
