"""Behind nginx (docs/deploy.md): ``OUTREACH_PROXY_FIX=N`` trusts the X-Forwarded-* headers of
the N proxies in front, so that rate limits count each client's own address and links say
https and the public host; left at 0, those headers are a client's own and change nothing.
``OUTREACH_INSTANCE_PATH`` puts the instance folder outside the code."""

from __future__ import annotations

from pathlib import Path

from outreach import create_app
from tests.helpers import IsolatedClient

BOGUS = "/api/v1/tickets/not-a-ticket"  # public, rate-limited (public write), touches no row


def client_of(make_app, **settings):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC_WRITE="2 per hour", SERVER_NAME=None, **settings)
    app.test_client_class = IsolatedClient
    return app.test_client()


def statuses(client, forwarded_for: list[str], **headers) -> list[int]:
    return [client.get(BOGUS, headers={"X-Forwarded-For": address, **headers}).status_code for address in forwarded_for]


def test_without_proxy_fix_a_forwarded_address_is_ignored(app, make_app):
    """A client cannot dodge a limit by naming another address (nothing trusted by default)."""
    client = client_of(make_app)
    assert statuses(client, ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) == [404, 404, 429]


def test_behind_one_proxy_each_client_address_has_its_own_limit(app, make_app):
    client = client_of(make_app, PROXY_FIX=1)
    assert statuses(client, ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) == [404, 404, 404]
    assert statuses(client, ["198.51.100.4"] * 3) == [404, 404, 429]


def test_only_the_address_the_proxy_saw_counts(app, make_app):
    """nginx appends the address it saw ($proxy_add_x_forwarded_for): what a client wrote in
    front of it is not believed."""
    client = client_of(make_app, PROXY_FIX=1)
    assert statuses(client, ["10.0.0.1, 198.51.100.9", "10.0.0.2, 198.51.100.9", "10.0.0.3, 198.51.100.9"]) == [404, 404, 429]


def test_links_say_https_and_the_public_host(app, make_app, make_event):
    event = make_event(capacity=10)
    client = client_of(make_app, PROXY_FIX=1)
    response = client.post(
        f"/api/v1/events/{event.id}/registrations",
        json={"name": "林小明", "phone": "13800138000", "party_size": 1},
        headers={"X-Forwarded-For": "198.51.100.1", "X-Forwarded-Proto": "https",
                 "X-Forwarded-Host": "outreach.library.example", "Host": "127.0.0.1:8001"},
    )
    assert response.status_code == 201
    assert response.get_json()["ticket"]["url"].startswith("https://outreach.library.example/t/")


def test_force_https_redirects_only_what_came_over_http(app, make_app):
    client = client_of(make_app, PROXY_FIX=1, FORCE_HTTPS=True)
    plain = client.get("/healthz", headers={"X-Forwarded-Proto": "http", "X-Forwarded-Host": "outreach.library.example"})
    assert (plain.status_code, plain.headers["Location"]) == (302, "https://outreach.library.example/healthz")
    secure = client.get("/healthz", headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "outreach.library.example"})
    assert secure.status_code == 200
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_the_instance_folder_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("OUTREACH_INSTANCE_PATH", str(tmp_path / "var" / "outreach"))
    monkeypatch.setenv("OUTREACH_SECRET_KEY", "x")
    monkeypatch.delenv("OUTREACH_DATABASE_URL", raising=False)
    app = create_app()
    assert Path(app.instance_path) == tmp_path / "var" / "outreach"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'var' / 'outreach' / 'outreach.db'}"
    assert app.config["JOBS_STORAGE"] == f"sqlite:///{tmp_path / 'var' / 'outreach' / 'jobs.sqlite3'}"
