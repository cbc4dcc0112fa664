"""The rules of places and programmes: branches, venues, series and partners.

Creating a venue is ``events.services.create_venue``'s; everything else about these rows is
here. Names are unique where the schema says so, and the database settles it: a duplicate is
caught in a savepoint and answered beside the name field. Archiving keeps a row's history
(past events still point at it) but takes it out of planning, and is refused while the row is
still needed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import Select, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from outreach import clock
from outreach.accounts import branches
from outreach.database import locked
from outreach.errors import OutreachError, ValidationError
from outreach.events import services as events
from outreach.events import booking
from outreach.events.models import Event, EventPartner
from outreach.places.models import BRANCH_KINDS, VENUE_KINDS, Branch, Partner, Series, Venue
from outreach.extensions import db
from outreach.paging import BadCursor, Window, decode_cursor, encode_cursor, window_of
from outreach.platform.services import record

NAME_MAX = events.NAME_MAX
ADDRESS_MAX = 255
DESCRIPTION_MAX = 5000


class PlacesError(OutreachError):
    status = 409


# --- shared checks ---------------------------------------------------------------------------


def _text(value: str | None) -> str | None:
    """Trimmed text, or None for nothing at all."""
    if value is None:
        return None
    return value.strip() or None


def _check_names(name: str | None, name_en: str | None, errors: dict) -> None:
    if not name or len(name) > NAME_MAX:
        errors["name"] = _l("Give a name of 1 to %(n)d characters.", n=NAME_MAX)
    if name_en is not None and len(name_en) > NAME_MAX:
        errors["name_en"] = _l("Give a name of 1 to %(n)d characters.", n=NAME_MAX)


def _check_length(value: str | None, limit: int, field: str, errors: dict) -> None:
    if value is not None and len(value) > limit:
        errors[field] = _l("Keep it to %(n)d characters.", n=limit)


def _check_choice(value: str, choices: tuple[str, ...], field: str, errors: dict) -> None:
    if value not in choices:
        errors[field] = _l("Choose one of: %(choices)s.", choices=", ".join(choices))


def _check_branch_open(branch: Branch | None, errors: dict, field: str = "branch_id") -> None:
    """New plans go to branches in service; an archived branch only keeps its history. The
    branch's row is locked (PostgreSQL) as ``archive_branch`` locks it, so that a venue is
    not added to a branch while it is being archived."""
    if branch is not None and not locked(db.session, Branch, branch.id).active:
        errors[field] = _l("This branch is archived: choose a branch in service.")


def chosen_branch(branch_id: int | None) -> Branch | None:
    """The branch a form or request names by id (None for none). Raises ``ValidationError`` on
    ``branch_id`` when there is no such branch."""
    if branch_id is None:
        return None
    branch = events.find_branch(branch_id)
    if branch is None:
        raise ValidationError({"branch_id": _l("There is no such branch.")})
    return branch


def _save_unique(obj, change: Callable[[], None], taken: Callable[[], PlacesError]) -> None:
    """Apply ``change`` and flush in a savepoint, so that a name the UNIQUE constraint
    refuses comes back as ``taken()`` and the rest of the transaction stays usable."""
    try:
        with db.session.begin_nested():
            change()
            db.session.add(obj)
            db.session.flush()
    except IntegrityError:
        raise taken() from None


def _name_taken(code: str, message) -> Callable[[], PlacesError]:
    return lambda: PlacesError(code, message, fields={"name": _l("Already in use.")})


def _changed(obj, values: dict) -> list[str]:
    return sorted(name for name, value in values.items() if getattr(obj, name) != value)


def _assign(obj, values: dict) -> Callable[[], None]:
    def change() -> None:
        for name, value in values.items():
            setattr(obj, name, value)

    return change


# --- branches ----------------------------------------------------------------------------------

_branch_taken = _name_taken("branch_exists", _l("There is already a branch with that name."))


def _branch_values(name: str, name_en: str | None, kind: str, address: str | None) -> dict:
    values = {"name": _text(name), "name_en": _text(name_en), "kind": kind, "address": _text(address)}
    errors: dict = {}
    _check_names(values["name"], values["name_en"], errors)
    _check_choice(kind, BRANCH_KINDS, "kind", errors)
    _check_length(values["address"], ADDRESS_MAX, "address", errors)
    if errors:
        raise ValidationError(errors)
    return values


def create_branch(
    *, name: str, kind: str = "branch", name_en: str | None = None, address: str | None = None, actor=None
) -> Branch:
    """Add a branch (the central library, a branch, a village reading room, the book bus, a
    partner's site). Raises ``ValidationError`` for a blank or long name, an unknown kind or a
    long address, ``PlacesError("branch_exists")`` for a name another branch has."""
    branch = Branch(active=True)
    _save_unique(branch, _assign(branch, _branch_values(name, name_en, kind, address)), _branch_taken)
    record("branch.create", branch, actor=actor)
    return branch


def update_branch(
    branch: Branch, *, name: str, kind: str, name_en: str | None = None, address: str | None = None, actor=None
) -> Branch:
    """Change a branch's names, kind and address; the same checks and errors as ``create_branch``."""
    values = _branch_values(name, name_en, kind, address)
    changed = _changed(branch, values)
    _save_unique(branch, _assign(branch, values), _branch_taken)
    record("branch.update", branch, actor=actor, data={"fields": changed})
    return branch


def archive_branch(branch: Branch, *, actor=None) -> Branch:
    """Take a branch out of planning; its events and venues stay. Refused with
    ``PlacesError("branch_in_use")`` while it has venues in service: archive or move them
    first, so that no one books a room of a closed branch."""
    locked(db.session, Branch, branch.id)
    in_use = db.session.scalar(
        select(func.count(Venue.id)).where(Venue.branch_id == branch.id, Venue.active.is_(True))
    )
    if in_use:
        raise PlacesError(
            "branch_in_use",
            ngettext(
                "This branch has %(num)d venue in service. Archive it or move it to another branch first.",
                "This branch has %(num)d venues in service. Archive them or move them to another branch first.",
                in_use,
            ),
        )
    return _set_active(branch, False, "branch.archive", actor)


def reactivate_branch(branch: Branch, *, actor=None) -> Branch:
    """Put an archived branch back in service (its venues stay archived until reactivated)."""
    return _set_active(branch, True, "branch.reactivate", actor)


def _set_active(obj: Branch | Venue, active: bool, action: str, actor) -> Branch | Venue:
    """Archiving or reactivating twice is no error: the row simply stays as asked."""
    if obj.active != active:
        obj.active = active
        db.session.flush()
        record(action, obj, actor=actor)
    return obj


def branch_overview() -> list[tuple[Branch, int]]:
    """Every branch, central library first, with how many of its venues are in service."""
    counts = dict(
        db.session.execute(
            select(Venue.branch_id, func.count(Venue.id)).where(Venue.active.is_(True)).group_by(Venue.branch_id)
        ).all()
    )
    return [(branch, counts.get(branch.id, 0)) for branch in _branches_in_order()]


def _branches_in_order() -> list[Branch]:
    rank = {kind: n for n, kind in enumerate(BRANCH_KINDS)}
    return sorted(events.list_branches(), key=lambda b: (not b.active, rank.get(b.kind, 99), b.name))


def active_branches() -> list[Branch]:
    """The branches offered when planning, each with its venues in service."""
    return list(
        db.session.scalars(
            select(Branch)
            .where(Branch.active.is_(True))
            .options(selectinload(Branch.venues))
            .order_by(Branch.id)
        )
    )


# --- venues -------------------------------------------------------------------------------------


def _venue_values(
    *, name: str, name_en: str | None, kind: str, address: str | None, capacity: int | None, branch: Branch | None,
    was_branch_id: int | None = None,
) -> dict:
    values = {
        "name": _text(name), "name_en": _text(name_en), "kind": kind, "address": _text(address),
        "capacity": capacity, "branch_id": branch.id if branch is not None else None,
    }
    errors: dict = {}
    _check_names(values["name"], values["name_en"], errors)
    _check_choice(kind, VENUE_KINDS, "kind", errors)
    _check_length(values["address"], ADDRESS_MAX, "address", errors)
    if capacity is not None and capacity < 0:
        errors["capacity"] = _l("Enter a whole number of 0 or more, or leave it empty for no limit.")
    if values["branch_id"] != was_branch_id:
        _check_branch_open(branch, errors)
    if errors:
        raise ValidationError(errors)
    return values


def add_venue(
    *, name: str, branch: Branch | None = None, kind: str = "room", name_en: str | None = None,
    address: str | None = None, capacity: int | None = None, actor=None,
) -> Venue:
    """Add a venue through ``events.services.create_venue``, first checking what that does not:
    the kind, the address and that the branch is in service. Raises ``ValidationError`` or
    ``EventError("venue_exists")``."""
    values = _venue_values(name=name, name_en=name_en, kind=kind, address=address, capacity=capacity, branch=branch)
    venue = events.create_venue(
        name=values["name"], name_en=values["name_en"], branch=branch, capacity=capacity, kind=kind, actor=actor
    )
    if values["address"] is not None:
        venue.address = values["address"]
        db.session.flush()
    return venue


def update_venue(
    venue: Venue, *, name: str, branch: Branch | None, kind: str, name_en: str | None = None,
    address: str | None = None, capacity: int | None = None, actor=None,
) -> Venue:
    """Change a venue's details or move it to another branch (one in service). Its events keep
    their times: a smaller capacity or an online kind does not touch them. Raises
    ``ValidationError`` or ``PlacesError("venue_exists")`` for a name its branch already uses."""
    values = _venue_values(
        name=name, name_en=name_en, kind=kind, address=address, capacity=capacity, branch=branch,
        was_branch_id=venue.branch_id,
    )
    changed = _changed(venue, values)
    taken = _name_taken("venue_exists", _l("This branch already has a venue with that name."))
    _save_unique(venue, _assign(venue, values), taken)
    db.session.expire(venue, ["branch"])
    record("venue.update", venue, actor=actor, data={"fields": changed})
    return venue


def upcoming_events_count(venue: Venue) -> int:
    """Events at ``venue`` that are not over and not cancelled (drafts hold the room too)."""
    return db.session.scalar(
        select(func.count(Event.id)).where(
            Event.venue_id == venue.id, Event.status != "cancelled", Event.ends_at > clock.now()
        )
    )


def archive_venue(venue: Venue, *, actor=None) -> Venue:
    """Take a venue out of planning; its past events keep it. Refused with
    ``PlacesError("venue_in_use")`` while events there are still to come: move or cancel
    them first, so that none is left in a room no one may book.

    The venue's row is locked first (PostgreSQL): a booking being made there at this moment
    holds the same lock (``booking.clashes``), so it is counted or it waits."""
    locked(db.session, Venue, venue.id)
    upcoming = upcoming_events_count(venue)
    if upcoming:
        raise PlacesError(
            "venue_in_use",
            ngettext(
                "This venue has %(num)d upcoming event. Move it to another venue or cancel it first.",
                "This venue has %(num)d upcoming events. Move them to other venues or cancel them first.",
                upcoming,
            ),
        )
    return _set_active(venue, False, "venue.archive", actor)


def reactivate_venue(venue: Venue, *, actor=None) -> Venue:
    """Put an archived venue back in service; refused with ``PlacesError("branch_archived")``
    while its branch is archived."""
    if venue.branch is not None and not venue.branch.active:
        raise PlacesError(
            "branch_archived", _l("The branch of this venue is archived. Reactivate the branch first.")
        )
    return _set_active(venue, True, "venue.reactivate", actor)


def venues_in_order() -> Select:
    """Every venue under its branch, the branches in the order of ``branch_overview`` (in
    service first, then by kind and name), the venues in service first, then by name; venues
    of no branch (outside sites) last. One query, the branches joined in."""
    rank = case({kind: n for n, kind in enumerate(BRANCH_KINDS)}, value=Branch.kind, else_=99)
    return (
        select(Venue).outerjoin(Branch, Branch.id == Venue.branch_id).options(contains_eager(Venue.branch))
        .order_by(Venue.branch_id.is_(None), Branch.active.desc(), rank, Branch.name, Branch.id,
                  Venue.active.desc(), Venue.name, Venue.id)
    )


def venues_by_branch(venues: list[Venue] | None = None) -> list[tuple[Branch | None, list[Venue]]]:
    """``venues`` (by default every venue, in the order of ``venues_in_order``) grouped under
    their branches; venues of no branch (outside sites) last."""
    if venues is None:
        venues = list(db.session.scalars(venues_in_order()))
    groups: list[tuple[Branch | None, list[Venue]]] = []
    for venue in venues:
        if not groups or groups[-1][0] is not venue.branch:
            groups.append((venue.branch, []))
        groups[-1][1].append(venue)
    return groups


def venue_bookings(venue: Venue, start: date, end: date) -> list[Event]:
    """The events that take ``venue`` during the library days ``start`` to ``end`` (both
    included), set-up and tear-down counted, earliest first. Cancelled events hold no room."""
    return booking.taking(venue.id, events.day_start(start), events.day_start(end + timedelta(days=1)))


# --- series -------------------------------------------------------------------------------------

_series_taken = _name_taken("series_exists", _l("There is already a series with that name."))


def _series_values(
    name: str, name_en: str | None, description: str | None, description_en: str | None, branch: Branch | None,
    was_branch_id: int | None = None,
) -> dict:
    values = {
        "name": _text(name), "name_en": _text(name_en), "description": _text(description),
        "description_en": _text(description_en), "branch_id": branch.id if branch is not None else None,
    }
    errors: dict = {}
    _check_names(values["name"], values["name_en"], errors)
    _check_length(values["description"], DESCRIPTION_MAX, "description", errors)
    _check_length(values["description_en"], DESCRIPTION_MAX, "description_en", errors)
    if values["branch_id"] != was_branch_id:
        _check_branch_open(branch, errors)
    if errors:
        raise ValidationError(errors)
    return values


def create_series(
    *, name: str, name_en: str | None = None, description: str | None = None, description_en: str | None = None,
    branch: Branch | None = None, actor=None,
) -> Series:
    """Start a series of numbered sessions (星海讲坛), optionally held at one branch. Raises
    ``ValidationError`` or ``PlacesError("series_exists")`` for a name in use."""
    branches.guard(actor, branch.id if branch is not None else None, field="branch_id",
                   message=branches.OTHER_BRANCH_CHOICE)
    series = Series()
    values = _series_values(name, name_en, description, description_en, branch)
    _save_unique(series, _assign(series, values), _series_taken)
    record("series.create", series, actor=actor)
    return series


def update_series(
    series: Series, *, name: str, name_en: str | None = None, description: str | None = None,
    description_en: str | None = None, branch: Branch | None = None, actor=None,
) -> Series:
    """Change a series' names, descriptions or branch; the same checks as ``create_series``."""
    branches.guard(actor, series.branch_id)
    branches.guard(actor, branch.id if branch is not None else None, field="branch_id",
                   message=branches.OTHER_BRANCH_CHOICE)
    values = _series_values(name, name_en, description, description_en, branch, was_branch_id=series.branch_id)
    changed = _changed(series, values)
    _save_unique(series, _assign(series, values), _series_taken)
    db.session.expire(series, ["branch"])
    record("series.update", series, actor=actor, data={"fields": changed})
    return series


def series_in_order() -> Select:
    """Every series by name (then id, so that pages never repeat a row), with its branch."""
    return select(Series).options(selectinload(Series.branch)).order_by(Series.name, Series.id)


def with_session_counts(listed: list[Series]) -> list[tuple[Series, int]]:
    """Each of ``listed`` with how many sessions it has (cancelled ones too: they took a
    number), counted in one grouped query."""
    ids = [series.id for series in listed]
    counts = dict(
        db.session.execute(
            select(Event.series_id, func.count(Event.id)).where(Event.series_id.in_(ids)).group_by(Event.series_id)
        ).all()
    ) if ids else {}
    return [(series, counts.get(series.id, 0)) for series in listed]


def series_overview() -> list[tuple[Series, int]]:
    """Every series by name, with how many sessions it has."""
    return with_session_counts(list(db.session.scalars(series_in_order())))


def series_sessions_query(series: Series, *, include_drafts: bool) -> Select:
    """The sessions of a series in number order; any without a number follow, by date."""
    stmt = (
        select(Event)
        .where(Event.series_id == series.id)
        .options(selectinload(Event.venue).selectinload(Venue.branch))
        .order_by(Event.session_number.is_(None), Event.session_number, Event.starts_at, Event.id)
    )
    if not include_drafts:
        stmt = stmt.where(Event.status != "draft")
    return stmt


def series_sessions(series: Series, *, include_drafts: bool) -> list[Event]:
    """The sessions of a series in number order; any without a number follow, by date."""
    return list(db.session.scalars(series_sessions_query(series, include_drafts=include_drafts)))


#: A window of sessions reads the numbered ones by number, then those without a number by date.
_NUMBERED = (Event.session_number, Event.id)
_UNNUMBERED = (Event.starts_at, Event.id)


def series_sessions_window(series: Series, *, include_drafts: bool, cursor: str | None, limit: int) -> Window:
    """``limit`` sessions of a series after ``cursor``, in the order of ``series_sessions``:
    keyset windows over the numbered sessions (by number), then over those without a number (by
    date). A cursor of the first part has two whole numbers, one of the second a time and a
    number, so each says where it belongs; ``BadCursor`` for any other. One or two queries."""
    base = select(Event).where(Event.series_id == series.id).options(selectinload(Event.venue).selectinload(Venue.branch))
    if not include_drafts:
        base = base.where(Event.status != "draft")
    numbered = True
    if cursor:
        try:
            decode_cursor(cursor, _NUMBERED)
        except BadCursor:
            decode_cursor(cursor, _UNNUMBERED)  # a cursor of neither part raises BadCursor
            numbered = False
    items: list[Event] = []
    if numbered:
        found = window_of(base.where(Event.session_number.is_not(None)), _NUMBERED, cursor=cursor, limit=limit)
        if found.next_cursor is not None:
            return found
        items, cursor = found.items, None
    room = limit - len(items)
    rest = base.where(Event.session_number.is_(None))
    if room == 0:  # the numbered part filled the window: is there anything after it?
        more = db.session.scalar(select(rest.with_only_columns(Event.id).limit(1).exists()))
        return Window(items, encode_cursor([_BEFORE_ALL, 0]) if more else None)
    found = window_of(rest, _UNNUMBERED, cursor=cursor, limit=room)
    return Window(items + found.items, found.next_cursor)


#: A time before every session: the cursor of the unnumbered part from its start.
_BEFORE_ALL = datetime(1, 1, 2, tzinfo=timezone.utc)


# --- partners -----------------------------------------------------------------------------------

_partner_taken = _name_taken("partner_exists", _l("There is already a partner with that name."))


def _partner_values(name: str, name_en: str | None) -> dict:
    values = {"name": _text(name), "name_en": _text(name_en)}
    errors: dict = {}
    _check_names(values["name"], values["name_en"], errors)
    if errors:
        raise ValidationError(errors)
    return values


def create_partner(*, name: str, name_en: str | None = None, actor=None) -> Partner:
    """Add a co-organiser, sponsor or host. Raises ``ValidationError`` or
    ``PlacesError("partner_exists")`` for a name in use."""
    partner = Partner()
    _save_unique(partner, _assign(partner, _partner_values(name, name_en)), _partner_taken)
    record("partner.create", partner, actor=actor)
    return partner


def update_partner(partner: Partner, *, name: str, name_en: str | None = None, actor=None) -> Partner:
    """Rename a partner; the same checks as ``create_partner``."""
    values = _partner_values(name, name_en)
    changed = _changed(partner, values)
    _save_unique(partner, _assign(partner, values), _partner_taken)
    record("partner.update", partner, actor=actor, data={"fields": changed})
    return partner


def partners_in_order() -> Select:
    """Every partner by name (then id, so that pages never repeat a row)."""
    return select(Partner).order_by(Partner.name, Partner.id)


def with_event_counts(listed: list[Partner]) -> list[tuple[Partner, int]]:
    """Each of ``listed`` with how many events it took part in, counted in one grouped query."""
    ids = [partner.id for partner in listed]
    counts = dict(
        db.session.execute(
            select(EventPartner.partner_id, func.count(EventPartner.event_id))
            .where(EventPartner.partner_id.in_(ids)).group_by(EventPartner.partner_id)
        ).all()
    ) if ids else {}
    return [(partner, counts.get(partner.id, 0)) for partner in listed]


def partner_overview() -> list[tuple[Partner, int]]:
    """Every partner by name, with how many events it took part in."""
    return with_event_counts(list(db.session.scalars(partners_in_order())))
