"""Sessions that end: a copied session cookie is refused after log-out, a password change and
an admin's "sign out everywhere"; API tokens die with a password change or a revocation; a
request that carries a bearer token is judged by it alone (issue 12, points 4 and 9)."""

from __future__ import annotations

from sqlalchemy import select

from outreach.accounts.models import ApiToken, User
from outreach.extensions import db
from outreach.places.models import Venue
from outreach.platform.models import AuditEntry
from tests.helpers import PASSWORD, IsolatedClient, csrf_token_from

NEW_PASSWORD = "violet kettle orchard 42"


def copy_of_session(app, client) -> IsolatedClient:
    """Another browser holding a copy of ``client``'s session cookie (as a thief would)."""
    cookie = next(c for c in client._cookies.values() if c.key == "session")
    app.test_client_class = IsolatedClient
    other = app.test_client()
    other.set_cookie("session", cookie.value, domain=cookie.domain)
    return other


def test_a_copied_cookie_is_refused_after_log_out(app, client, make_user, login):
    user = make_user("staff")
    login(user)
    thief = copy_of_session(app, client)
    assert thief.get("/staff/").status_code == 200  # the copy works while the session lives
    response = client.post("/logout?lang=en", data={"csrf_token": csrf_token_from(client, "/staff/")})
    assert response.status_code == 302
    assert thief.get("/staff/").status_code == 302  # sent to the log-in page
    assert "/login" in thief.get("/staff/").headers["Location"]
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "You have signed out, on this and every other device." in page


def test_disabling_an_account_ends_its_sessions(client, make_user, login):
    user = make_user("staff")
    login(user)
    assert client.get("/staff/").status_code == 200
    user.is_active_account = False
    db.session.commit()
    response = client.get("/staff/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_log_out_ends_the_sessions_on_other_devices_too(app, client, make_user, login):
    user = make_user("staff")
    login(user)
    app.test_client_class = IsolatedClient
    other_device = app.test_client()
    token = csrf_token_from(other_device)
    other_device.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert other_device.get("/staff/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token_from(client, "/staff/")})
    assert other_device.get("/staff/").status_code == 302


def test_a_copied_cookie_is_refused_after_a_password_change_but_this_browser_stays(app, client, make_user, login):
    user = make_user("staff")
    login(user)
    thief = copy_of_session(app, client)
    token = csrf_token_from(client, "/account/password")
    response = client.post("/account/password?lang=en", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token,
    })
    assert response.status_code == 303
    assert client.get("/account/password?lang=en").get_data(as_text=True).count(
        "Your password is changed. You are signed out on every other device."
    ) == 1
    assert client.get("/staff/").status_code == 200
    assert thief.get("/staff/").status_code == 302


def test_a_password_change_revokes_the_api_tokens(app, client, make_user, login, api_token):
    user = make_user("staff")
    headers = api_token(user)
    assert client.get("/api/v1/venues", headers=headers).status_code == 200
    login(user)
    token = csrf_token_from(client, "/account/password")
    response = client.post("/account/password?lang=en", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token,
    })
    assert response.status_code == 303
    assert "1 API token was revoked." in client.get("/account/password?lang=en").get_data(as_text=True)
    response = client.get("/api/v1/venues", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"
    assert db.session.scalar(select(ApiToken.revoked_at)) is not None


def test_an_old_cookie_with_a_bare_user_id_is_refused(app, client, make_user):
    """Sessions from before the session version (the cookie held the id alone) end too."""
    user = make_user("staff")
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert client.get("/staff/").status_code == 302


def test_wrong_bearer_token_with_a_valid_session_cookie_is_refused(client, make_user, login):
    login(make_user("staff"))
    assert client.get("/api/v1/venues").status_code == 200  # the cookie alone works (the scanner page)
    response = client.get("/api/v1/venues", headers={"Authorization": "Bearer otr_not-a-real-token"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"
    response = client.get("/api/v1/venues", headers={"Authorization": "Bearer "})
    assert response.status_code == 401


def test_a_wrong_token_does_not_skip_csrf_or_ride_on_the_cookie_for_writes(client, make_user, login):
    login(make_user("staff"))
    response = client.post("/api/v1/venues", json={"name": "报告厅"},
                           headers={"Authorization": "Bearer otr_not-a-real-token"})
    assert response.status_code == 401
    assert db.session.scalar(select(db.func.count(Venue.id))) == 0


def test_a_cookie_post_to_the_api_still_needs_the_csrf_token(client, make_user, login):
    login(make_user("staff"))
    response = client.post("/api/v1/venues", json={"name": "报告厅"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"
    token = csrf_token_from(client, "/staff/")
    response = client.post("/api/v1/venues", json={"name": "报告厅"}, headers={"X-CSRFToken": token})
    assert response.status_code == 201


def test_a_valid_token_needs_no_csrf_token(client, make_user, api_token):
    headers = api_token(make_user("staff"))
    response = client.post("/api/v1/venues", json={"name": "报告厅"}, headers=headers)
    assert response.status_code == 201


def test_a_valid_token_for_a_volunteer_beside_a_staff_cookie_is_judged_as_the_volunteer(
    client, make_user, login, api_token
):
    login(make_user("staff"))
    headers = api_token(make_user("volunteer"))
    assert client.get("/api/v1/venues", headers=headers).status_code == 403


# --- admins ------------------------------------------------------------------------------


def test_an_admin_signs_a_person_out_everywhere(app, client, make_user, login):
    staff = make_user("staff", name="李晓梅")
    app.test_client_class = IsolatedClient
    their_browser = app.test_client()
    token = csrf_token_from(their_browser)
    their_browser.post("/login", data={"email": staff.email, "password": PASSWORD, "csrf_token": token})
    assert their_browser.get("/staff/").status_code == 200

    login(make_user("admin"))
    token = csrf_token_from(client, f"/admin/accounts/{staff.id}")
    response = client.post(f"/admin/accounts/{staff.id}/sign-out?lang=en", data={"csrf_token": token})
    assert response.status_code == 303
    assert "李晓梅 is signed out on every device." in client.get(f"/admin/accounts/{staff.id}?lang=en").get_data(
        as_text=True
    )
    assert their_browser.get("/staff/").status_code == 302
    assert client.get("/staff/").status_code == 200  # the admin's own session goes on
    assert db.session.scalar(
        select(db.func.count(AuditEntry.id)).where(AuditEntry.action == "user.sessions_ended")
    ) == 1


def test_an_admin_lists_and_revokes_a_persons_tokens(client, make_user, login, api_token):
    staff = make_user("staff")
    first, second = api_token(staff), api_token(staff)
    login(make_user("admin"))
    html = client.get(f"/admin/accounts/{staff.id}?lang=en").get_data(as_text=True)
    prefixes = db.session.scalars(select(ApiToken.prefix).order_by(ApiToken.id)).all()
    assert all(prefix + "…" in html for prefix in prefixes)
    token_id = db.session.scalar(select(ApiToken.id).order_by(ApiToken.id))
    csrf = csrf_token_from(client, f"/admin/accounts/{staff.id}")
    response = client.post(f"/admin/accounts/{staff.id}/tokens/{token_id}/revoke?lang=en", data={"csrf_token": csrf})
    assert response.status_code == 303
    assert client.get("/api/v1/venues", headers=first).status_code == 401
    assert client.get("/api/v1/venues", headers=second).status_code == 200
    response = client.post(f"/admin/accounts/{staff.id}/tokens/revoke?lang=en", data={"csrf_token": csrf})
    assert response.status_code == 303
    assert "1 API token was revoked." in client.get(f"/admin/accounts/{staff.id}?lang=en").get_data(as_text=True)
    assert client.get("/api/v1/venues", headers=second).status_code == 401


def test_an_admin_cannot_revoke_another_accounts_token_through_this_one(client, make_user, login, api_token):
    staff, other = make_user("staff"), make_user("staff")
    headers = api_token(other)
    token_id = db.session.scalar(select(ApiToken.id))
    login(make_user("admin"))
    csrf = csrf_token_from(client, f"/admin/accounts/{staff.id}")
    client.post(f"/admin/accounts/{staff.id}/tokens/{token_id}/revoke", data={"csrf_token": csrf})
    assert client.get("/api/v1/venues", headers=headers).status_code == 200


def test_account_pages_are_for_admins_only(client, make_user, login):
    target = make_user("staff")
    paths = ["/admin/accounts", "/admin/accounts/new", f"/admin/accounts/{target.id}"]
    posts = [f"/admin/accounts/{target.id}/sign-out", f"/admin/accounts/{target.id}/tokens/revoke",
             f"/admin/accounts/{target.id}/reset", f"/admin/accounts/{target.id}/tokens/1/revoke"]
    for path in paths:
        assert client.get(path).status_code == 302  # anonymous: to the log-in page
    for role in ("staff", "volunteer"):
        login(make_user(role))
        csrf = csrf_token_from(client, "/account/password")
        for path in paths:
            assert client.get(path).status_code == 403, (role, path)
        for path in posts:
            assert client.post(path, data={"csrf_token": csrf}).status_code == 403, (role, path)
        client.post("/logout", data={"csrf_token": csrf})
    assert db.session.scalar(select(User.session_version).where(User.id == target.id)) == 1


def test_admin_posts_need_the_csrf_token(client, make_user, login):
    target = make_user("staff")
    login(make_user("admin"))
    assert client.post(f"/admin/accounts/{target.id}/sign-out", data={}).status_code == 400
    assert db.session.scalar(select(User.session_version).where(User.id == target.id)) == 1


def test_cli_lists_and_revokes_tokens_and_signs_out(app, runner, client, make_user, api_token):
    staff = make_user("staff", email="clerk@example.org")
    headers = api_token(staff)
    result = runner.invoke(args=["users", "tokens", "clerk@example.org"])
    assert result.exit_code == 0 and "active" in result.output
    result = runner.invoke(args=["users", "revoke-tokens", "clerk@example.org"])
    assert result.exit_code == 0, result.output
    assert "Revoked 1 API token(s) of clerk@example.org." in result.output
    assert client.get("/api/v1/venues", headers=headers).status_code == 401
    assert "revoked" in runner.invoke(args=["users", "tokens", "clerk@example.org"]).output
    result = runner.invoke(args=["users", "sign-out", "clerk@example.org"])
    assert result.exit_code == 0
    db.session.expire_all()
    assert db.session.get(User, staff.id).session_version == 2

