import pytest
from sqlalchemy import select

from outreach.accounts import services
from outreach.accounts.models import ApiToken, User
from outreach.errors import ValidationError
from outreach.extensions import db
from outreach.volunteers.models import VolunteerProfile


def test_create_user_hashes_the_password_and_lowercases_email(app):
    user = services.create_user("Staff@Example.org", role="staff", password="long enough pw")
    db.session.commit()
    assert user.email == "staff@example.org"
    assert user.password_hash != "long enough pw"
    assert services.authenticate("STAFF@example.org", "long enough pw") == user
    assert services.authenticate("staff@example.org", "wrong password") is None


def test_a_volunteer_made_by_create_user_is_active(app):
    user = services.create_user("v@example.org", role="volunteer", password="long enough pw")
    db.session.commit()
    profile = db.session.scalar(select(VolunteerProfile).where(VolunteerProfile.user_id == user.id))
    assert profile.status == "active"
    assert profile.reviewed_at is not None


def test_duplicate_email_is_refused_without_half_saving(app):
    services.create_user("a@example.org", role="staff", password="long enough pw")
    db.session.commit()
    with pytest.raises(services.AccountError) as caught:
        services.create_user("A@example.org", role="volunteer", password="long enough pw")
    assert caught.value.code == "email_taken"
    db.session.rollback()
    assert db.session.scalar(select(db.func.count(User.id))) == 1
    assert db.session.scalar(select(db.func.count(VolunteerProfile.id))) == 0


@pytest.mark.parametrize(
    ("email", "role", "password", "field"),
    [
        ("a@example.org", "patron", "long enough pw", "role"),
        ("a@example.org", "staff", "short", "password"),
        ("not-an-email", "staff", "long enough pw", "email"),
    ],
)
def test_create_user_validates(app, email, role, password, field):
    with pytest.raises(ValidationError) as caught:
        services.create_user(email, role=role, password=password)
    assert set(caught.value.fields) == {field}


def test_tokens_are_stored_hashed_and_can_be_revoked(app, make_user):
    user = make_user("staff")
    token = services.issue_token(user)
    db.session.commit()
    stored = db.session.scalar(select(ApiToken))
    assert token.startswith("otr_") and len(token) > 40
    assert stored.digest != token and token not in stored.digest
    assert services.user_for_token(token) == user
    assert services.user_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    services.revoke_token(stored, actor=user)
    db.session.commit()
    assert services.user_for_token(token) is None


def test_token_of_a_disabled_account_stops_working(app, make_user):
    user = make_user("staff")
    token = services.issue_token(user)
    user.is_active_account = False
    db.session.commit()
    assert services.user_for_token(token) is None
