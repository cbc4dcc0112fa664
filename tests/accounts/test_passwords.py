"""Passwords people can change and reset, measured by zxcvbn (issue 12, point 5)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from flask_babel import force_locale
from sqlalchemy import select
from werkzeug.security import check_password_hash

from outreach import clock
from outreach.accounts import services
from outreach.accounts.models import User
from outreach.errors import ValidationError
from outreach.extensions import db
from outreach.platform.models import AuditEntry
from tests.helpers import PASSWORD, IsolatedClient, assert_valid_html, csrf_token_from, field_error

NEW_PASSWORD = "violet kettle orchard 42"
COMMON_EN = "This is one of the most common passwords: choose one that is not on such a list."
COMMON_ZH = "这是最常见的密码之一，请另选一个不在此类名单上的密码。"
PERSONAL_EN = "Do not build the password from your e-mail address, your name or the library's name."


# --- the rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(("password", "message"), [
    ("12345678", COMMON_EN),
    ("password", COMMON_EN),
    ("qwertyuiop", COMMON_EN),
    ("short", "Use at least 8 characters."),
    ("wangxiaoming2024", PERSONAL_EN),
    ("liling library", PERSONAL_EN),
    ("abcdefghijkl", "Avoid keyboard patterns, sequences such as abc or 1234, repeated characters and dates."),
    ("19871231abc", "Avoid keyboard patterns, sequences such as abc or 1234, repeated characters and dates."),
])
def test_weak_passwords_are_refused_with_a_reason(app, password, message):
    with pytest.raises(ValidationError) as caught:
        services.create_user("wangxiaoming@example.org", role="staff", password=password, name="Wang Xiaoming")
    with force_locale("en"):
        assert str(caught.value.fields["password"]) == message
    assert db.session.scalar(select(db.func.count(User.id))) == 0


def test_a_password_made_of_the_email_is_refused(app):
    with pytest.raises(ValidationError) as caught:
        services.create_user("zhaolan@example.org", role="staff", password="zhaolan@example.org")
    with force_locale("en"):
        assert str(caught.value.fields["password"]) == PERSONAL_EN


def test_a_good_password_is_taken(app):
    user = services.create_user("zhaolan@example.org", role="staff", password=NEW_PASSWORD)
    assert check_password_hash(user.password_hash, NEW_PASSWORD)


def test_the_cli_refuses_a_common_password_with_the_reason(app, runner):
    result = runner.invoke(args=["users", "create", "boss@example.org", "--role", "admin", "--password", "12345678"])
    assert result.exit_code != 0
    assert f"password: {COMMON_EN}" in result.output
    assert db.session.scalar(select(db.func.count(User.id))) == 0


def test_a_volunteer_application_refuses_a_common_password_beside_the_field(client, app):
    token = csrf_token_from(client, "/volunteer/apply")
    response = client.post("/volunteer/apply?lang=zh_Hans", data={
        "name": "李小红", "phone": "138 1234 5678", "email": "xiaohong@example.org", "password": "password",
        "consent": "y", "csrf_token": token,
    })
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "password") == COMMON_ZH
    assert db.session.scalar(select(db.func.count(User.id))) == 0


# --- changing one's own password ---------------------------------------------------------


def change(client, current, new, confirm=None, lang="en"):
    token = csrf_token_from(client, "/account/password")
    return client.post(f"/account/password?lang={lang}", data={
        "current_password": current, "password": new, "confirm": new if confirm is None else confirm,
        "csrf_token": token,
    })


def test_change_password_needs_sign_in(client):
    assert client.get("/account/password").status_code == 302


@pytest.mark.parametrize("role", ["admin", "staff", "volunteer"])
def test_everyone_signed_in_may_change_their_password(client, make_user, login, role):
    user = make_user(role)
    login(user)
    assert change(client, PASSWORD, NEW_PASSWORD).status_code == 303
    db.session.expire_all()
    assert check_password_hash(db.session.get(User, user.id).password_hash, NEW_PASSWORD)
    assert services.authenticate(user.email, PASSWORD) is None
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "user.password_change")) is not None


def test_change_password_refuses_a_wrong_current_password(client, make_user, login):
    user = make_user("staff")
    login(user)
    response = change(client, "not my password", NEW_PASSWORD)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "current_password") == "This is not your current password."
    db.session.expire_all()
    assert check_password_hash(db.session.get(User, user.id).password_hash, PASSWORD)


@pytest.mark.parametrize(("lang", "message"), [("en", COMMON_EN), ("zh_Hans", COMMON_ZH)])
def test_change_password_refuses_a_weak_one_beside_the_field(client, make_user, login, lang, message):
    login(make_user("staff"))
    response = change(client, PASSWORD, "12345678", lang=lang)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_error(html, "password") == message
    assert "top-10" not in html and "common password" not in html.replace(message, "")


def test_change_password_refuses_an_email_derived_one(client, make_user, login):
    login(make_user("staff", email="zhaolan.li@example.org", name="Zhao Lan"))
    response = change(client, PASSWORD, "zhaolan.li2026")
    assert response.status_code == 422
    assert unescape(field_error(response.get_data(as_text=True), "password")) == PERSONAL_EN


def test_change_password_needs_the_same_password_twice(client, make_user, login):
    login(make_user("staff"))
    response = change(client, PASSWORD, NEW_PASSWORD, confirm=NEW_PASSWORD + "x")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "confirm") == "The two passwords are not the same."


def test_change_password_needs_csrf(client, make_user, login):
    login(make_user("staff"))
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert response.status_code == 400


# --- a forgotten password ----------------------------------------------------------------


def sent_mail(app):
    return app.extensions.setdefault("outreach_sent_mail", [])


def ask_for_link(client, email, lang="en"):
    token = csrf_token_from(client, "/password/forgot")
    return client.post(f"/password/forgot?lang={lang}", data={"email": email, "csrf_token": token})


def reset_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/password/reset/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_forgot_answers_the_same_whether_or_not_the_account_exists(app, client, make_user):
    user = make_user("staff")
    known = ask_for_link(client, user.email)
    unknown = ask_for_link(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200

    def main(response):
        return re.search(r"<main.*</main>", response.get_data(as_text=True), re.DOTALL).group(0)

    assert main(known) == main(unknown)
    assert [m.to for m in sent_mail(app)] == [user.email]


def test_forgot_tells_the_truth_when_no_mail_server_is_set(app, client, make_user):
    user = make_user("staff")
    html = ask_for_link(client, user.email).get_data(as_text=True)
    assert "This library has no mail server configured, so no link can be sent by e-mail." in html
    app.config["SMTP_HOST"] = "mail.invalid"
    html = ask_for_link(client, "nobody@example.org").get_data(as_text=True)
    assert "If this address belongs to an account, a link to set a new password is on its way." in html


def test_the_reset_link_works_once(app, client, make_user, api_token, login):
    user = make_user("staff")
    headers = api_token(user)
    ask_for_link(client, user.email)
    path = reset_path(sent_mail(app)[-1])
    assert client.get(path).status_code == 200
    token = csrf_token_from(client, path)
    response = client.post(path + "?lang=en", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                                    "csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/login")
    db.session.expire_all()
    assert services.authenticate(user.email, NEW_PASSWORD) is not None
    assert client.get("/api/v1/venues", headers=headers).status_code == 401  # tokens revoked
    again = client.get(path + "?lang=en")
    assert again.status_code == 410
    assert "This link is not valid or has been used already. Ask for a new one." in again.get_data(as_text=True)
    response = client.post(path, data={"password": "another fine passphrase", "confirm": "another fine passphrase",
                                       "csrf_token": token})
    assert response.status_code == 410
    db.session.expire_all()
    assert services.authenticate(user.email, NEW_PASSWORD) is not None


def test_the_reset_link_ends_the_sessions(app, client, make_user, login):
    user = make_user("staff")
    login(user)
    version = user.session_version
    link = services.reset_token(user)
    db.session.commit()
    services.reset_password(link, NEW_PASSWORD)
    db.session.commit()
    assert db.session.get(User, user.id).session_version == version + 1
    assert client.get("/staff/").status_code == 302


def test_the_reset_link_expires_after_an_hour(app, client, make_user, monkeypatch):
    user = make_user("staff")
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start)
    ask_for_link(client, user.email)
    path = reset_path(sent_mail(app)[-1])
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=59))
    assert client.get(path).status_code == 200
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=61))
    response = client.get(path + "?lang=zh_Hans")
    assert response.status_code == 410
    assert "此链接已过期" in response.get_data(as_text=True)


def test_a_tampered_reset_link_is_refused(app, client, make_user):
    user = make_user("staff")
    ask_for_link(client, user.email)
    path = reset_path(sent_mail(app)[-1])
    assert client.get(path[:-2] + ("AA" if not path.endswith("AA") else "BB")).status_code == 410
    assert client.get("/password/reset/nonsense").status_code == 410


def test_the_reset_page_refuses_a_weak_password(app, client, make_user):
    user = make_user("staff")
    ask_for_link(client, user.email)
    path = reset_path(sent_mail(app)[-1])
    token = csrf_token_from(client, path)
    response = client.post(path + "?lang=en", data={"password": "password", "confirm": "password", "csrf_token": token})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "password") == COMMON_EN
    assert client.get(path).status_code == 200  # the link still works: nothing was changed


def test_a_disabled_account_gets_no_link(app, client, make_user):
    user = make_user("staff", is_active_account=False)
    assert ask_for_link(client, user.email).status_code == 200
    assert sent_mail(app) == []


def test_an_admin_sends_a_reset_link_to_a_staff_account(app, client, make_user, login):
    staff = make_user("staff", name="李晓梅")
    login(make_user("admin"))
    csrf = csrf_token_from(client, f"/admin/accounts/{staff.id}")
    response = client.post(f"/admin/accounts/{staff.id}/reset?lang=en", data={"csrf_token": csrf})
    assert response.status_code == 303
    html = client.get(f"/admin/accounts/{staff.id}?lang=en").get_data(as_text=True)
    assert "A link to set a new password was made for 李晓梅; it works once, within one hour." in html
    assert "No mail server is configured: 1 message was not sent (the server&#39;s log names it)." in html
    message = sent_mail(app)[-1]
    assert message.to == staff.email
    assert client.get(reset_path(message)).status_code == 200


def test_an_admin_opens_a_staff_account_with_a_strong_password_only(client, make_user, login):
    login(make_user("admin"))
    token = csrf_token_from(client, "/admin/accounts/new")
    data = {"name": "赵兰", "email": "zhaolan@example.org", "role": "staff", "password": "12345678",
            "csrf_token": token}
    response = client.post("/admin/accounts/new?lang=en", data=data)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "password") == COMMON_EN
    response = client.post("/admin/accounts/new?lang=en", data={**data, "password": NEW_PASSWORD})
    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.email == "zhaolan@example.org"))
    assert user.role == "staff" and user.name == "赵兰"


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_the_new_pages_are_valid_html_with_labelled_fields(app, client, make_user, login, api_token, lang):
    staff = make_user("staff")
    api_token(staff)
    link = services.reset_token(staff)
    for path in ["/password/forgot", f"/password/reset/{link}", "/login"]:
        assert_valid_html(client.get(f"{path}?lang={lang}"))
    assert "/password/forgot" in client.get("/login").get_data(as_text=True)
    login(make_user("admin"))
    for path in ["/account/password", "/admin/accounts", "/admin/accounts/new", f"/admin/accounts/{staff.id}"]:
        response = client.get(f"{path}?lang={lang}")
        assert response.status_code == 200, path
        assert_valid_html(response)


def test_forgot_and_reset_posts_are_rate_limited(app, make_app, make_user):
    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PASSWORD_RESET="3 per minute")
    limited.test_client_class = IsolatedClient
    client = limited.test_client()
    user = make_user("staff")
    token = csrf_token_from(client, "/password/forgot")
    statuses = [client.post("/password/forgot", data={"email": user.email, "csrf_token": token}).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    path = f"/password/reset/{services.reset_token(user)}"
    statuses = [client.post(path, data={"password": "x", "confirm": "y", "csrf_token": token}).status_code
                for _ in range(4)]
    assert statuses == [422, 422, 422, 429]
