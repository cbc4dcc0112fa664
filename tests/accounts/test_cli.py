from sqlalchemy import select

from outreach.accounts.models import User
from outreach.extensions import db
from outreach.volunteers.models import VolunteerProfile


def test_users_create_and_token(app, runner, client):
    result = runner.invoke(args=["users", "create", "boss@example.org", "--role", "admin", "--password", "quiet lantern harbour"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.role).where(User.email == "boss@example.org")) == "admin"

    result = runner.invoke(args=["users", "token", "boss@example.org"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    response = client.get("/api/v1/venues", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json() == {"venues": []}


def test_users_create_volunteer_is_active(app, runner):
    result = runner.invoke(args=["users", "create", "v@example.org", "--role", "volunteer", "--password", "quiet lantern harbour"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(VolunteerProfile.status)) == "active"


def test_users_create_refuses_a_taken_email_and_a_bad_role(app, runner):
    runner.invoke(args=["users", "create", "a@example.org", "--role", "staff", "--password", "quiet lantern harbour"])
    result = runner.invoke(args=["users", "create", "a@example.org", "--role", "staff", "--password", "quiet lantern harbour"])
    assert result.exit_code != 0
    assert "already exists" in result.output
    result = runner.invoke(args=["users", "create", "b@example.org", "--role", "patron", "--password", "quiet lantern harbour"])
    assert result.exit_code != 0
    assert db.session.scalar(select(db.func.count(User.id))) == 1


def test_users_token_for_unknown_email_fails(app, runner):
    result = runner.invoke(args=["users", "token", "ghost@example.org"])
    assert result.exit_code != 0
    assert "No account" in result.output
