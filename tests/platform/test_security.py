import pytest

from tests.helpers import PASSWORD, IsolatedClient, csrf_token_from


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=(self)" in response.headers["Permissions-Policy"]


def test_session_cookie_is_http_only_and_same_site(client):
    client.get("/?lang=en")
    cookie = client.get_cookie("session", domain="outreach.test")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_form_posted_without_csrf_token_gets_400_translated(client, make_user):
    user = make_user("staff")
    response = client.post("/login?lang=en", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    response = client.post("/login?lang=zh_Hans", data={"email": user.email, "password": PASSWORD, "csrf_token": "x"})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)


@pytest.fixture
def limited_client(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute")
    app.test_client_class = IsolatedClient
    return app.test_client()


def test_login_is_rate_limited_per_address(app, limited_client, make_user):
    user = make_user("staff")
    token = csrf_token_from(limited_client)
    statuses = [
        limited_client.post("/login?lang=en", data={"email": user.email, "password": "wrong-one", "csrf_token": token}).status_code
        for _ in range(4)
    ]
    assert statuses == [422, 422, 422, 429]
    response = limited_client.post("/login?lang=en", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 429
    assert "Too many requests" in response.get_data(as_text=True)
    # Another address is not affected.
    response = limited_client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert response.status_code == 302


def test_rate_limits_off_when_disabled(app, client, make_user):
    user = make_user("staff")
    token = csrf_token_from(client)
    statuses = {
        client.post("/login", data={"email": user.email, "password": "wrong-one", "csrf_token": token}).status_code
        for _ in range(15)
    }
    assert statuses == {422}


def test_errors_are_negotiated(client):
    html = client.get("/events/999999", headers={"Accept": "text/html"})
    assert html.status_code == 404
    assert html.mimetype == "text/html"
    data = client.get("/events/999999?lang=en", headers={"Accept": "application/json"})
    assert data.status_code == 404
    assert data.get_json() == {
        "error": {"code": "not_found", "message": "The page or record you asked for does not exist."}
    }


def test_server_error_is_a_friendly_500_and_rolls_back(make_app):
    app = make_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaput")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom?lang=en")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
