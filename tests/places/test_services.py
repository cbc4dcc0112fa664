"""The rules of branches, venues, series and partners."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from outreach.errors import OutreachError, ValidationError
from outreach.events.models import EventPartner
from outreach.places.models import Branch, Partner, Series, Venue
from outreach.events.services import change_status
from outreach.extensions import db
from outreach.places import services
from outreach.platform.models import AuditEntry
from outreach.timezone import localize
from tests.helpers import in_days


@pytest.fixture(autouse=True)
def english(app):
    """Messages in English here; the pages check both languages."""
    with force_locale("en"):
        yield


def audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- branches ----------------------------------------------------------------------------------


def test_create_branch_trims_and_audits(app, make_user):
    admin = make_user("admin")
    branch = services.create_branch(
        name="  浦口村农家书屋 ", name_en=" ", kind="village", address=" 浦口镇浦口村 ", actor=admin
    )
    db.session.commit()
    assert (branch.name, branch.name_en, branch.kind, branch.address, branch.active) == (
        "浦口村农家书屋", None, "village", "浦口镇浦口村", True,
    )
    [entry] = audit("branch.create")
    assert (entry.object_type, entry.object_id, entry.actor_id) == ("Branch", branch.id, admin.id)


def test_a_branch_name_is_unique_and_the_transaction_survives(app, xinghai):
    with pytest.raises(OutreachError) as caught:
        services.create_branch(name="星海明筑分馆", kind="branch")
    assert caught.value.code == "branch_exists" and caught.value.status == 409
    assert str(caught.value.fields["name"]) == "Already in use."
    # The savepoint kept the rest of the transaction: another branch still saves.
    services.create_branch(name="东富分馆", kind="branch")
    db.session.commit()
    assert sorted(db.session.scalars(select(Branch.name))) == ["东富分馆", "星海明筑分馆"]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": "  "}, "name", "Give a name of 1 to 120 characters."),
        ({"name": "分" * 121}, "name", "Give a name of 1 to 120 characters."),
        ({"name_en": "B" * 121}, "name_en", "Give a name of 1 to 120 characters."),
        ({"kind": "castle"}, "kind", "Choose one of: central, branch, village, mobile, partner."),
        ({"address": "路" * 256}, "address", "Keep it to 255 characters."),
    ],
)
def test_bad_branch_values_are_refused_by_field(app, values, field, message):
    with pytest.raises(ValidationError) as caught:
        services.create_branch(**{"name": "新分馆", "kind": "branch", **values})
    assert {key: str(value) for key, value in caught.value.fields.items()} == {field: message}
    assert count(Branch) == 0


def test_update_branch_records_the_changed_fields(app, xinghai, central):
    services.update_branch(xinghai, name="星海明筑分馆", name_en="Xinghai Branch", kind="partner", address="滨河路")
    db.session.commit()
    db.session.refresh(xinghai)
    assert (xinghai.name_en, xinghai.kind, xinghai.address) == ("Xinghai Branch", "partner", "滨河路")
    assert audit("branch.update")[0].data == {"fields": ["address", "kind", "name_en"]}

    with pytest.raises(OutreachError) as caught:
        services.update_branch(xinghai, name=central.name, kind="branch")
    assert caught.value.code == "branch_exists"
    db.session.rollback()
    assert db.session.get(Branch, xinghai.id).name == "星海明筑分馆"


def test_a_branch_with_venues_in_service_is_not_archived(app, central, make_venue):
    first, second = make_venue(branch=central), make_venue(branch=central)
    with pytest.raises(OutreachError) as caught:
        services.archive_branch(central)
    assert caught.value.code == "branch_in_use"
    assert str(caught.value.message) == (
        "This branch has 2 venues in service. Archive them or move them to another branch first."
    )
    services.archive_venue(first)
    with pytest.raises(OutreachError) as caught:
        services.archive_branch(central)
    assert str(caught.value.message) == (
        "This branch has 1 venue in service. Archive it or move it to another branch first."
    )
    services.archive_venue(second)
    services.archive_branch(central)
    db.session.commit()
    assert central.active is False
    assert [e.object_id for e in audit("branch.archive")] == [central.id]
    # Archiving twice changes nothing and is not audited twice.
    services.archive_branch(central)
    assert len(audit("branch.archive")) == 1
    services.reactivate_branch(central)
    db.session.commit()
    assert central.active is True and len(audit("branch.reactivate")) == 1
    # Its venues stay archived until they are reactivated one by one.
    assert (first.active, second.active) == (False, False)


# --- venues -------------------------------------------------------------------------------------


def test_add_venue_goes_through_create_venue_and_keeps_the_address(app, xinghai):
    venue = services.add_venue(name="户外广场", name_en="Square", branch=xinghai, kind="outdoor", address="北门外", capacity=500)
    db.session.commit()
    assert (venue.name, venue.kind, venue.address, venue.capacity, venue.branch_id) == (
        "户外广场", "outdoor", "北门外", 500, xinghai.id,
    )
    assert [e.object_id for e in audit("venue.create")] == [venue.id]

    with pytest.raises(OutreachError) as caught:
        services.add_venue(name="户外广场", branch=xinghai)
    assert caught.value.code == "venue_exists" and str(caught.value.fields["name"]) == "Already in use."
    # Another branch may use the same name.
    services.add_venue(name="户外广场", branch=services.create_branch(name="东富分馆"))
    db.session.commit()
    assert count(Venue) == 2


def test_add_venue_refuses_an_unknown_kind_and_an_archived_branch(app, xinghai):
    with pytest.raises(ValidationError) as caught:
        services.add_venue(name="屋顶", branch=xinghai, kind="roof", capacity=-1)
    assert set(caught.value.fields) == {"kind", "capacity"}
    services.archive_branch(xinghai)
    with pytest.raises(ValidationError) as caught:
        services.add_venue(name="新活动室", branch=xinghai)
    assert str(caught.value.fields["branch_id"]) == "This branch is archived: choose a branch in service."
    assert count(Venue) == 0


def test_update_venue_moves_it_and_checks_the_name_in_its_new_branch(app, hall, forum_room, central, xinghai):
    services.update_venue(
        forum_room, name="讲坛活动室", name_en="Forum room", branch=central, kind="room", capacity=80
    )
    db.session.commit()
    assert (forum_room.branch_id, forum_room.capacity, forum_room.branch.name) == (central.id, 80, central.name)
    assert audit("venue.update")[0].data == {"fields": ["branch_id", "capacity"]}

    with pytest.raises(OutreachError) as caught:
        services.update_venue(forum_room, name="报告厅", branch=central, kind="room")
    assert caught.value.code == "venue_exists" and str(caught.value.fields["name"]) == "Already in use."
    db.session.rollback()
    assert db.session.get(Venue, forum_room.id).name == "讲坛活动室"


def test_a_venue_of_an_archived_branch_may_be_edited_but_not_moved_there(app, central, xinghai, make_venue):
    old = make_venue(branch=xinghai, name="旧阅览室")
    services.archive_venue(old)
    services.archive_branch(xinghai)
    services.update_venue(old, name="旧阅览室（停用）", branch=xinghai, kind="room")
    db.session.commit()
    assert old.name == "旧阅览室（停用）"
    other = make_venue(branch=central)
    with pytest.raises(ValidationError) as caught:
        services.update_venue(other, name=other.name, branch=xinghai, kind="room")
    assert set(caught.value.fields) == {"branch_id"}


def test_a_venue_with_upcoming_events_is_not_archived(app, forum_room, make_event):
    make_event(venue=forum_room, starts_at=in_days(3))
    make_event(venue=forum_room, starts_at=in_days(10), status="draft")
    cancelled = make_event(venue=forum_room, starts_at=in_days(5))
    change_status(cancelled, "cancelled")
    make_event(venue=forum_room, starts_at=in_days(-30))
    with pytest.raises(OutreachError) as caught:
        services.archive_venue(forum_room)
    assert caught.value.code == "venue_in_use" and caught.value.status == 409
    assert str(caught.value.message) == (
        "This venue has 2 upcoming events. Move them to other venues or cancel them first."
    )
    assert forum_room.active is True


def test_an_archived_venue_keeps_its_past_events(app, forum_room, make_event):
    past = make_event(venue=forum_room, starts_at=in_days(-30))
    services.archive_venue(forum_room)
    db.session.commit()
    assert forum_room.active is False and past.venue_id == forum_room.id
    assert [e.object_id for e in audit("venue.archive")] == [forum_room.id]


def test_a_venue_is_reactivated_only_in_a_branch_in_service(app, forum_room, xinghai):
    services.archive_venue(forum_room)
    services.archive_branch(xinghai)
    with pytest.raises(OutreachError) as caught:
        services.reactivate_venue(forum_room)
    assert caught.value.code == "branch_archived"
    services.reactivate_branch(xinghai)
    services.reactivate_venue(forum_room)
    assert forum_room.active is True and len(audit("venue.reactivate")) == 1


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """Library time in March 2030."""
    return localize(datetime(2030, 3, day, hour, minute))


def test_venue_bookings_count_set_up_and_tear_down(app, forum_room, hall, make_event):
    late = make_event(title="前夜", venue=forum_room, starts_at=at(1, 21), ends_at=at(1, 23, 30), teardown_minutes=60)
    make_event(title="太早", venue=forum_room, starts_at=at(1, 9), ends_at=at(1, 11))
    cancelled = make_event(title="取消", venue=forum_room, starts_at=at(5, 9), ends_at=at(5, 11))
    change_status(cancelled, "cancelled")
    draft = make_event(title="草案", venue=forum_room, starts_at=at(4, 14), ends_at=at(4, 16), status="draft")
    make_event(title="别处", venue=hall, starts_at=at(4, 14), ends_at=at(4, 16))
    setup = make_event(title="次日一早", venue=forum_room, starts_at=at(9, 0, 30), ends_at=at(9, 2), setup_minutes=60)
    make_event(title="次日", venue=forum_room, starts_at=at(9, 10), ends_at=at(9, 12))
    db.session.commit()
    found = services.venue_bookings(forum_room, date(2030, 3, 2), date(2030, 3, 8))
    assert [e.id for e in found] == [late.id, draft.id, setup.id]


# --- series -------------------------------------------------------------------------------------


def test_series_are_created_unique_and_updated(app, xinghai, make_user):
    staff = make_user("staff")
    series = services.create_series(
        name="星海讲坛", name_en="Xinghai Forum", description=" 每月一期 ", branch=xinghai, actor=staff
    )
    db.session.commit()
    assert (series.name, series.description, series.description_en, series.branch_id) == (
        "星海讲坛", "每月一期", None, xinghai.id,
    )
    assert audit("series.create")[0].actor_id == staff.id
    with pytest.raises(OutreachError) as caught:
        services.create_series(name="星海讲坛")
    assert caught.value.code == "series_exists" and set(caught.value.fields) == {"name"}
    db.session.rollback()

    services.update_series(series, name="星海讲坛", name_en="Xinghai Lectures", description_en="Monthly", branch=None)
    db.session.commit()
    assert (series.name_en, series.description_en, series.branch_id, series.branch) == (
        "Xinghai Lectures", "Monthly", None, None,
    )
    assert audit("series.update")[0].data == {"fields": ["branch_id", "description", "description_en", "name_en"]}


def test_a_new_series_is_not_held_at_an_archived_branch(app, xinghai):
    services.archive_branch(xinghai)
    with pytest.raises(ValidationError) as caught:
        services.create_series(name="星海讲坛", branch=xinghai)
    assert set(caught.value.fields) == {"branch_id"}
    with pytest.raises(ValidationError) as caught:
        services.create_series(name="讲坛", description="字" * 5001)
    assert str(caught.value.fields["description"]) == "Keep it to 5000 characters."
    assert count(Series) == 0


def test_chosen_branch_finds_a_branch_by_id_or_names_the_field(app, xinghai):
    assert services.chosen_branch(xinghai.id) is xinghai
    assert services.chosen_branch(None) is None
    with pytest.raises(ValidationError) as caught:
        services.chosen_branch(xinghai.id + 100)
    assert str(caught.value.fields["branch_id"]) == "There is no such branch."


def test_series_sessions_in_number_order(app, forum_room, make_event):
    series = services.create_series(name="星海讲坛")
    db.session.commit()
    fifteenth = make_event(series=series, session_number=15, venue=forum_room, starts_at=in_days(20), status="draft")
    second = make_event(series=series, session_number=2, venue=forum_room, starts_at=in_days(-300))
    fourteenth = make_event(series=series, session_number=14, venue=forum_room, starts_at=in_days(-10))
    unnumbered = make_event(series=series, venue=forum_room, starts_at=in_days(-400))
    make_event(venue=forum_room, starts_at=in_days(30))
    assert [e.id for e in services.series_sessions(series, include_drafts=True)] == [
        second.id, fourteenth.id, fifteenth.id, unnumbered.id,
    ]
    assert [e.id for e in services.series_sessions(series, include_drafts=False)] == [
        second.id, fourteenth.id, unnumbered.id,
    ]
    assert services.series_overview() == [(series, 4)]


# --- partners -----------------------------------------------------------------------------------


def test_partners_are_created_unique_renamed_and_counted(app, make_event):
    school = services.create_partner(name="醴陵市第一中学", name_en="Liling No. 1 Middle School")
    sponsor = services.create_partner(name="台北城")
    db.session.commit()
    with pytest.raises(OutreachError) as caught:
        services.create_partner(name=" 台北城 ")
    assert caught.value.code == "partner_exists" and str(caught.value.fields["name"]) == "Already in use."
    db.session.rollback()
    with pytest.raises(ValidationError):
        services.update_partner(school, name="")
    db.session.rollback()

    services.update_partner(sponsor, name="台北城", name_en="Taipei City")
    for event in (make_event(), make_event()):
        db.session.add(EventPartner(event_id=event.id, partner_id=sponsor.id, role="naming_sponsor"))
    db.session.commit()
    assert sponsor.name_en == "Taipei City" and audit("partner.update")[0].data == {"fields": ["name_en"]}
    assert {p.name: n for p, n in services.partner_overview()} == {"台北城": 2, "醴陵市第一中学": 0}
    assert count(Partner) == 2
