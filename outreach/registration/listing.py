"""An event's registrations as staff look through them: searched, filtered by status, sorted by
a whitelisted key and paged in the database, so that a page of 50 costs the same few queries
for an event of 5 registrations or of 5,000. The page, the exports, the sign-in sheet and the
API read the same ``RegistrationFilter``."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import selectinload

from outreach.events.models import Event
from outreach.extensions import db
from outreach.phone import masked_phone, normalise_phone, phone_digest  # noqa: F401 - masked_phone: the sheets use it from here
from outreach.registration.models import REGISTRATION_STATUSES, Registration
from outreach.registration.services import duplicate_groups, load_groups, printed_number
from outreach.text import clean_text

#: Registrations per page of the staff list (and the API's default page).
PER_PAGE = 50
#: The API's largest page.
MAX_PER_PAGE = 200
#: A search longer than this is cut: no name or phone number is longer.
SEARCH_MAX = 100
#: Statuses in the order a sort by status shows them.
_STATUS_ORDER = case({status: n for n, status in enumerate(REGISTRATION_STATUSES)}, value=Registration.status)
#: The sort keys a request may ask for (a leading "-" reverses one); anything else is the default.
SORTS = {
    "name": Registration.name,
    "created": Registration.created_at,
    "status": _STATUS_ORDER,
    "party": Registration.party_size,
}
DEFAULT_SORT = "created"
#: Whom the list shows: every registration, the groups' or the individuals'.
WHO = ("groups", "individuals")


@dataclass(frozen=True)
class RegistrationFilter:
    """What staff asked for: ``text`` (a name, a phone number or its last digits, a ticket
    number), ``status`` ("" for all), ``sort`` (a key of ``SORTS``) and its direction."""

    text: str = ""
    status: str = ""
    sort: str = DEFAULT_SORT
    descending: bool = False
    #: "groups", "individuals" (``WHO``) or "" for both.
    who: str = ""

    @classmethod
    def from_args(cls, args) -> RegistrationFilter:
        """Read a query string (or form) leniently: an unknown status or sort key is the default."""
        text = clean_text(args.get("q") or "")[:SEARCH_MAX]
        status = args.get("status") or ""
        if status not in REGISTRATION_STATUSES:
            status = ""
        sort = args.get("sort") or ""
        descending = sort.startswith("-")
        sort = sort.lstrip("-")
        if sort not in SORTS:
            sort, descending = DEFAULT_SORT, False
        who = args.get("who") or ""
        if who not in WHO:
            who = ""
        return cls(text=text, status=status, sort=sort, descending=descending, who=who)

    @property
    def sort_arg(self) -> str:
        return ("-" if self.descending else "") + self.sort

    def args(self, **changes) -> dict:
        """The query arguments that ask for this filter again (defaults left out)."""
        values = {"q": self.text, "status": self.status, "sort": self.sort_arg, "who": self.who, **changes}
        if values["sort"] == DEFAULT_SORT:
            values["sort"] = ""
        return {key: value for key, value in values.items() if value not in ("", None)}

    def sorted_by(self, key: str) -> str:
        """The sort argument of a column heading: its key, reversed when it is the current one."""
        if key == self.sort and not self.descending:
            return "-" + key
        return key


def _search(text: str):
    """The conditions a search ``text`` matches: the name contains it; it is the registration's
    ticket number; it is a whole phone number (compared by digest, so +86 138…, 138 1234 5678
    and full-width digits find the number stored as 13812345678); or, four digits or more,
    part of the stored (normalised) phone number."""
    conditions = [Registration.name.contains(text, autoescape=True)]
    number = printed_number(text)
    if number is not None and number < 2**31:
        conditions.append(Registration.id == number)
    normal = normalise_phone(text)
    if normal is not None:
        conditions.append(Registration.phone_digest == phone_digest(normal))
    digits = re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", text))
    if len(digits) >= 4:
        conditions.append(Registration.phone.contains(digits, autoescape=True))
    return or_(*conditions)


def filtered(event: Event, wanted: RegistrationFilter) -> Select:
    """The registrations of ``event`` that ``wanted`` asks for, in its order; ties are broken
    by the registration's number, so that paging never shows a row twice or skips one."""
    stmt = select(Registration).where(Registration.event_id == event.id)
    if wanted.text:
        stmt = stmt.where(_search(wanted.text))
    if wanted.status:
        stmt = stmt.where(Registration.status == wanted.status)
    if wanted.who == "groups":
        stmt = stmt.where(Registration.group_kind.is_not(None))
    elif wanted.who == "individuals":
        stmt = stmt.where(Registration.group_kind.is_(None))
    key = SORTS[wanted.sort]
    if wanted.descending:
        return stmt.order_by(key.desc(), Registration.id.desc())
    return stmt.order_by(key, Registration.id)


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int
    pages: int = field(init=False)

    def __post_init__(self):
        self.pages = max(1, math.ceil(self.total / self.per_page))

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * self.per_page + len(self.items)


def registration_page(event: Event, wanted: RegistrationFilter, page: int, per_page: int = PER_PAGE) -> Page:
    """One page of ``filtered``, with each row's check-ins: two queries and one for the
    check-ins, whatever the number of rows. A page past the last shows the last."""
    return _paged(filtered(event, wanted).options(selectinload(Registration.checkins)), page, per_page)


def duplicates_page(event: Event, page: int, per_page: int) -> Page:
    """One page of the event's groups of possible duplicates (``services.duplicate_groups``):
    the grouping reads three columns of the active rows, then one query loads the page's rows."""
    groups = duplicate_groups(event)
    pages = max(1, math.ceil(len(groups) / per_page))
    page = min(max(page, 1), pages)
    first = (page - 1) * per_page
    return Page(load_groups(groups[first:first + per_page]), len(groups), page, per_page)


def each_registration(event: Event, wanted: RegistrationFilter, *, chunk: int = 500):
    """Every registration ``wanted`` asks for, read ``chunk`` rows at a time with their
    check-ins (for the exports: memory stays bounded for a large event)."""
    stmt = filtered(event, wanted)
    offset = 0
    while True:
        rows = db.session.scalars(stmt.options(selectinload(Registration.checkins)).limit(chunk).offset(offset)).all()
        yield from rows
        if len(rows) < chunk:
            return
        offset += chunk


def sign_in_rows(event: Event) -> list[Registration]:
    """The confirmed registrations of ``event`` by name (then number), for the sign-in sheet."""
    return list(db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "confirmed")
        .order_by(Registration.name, Registration.id)
    ))


def group_rows(event: Event) -> list[Registration]:
    """The confirmed and waiting group registrations of ``event`` for the group list: the
    confirmed first, then by expected arrival (those without one last), organisation and number."""
    return list(db.session.scalars(
        select(Registration)
        .where(
            Registration.event_id == event.id, Registration.group_kind.is_not(None),
            Registration.status.in_(("confirmed", "waitlisted")),
        )
        .order_by(
            _STATUS_ORDER, Registration.group_arrival.is_(None), Registration.group_arrival,
            Registration.group_organisation, Registration.id,
        )
    ))


# --- where a registration may move to ---------------------------------------------------------

#: Events per page of the move page.
TARGETS_PER_PAGE = 20


def _move_targets(event: Event, now) -> Select:
    return (
        select(Event)
        .where(Event.id != event.id, Event.status == "published", Event.registration == "open", Event.ends_at > now)
        .order_by(Event.starts_at, Event.id)
    )


def move_target_page(event: Event, now, page: int) -> Page:
    """One page of the upcoming events that take registrations, soonest first."""
    return _paged(_move_targets(event, now).options(selectinload(Event.venue)), page, TARGETS_PER_PAGE)


def _paged(stmt, page: int, per_page: int) -> Page:
    """One page of ``stmt``'s rows and how many there are in all; a page past the last shows the last."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    page = min(max(page, 1), max(1, math.ceil(total / per_page)))
    items = db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(list(items), total, page, per_page)


def move_target(event: Event, target_id: int | None, now) -> Event | None:
    """The event ``target_id`` names when ``event``'s registrations may move there, else None."""
    if target_id is None or not 0 < target_id < 2**31:
        return None
    return db.session.scalar(_move_targets(event, now).where(Event.id == target_id))
