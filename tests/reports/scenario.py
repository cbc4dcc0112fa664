"""A small hand-counted year for the report tests (library time, Asia/Shanghai).

March–April 2018, at two branches:

- E1 lecture of series S, 10 March, venue V1 (branch B1), capacity 100: a party of 3 admitted
  (scanned twice the same day: counts once), a party of 1 never comes (a no-show), a party of
  2 on the waiting list, a party of 4 cancelled; 5 walk-ins.
- E2 children's exhibition, 30 March – 2 April, venue V2 (branch B2), no capacity: a party
  of 2 admitted on 31 March and on 1 April (two person-visits each day: 2 + 2); headcounts
  of 10 on 30 March and 20 on 2 April. It crosses the end of March.
- E3 activity starting at 00:30 on 1 April, venue V1: 7 walk-ins and one ticket admitted
  at 23:45 / 23:50 on 31 March (the door opens two hours early): they count on 1 April.
- E4 lecture cancelled after 3 walk-ins and a confirmed party of 2: counts nowhere.
- E5 draft lecture with a walk-in of 9: counts nowhere.

The same person (phone 138 1234 5678) holds the tickets of E1 and E3.

            events  checked_in  walk_ins  registered  no_shows
March          2        5          15         6          1
April          1        3          27         1          0
total          3        8          42         7          1     unique people 2
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from outreach.events.models import Event
from outreach.places.models import Branch, Series, Venue
from outreach.events.services import change_status, create_event
from outreach.extensions import db
from outreach.phone import phone_digest
from outreach.registration import services as registration
from outreach.registration.models import Registration
from outreach.registration.tickets import new_ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")
AFTER = datetime(2019, 1, 1, 12, 0, tzinfo=SHANGHAI)
MARCH = (date(2018, 3, 1), date(2018, 3, 31))
APRIL = (date(2018, 4, 1), date(2018, 4, 30))
SPRING = (date(2018, 3, 1), date(2018, 4, 30))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def add_registration(event: Event, *, party_size: int = 1, status: str = "confirmed", phone: str | None = None,
                     name: str = "读者") -> Registration:
    seed, _token, digest = new_ticket()
    registration = Registration(
        event_id=event.id, ticket_digest=digest, ticket_seed=seed, status=status, name=name, phone=phone,
        phone_digest=phone_digest(phone), party_size=party_size, created_at=event.starts_at - timedelta(days=3),
    )
    db.session.add(registration)
    db.session.flush()
    return registration


@dataclass
class Spring:
    b1: Branch
    b2: Branch
    v1: Venue
    v2: Venue
    series: Series
    e1: Event
    e2: Event
    e3: Event
    e4: Event
    e5: Event


def build_spring(staff=None) -> Spring:
    b1 = Branch(name="总馆", name_en="Central Library", kind="central")
    b2 = Branch(name="星海分馆", name_en="Xinghai Branch", kind="branch")
    v1 = Venue(name="报告厅", name_en="Lecture hall", kind="hall", capacity=200, branch=b1)
    v2 = Venue(name="展厅", name_en="Gallery", kind="exhibition", capacity=None, branch=b2)
    series = Series(name="星海讲坛", name_en="Xinghai Forum")
    db.session.add_all([b1, b2, v1, v2, series])
    db.session.flush()

    e1 = create_event(title="讲座一", type="lecture", status="published", venue=v1, series=series,
                      session_number=1, starts_at=at(date(2018, 3, 10), 10), ends_at=at(date(2018, 3, 10), 12),
                      capacity=100)
    party = add_registration(e1, party_size=3, phone="138 1234 5678", name="张三")
    registration.check_in(party, now=at(date(2018, 3, 10), 9, 50))
    again = registration.check_in(party, now=at(date(2018, 3, 10), 10, 5))
    assert again.result == "already_checked_in"
    add_registration(e1, party_size=1, phone="13900000001")  # never comes
    add_registration(e1, party_size=2, status="waitlisted", phone="13900000002")
    add_registration(e1, party_size=4, status="cancelled", phone="13900000003")
    registration.add_walkins(e1, 5, now=at(date(2018, 3, 10), 10, 10))

    e2 = create_event(title="少儿美术展", type="exhibition", status="published", venue=v2, audience="children",
                      starts_at=at(date(2018, 3, 30), 9), ends_at=at(date(2018, 4, 2), 17),
                      daily_opens_at=time(9), daily_closes_at=time(17), capacity=None)
    family = add_registration(e2, party_size=2, phone="13700000000")
    registration.check_in(family, now=at(date(2018, 3, 31), 10))
    registration.check_in(family, now=at(date(2018, 4, 1), 15))
    registration.add_walkins(e2, 10, source="headcount", day=date(2018, 3, 30), at_the_door=False,
                             now=at(date(2018, 3, 30), 18))
    registration.add_walkins(e2, 20, source="headcount", day=date(2018, 4, 2), at_the_door=False,
                             now=at(date(2018, 4, 2), 18))

    e3 = create_event(title="午夜观星", type="activity", status="published", venue=v1,
                      starts_at=at(date(2018, 4, 1), 0, 30), ends_at=at(date(2018, 4, 1), 2), capacity=50)
    night = add_registration(e3, party_size=1, phone="13812345678")
    registration.add_walkins(e3, 7, now=at(date(2018, 3, 31), 23, 45))
    registration.check_in(night, now=at(date(2018, 3, 31), 23, 50))

    e4 = create_event(title="取消的讲座", type="lecture", status="published", venue=v1,
                      starts_at=at(date(2018, 3, 15), 10), ends_at=at(date(2018, 3, 15), 12), capacity=80)
    add_registration(e4, party_size=2, phone="13900000004")
    registration.add_walkins(e4, 3, now=at(date(2018, 3, 15), 10))
    change_status(e4, "cancelled", actor=staff, reason="停电")

    e5 = create_event(title="草稿", type="lecture", status="draft", venue=v2,
                      starts_at=at(date(2018, 3, 16), 10), ends_at=at(date(2018, 3, 16), 12), capacity=80)
    registration.add_walkins(e5, 9, source="headcount", day=date(2018, 3, 16), at_the_door=False,
                             now=at(date(2018, 3, 16), 12))
    db.session.commit()
    return Spring(b1, b2, v1, v2, series, e1, e2, e3, e4, e5)
