"""The spring of ``scenario.build_spring`` grown into a year for the annual report's tests.

On top of the spring (E1 lecture of 星海讲坛 8, E2 exhibition 34, E3 activity 8; 50 in all):

- E6 class 三点半课堂 (no series), 5 May, V1: one ticket admitted, 2 walk-ins → 3.
- A competition 故事大王 with a preliminary of two sittings (12 May at V1: 3 contestants
  admitted and 4 walk-ins → 7; 13 May at V2: 2 contestants, one admitted → 1) and a final
  (20 May at V1: contestants with parties of 2 and 3, both admitted, 5 walk-ins → 10).
- Three works catalogued for the exhibition E2.

            events  person-visits
lecture        1        8
exhibition     1       34
competition    3       18
activity       1        8
class          1        3
total          7       71      branch B1: 5 events, 36; branch B2: 2 events, 35
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from outreach.competitions.models import Competition, Round
from outreach.events.models import Event, Exhibit
from outreach.events.services import create_event
from outreach.extensions import db
from outreach.registration import services as registration
from tests.reports.scenario import Spring, add_registration, at, build_spring


@dataclass
class Year:
    spring: Spring
    e6: Event
    prelim_a: Event
    prelim_b: Event
    final: Event
    competition: Competition


def _sitting(round_: Round, day: date, venue, title: str) -> Event:
    event = create_event(title=title, type="competition", status="published", venue=venue,
                         starts_at=at(day, 9), ends_at=at(day, 12), capacity=100)
    event.round_id = round_.id
    return event


def build_year(staff=None) -> Year:
    spring = build_spring(staff)
    e6 = create_event(title="三点半课堂", type="class", status="published", venue=spring.v1,
                      starts_at=at(date(2018, 5, 5), 15, 30), ends_at=at(date(2018, 5, 5), 17), capacity=30)
    pupil = add_registration(e6, phone="13600000006")
    registration.check_in(pupil, now=at(date(2018, 5, 5), 15, 20))
    registration.add_walkins(e6, 2, now=at(date(2018, 5, 5), 15, 40))

    competition = Competition(title="故事大王", title_en="Storytelling contest")
    db.session.add(competition)
    db.session.flush()
    prelim = Round(competition_id=competition.id, position=1, name="初赛", name_en="Preliminary")
    final_round = Round(competition_id=competition.id, position=2, name="决赛", name_en="Final")
    db.session.add_all([prelim, final_round])
    db.session.flush()

    prelim_a = _sitting(prelim, date(2018, 5, 12), spring.v1, "初赛A")
    for n in range(3):
        child = add_registration(prelim_a, phone=f"1350000001{n}")
        registration.check_in(child, now=at(date(2018, 5, 12), 9, 5))
    registration.add_walkins(prelim_a, 4, now=at(date(2018, 5, 12), 9, 30))
    prelim_b = _sitting(prelim, date(2018, 5, 13), spring.v2, "初赛B")
    came = add_registration(prelim_b, phone="13500000020")
    add_registration(prelim_b, phone="13500000021")
    registration.check_in(came, now=at(date(2018, 5, 13), 9, 5))
    final = _sitting(final_round, date(2018, 5, 20), spring.v1, "决赛")
    for size, phone in ((2, "13500000010"), (3, "13500000030")):
        registration.check_in(add_registration(final, party_size=size, phone=phone), now=at(date(2018, 5, 20), 9))
    registration.add_walkins(final, 5, now=at(date(2018, 5, 20), 9, 10))

    for position in range(1, 4):
        db.session.add(Exhibit(event_id=spring.e2.id, position=position, title=f"作品{position}", creator="小读者"))
    db.session.commit()
    return Year(spring, e6, prelim_a, prelim_b, final, competition)
