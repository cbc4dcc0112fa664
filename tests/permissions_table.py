"""The declared permission table of tests/test_permissions.py: for every route of the URL map
and each of its methods, what each kind of person gets.

The answers:

- ``ok``: let in — any 2xx or 3xx, or a 4xx that judges the (missing) data: 400, 409, 413,
  415, 422;
- ``login``: asked to sign in — 401 (the API), or a redirect to the log-in page;
- ``403``: signed in without the right;
- ``404``: a resource this person may not see (or does not hold: a ticket link they have not).

The people (``ROLES``): ``anonymous``; ``ticket_holder`` (a patron with the ticket link of a
registration, no account); ``volunteer``; ``on_shift`` (a volunteer signed up for a shift of the
event that is on now); ``staff``; ``admin``; ``keeper`` (the keeper of a village reading room,
who may change that place's records and nothing else); ``branch_staff`` (staff of another branch
than the world's event, its series and its shifts: they may look at them, not change them, issue
15 point 3). A policy leaves ``branch_staff`` out when they get what staff get.

A new route must be added here, with its policy, or the matrix test fails.
"""

from __future__ import annotations

ROLES = ("anonymous", "ticket_holder", "volunteer", "on_shift", "staff", "admin", "keeper", "branch_staff")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def policy(anonymous, ticket_holder, volunteer, on_shift, staff, admin, keeper, branch_staff=None) -> dict[str, str]:
    """The answers by person; ``branch_staff`` defaults to what ``staff`` get."""
    answers = (anonymous, ticket_holder, volunteer, on_shift, staff, admin, keeper, branch_staff or staff)
    return dict(zip(ROLES, answers, strict=True))


def other_branch(base: dict[str, str]) -> dict[str, str]:
    """``base``, but staff of another branch are refused (403 ``other_branch``): a change to the
    world's event or its records (registrations, check-ins, walk-ins, shifts, exhibits, series)."""
    return {**base, "branch_staff": "403"}


#: Anyone.
PUBLIC = policy("ok", "ok", "ok", "ok", "ok", "ok", "ok")
#: Staff and admins (``role_required("staff")``).
STAFF = policy("login", "login", "403", "403", "ok", "ok", "403")
#: Admins only (``role_required("admin")``).
ADMIN = policy("login", "login", "403", "403", "403", "ok", "403")
#: Any signed-in account.
SIGNED_IN = policy("login", "login", "ok", "ok", "ok", "ok", "ok")
#: A volunteer's own pages (``current_volunteer``): staff and admins have no profile.
VOLUNTEER = policy("login", "login", "ok", "ok", "403", "403", "403")
#: The door of the event (``door_event``): staff, or a volunteer on its shift now.
DOOR = policy("login", "login", "403", "ok", "ok", "ok", "403")
#: A ticket link: only who holds it (everyone else asks with a link they do not hold).
TICKET = policy("404", "ok", "404", "404", "404", "404", "404")
#: The scanner page's form sent without a code: the door's people learn there is no such ticket
#: (404); staff of another branch may look at the door, not work it.
DOOR_FORM = policy("login", "login", "403", "404", "404", "404", "403", "403")
#: A volunteer's calendar feed: only its owner (the volunteer on the shift) holds its token.
OWN_FEED = policy("404", "404", "404", "ok", "404", "404", "404")
#: Staff documents the data have none of (a certificate needs a prize, a download a finished
#: export): the role check still answers first.
STAFF_NOTHING = policy("login", "login", "403", "403", "404", "404", "403")
#: The shifts' list: volunteers (their own) and staff; a keeper has no shifts.
SHIFT_READERS = policy("login", "login", "ok", "ok", "ok", "ok", "403")
#: A village reading room's records (``outposts.services.place_for``): its keeper, staff and admins.
PLACE = policy("login", "login", "403", "403", "ok", "ok", "ok")
#: A visit request's private link: only who holds it (nobody in the matrix does: every role asks
#: with a link it does not hold).
VISIT_LINK = policy("404", "404", "404", "404", "404", "404", "404", "404")

#: A change of a village reading room's records: its keeper, staff of no branch, admins (a
#: branch's staff may look at them).
PLACE_CHANGE = other_branch(PLACE)
#: The keeper's own address, which leads to their place.
KEEPER = policy("login", "login", "403", "403", "403", "403", "ok")
#: A change of the world's event or of its records: staff of its branch (or of none) and admins.
BRANCH = other_branch(STAFF)
#: Walk-ins counted at the world's event's door: its door's people, not another branch's staff.
DOOR_CHANGE = other_branch(DOOR)

TABLE: dict[tuple[str, str], dict[str, str]] = {
    ("GET", "/"): PUBLIC,
    ("GET", "/account/password"): SIGNED_IN,
    ("POST", "/account/password"): SIGNED_IN,
    ("GET", "/admin/accounts"): ADMIN,
    ("GET", "/admin/accounts/<int:user_id>"): ADMIN,
    ("POST", "/admin/accounts/<int:user_id>/branch"): ADMIN,
    ("POST", "/admin/accounts/<int:user_id>/reset"): ADMIN,
    ("POST", "/admin/accounts/<int:user_id>/sign-out"): ADMIN,
    ("POST", "/admin/accounts/<int:user_id>/tokens/<int:token_id>/revoke"): ADMIN,
    ("POST", "/admin/accounts/<int:user_id>/tokens/revoke"): ADMIN,
    ("GET", "/admin/accounts/new"): ADMIN,
    ("POST", "/admin/accounts/new"): ADMIN,
    ("GET", "/keeper"): KEEPER,
    ("GET", "/outposts/<int:branch_id>"): PLACE,
    ("POST", "/outposts/<int:branch_id>/visitors"): PLACE_CHANGE,
    ("GET", "/outposts/<int:branch_id>/activities/new"): PLACE,
    ("POST", "/outposts/<int:branch_id>/activities/new"): PLACE_CHANGE,
    ("GET", "/outposts/activities/<int:event_id>"): PLACE,
    ("POST", "/outposts/activities/<int:event_id>"): PLACE_CHANGE,
    ("GET", "/staff/outposts/"): STAFF,
    ("GET", "/staff/outposts/keepers/new"): ADMIN,
    ("POST", "/staff/outposts/keepers/new"): ADMIN,
    ("GET", "/api/v1/outposts"): PLACE,
    ("GET", "/api/v1/outposts/<int:branch_id>/activities"): PLACE,
    ("POST", "/api/v1/outposts/<int:branch_id>/activities"): PLACE_CHANGE,
    ("PUT", "/api/v1/outposts/activities/<int:event_id>/headcount"): PLACE_CHANGE,
    ("GET", "/api/v1/outposts/<int:branch_id>/visitors"): PLACE,
    ("PUT", "/api/v1/outposts/<int:branch_id>/visitors/<day>"): PLACE_CHANGE,
    ("GET", "/api/v1/outposts/visits"): STAFF,
    ("GET", "/visits/request"): PUBLIC,
    ("POST", "/visits/request"): PUBLIC,
    ("GET", "/visits/r/<token>"): VISIT_LINK,
    ("POST", "/visits/r/<token>"): VISIT_LINK,
    ("GET", "/staff/visits/"): STAFF,
    ("GET", "/staff/visits/<int:visit_id>"): STAFF,
    ("POST", "/staff/visits/<int:visit_id>/accept"): STAFF,
    ("POST", "/staff/visits/<int:visit_id>/propose"): STAFF,
    ("POST", "/staff/visits/<int:visit_id>/decline"): STAFF,
    ("GET", "/api/v1/visits"): STAFF,
    ("POST", "/api/v1/visits"): PUBLIC,
    ("GET", "/api/v1/visits/<int:visit_id>"): STAFF,
    ("POST", "/api/v1/visits/<int:visit_id>/accept"): STAFF,
    ("POST", "/api/v1/visits/<int:visit_id>/propose"): STAFF,
    ("POST", "/api/v1/visits/<int:visit_id>/decline"): STAFF,
    ("GET", "/api/v1/audit"): ADMIN,
    ("POST", "/api/v1/branches"): ADMIN,
    ("GET", "/api/v1/branches"): PUBLIC,
    ("POST", "/api/v1/checkins"): DOOR,
    ("DELETE", "/api/v1/checkins/<int:checkin_id>"): BRANCH,
    ("PATCH", "/api/v1/checkins/<int:checkin_id>"): BRANCH,
    ("POST", "/api/v1/competitions"): STAFF,
    ("GET", "/api/v1/competitions"): PUBLIC,
    ("GET", "/api/v1/competitions/<int:competition_id>"): PUBLIC,
    ("POST", "/api/v1/competitions/<int:competition_id>/rounds"): STAFF,
    ("POST", "/api/v1/events"): STAFF,
    ("GET", "/api/v1/events"): PUBLIC,
    ("GET", "/api/v1/events/<int:event_id>"): PUBLIC,
    ("PATCH", "/api/v1/events/<int:event_id>"): BRANCH,
    ("PUT", "/api/v1/events/<int:event_id>/cover"): BRANCH,
    ("DELETE", "/api/v1/events/<int:event_id>/cover"): BRANCH,
    ("GET", "/api/v1/events/<int:event_id>/attendance"): DOOR,
    ("POST", "/api/v1/events/<int:event_id>/duplicate"): BRANCH,
    ("POST", "/api/v1/events/<int:event_id>/exhibits"): BRANCH,
    ("POST", "/api/v1/events/<int:event_id>/registrations"): PUBLIC,
    ("GET", "/api/v1/events/<int:event_id>/registrations"): DOOR,
    ("GET", "/api/v1/events/<int:event_id>/roster"): DOOR,
    ("POST", "/api/v1/events/<int:event_id>/shifts"): BRANCH,
    ("POST", "/api/v1/events/<int:event_id>/status"): BRANCH,
    ("POST", "/api/v1/events/<int:event_id>/walkins"): DOOR_CHANGE,
    ("GET", "/api/v1/openapi.json"): PUBLIC,
    ("GET", "/api/v1/partners"): STAFF,
    ("POST", "/api/v1/recurrences"): STAFF,
    ("GET", "/api/v1/recurrences/<int:recurrence_id>"): STAFF,
    ("PATCH", "/api/v1/recurrences/<int:recurrence_id>"): BRANCH,
    ("POST", "/api/v1/recurrences/<int:recurrence_id>/exceptions"): BRANCH,
    ("GET", "/api/v1/reports/annual"): STAFF,
    ("GET", "/api/v1/reports/annual.pdf"): STAFF,
    ("POST", "/api/v1/reports/annual/exports"): STAFF,
    ("GET", "/api/v1/reports/annual/exports/<int:export_id>"): STAFF_NOTHING,
    ("GET", "/api/v1/reports/annual/exports/<int:export_id>/file"): STAFF_NOTHING,
    ("GET", "/api/v1/reports/attendance"): STAFF,
    ("GET", "/api/v1/reports/attendance.csv"): STAFF,
    ("GET", "/api/v1/reports/attendance.xlsx"): STAFF,
    ("POST", "/api/v1/reports/years/<year>/close"): ADMIN,
    ("POST", "/api/v1/rounds/<int:round_id>/advance"): STAFF,
    ("POST", "/api/v1/rounds/<int:round_id>/publish"): STAFF,
    ("GET", "/api/v1/rounds/<int:round_id>/results"): PUBLIC,
    ("PUT", "/api/v1/rounds/<int:round_id>/scores"): STAFF,
    ("POST", "/api/v1/rounds/<int:round_id>/sittings"): STAFF,
    ("POST", "/api/v1/series"): STAFF,
    ("PUT", "/api/v1/series/<int:series_id>/cover"): BRANCH,
    ("DELETE", "/api/v1/series/<int:series_id>/cover"): BRANCH,
    ("GET", "/api/v1/series"): PUBLIC,
    ("GET", "/api/v1/series/<int:series_id>"): PUBLIC,
    ("GET", "/api/v1/shifts"): SHIFT_READERS,
    ("POST", "/api/v1/shifts/<int:shift_id>/attendance"): BRANCH,
    ("POST", "/api/v1/shifts/<int:shift_id>/signups"): VOLUNTEER,
    ("DELETE", "/api/v1/shifts/<int:shift_id>/signups/mine"): VOLUNTEER,
    ("GET", "/api/v1/tickets/<token>"): TICKET,
    ("POST", "/api/v1/tickets/<token>/cancel"): TICKET,
    ("POST", "/api/v1/tickets/lookup"): PUBLIC,
    ("POST", "/api/v1/venues"): STAFF,
    ("GET", "/api/v1/venues"): STAFF,
    ("GET", "/api/v1/volunteers/me"): VOLUNTEER,
    ("PATCH", "/api/v1/volunteers/me"): VOLUNTEER,
    ("GET", "/api/v1/volunteers/me/certificate.pdf"): VOLUNTEER,
    ("GET", "/api/v1/volunteers/me/hours"): VOLUNTEER,
    ("GET", "/branches/<int:branch_id>/calendar.ics"): PUBLIC,
    ("GET", "/calendar"): PUBLIC,
    ("GET", "/calendar.ics"): PUBLIC,
    ("GET", "/competitions/"): PUBLIC,
    ("GET", "/competitions/<int:competition_id>"): PUBLIC,
    ("GET", "/covers/<key>-<int:width>.webp"): PUBLIC,
    ("GET", "/events/<int:event_id>"): PUBLIC,
    ("GET", "/events/<int:event_id>.ics"): PUBLIC,
    ("GET", "/events/<int:event_id>/here"): PUBLIC,
    ("POST", "/events/<int:event_id>/here"): PUBLIC,
    ("GET", "/events/<int:event_id>/poster.pdf"): PUBLIC,
    ("POST", "/events/<int:event_id>/register"): PUBLIC,
    ("GET", "/events/<int:event_id>/group"): PUBLIC,
    ("POST", "/events/<int:event_id>/group"): PUBLIC,
    ("GET", "/favicon.ico"): PUBLIC,
    ("GET", "/favicon.svg"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/staff/messages/"): STAFF,
    ("GET", "/staff/events/<int:event_id>/message"): BRANCH,
    ("POST", "/staff/events/<int:event_id>/message"): BRANCH,
    ("POST", "/staff/messages/retry"): STAFF,
    ("POST", "/staff/messages/<int:message_id>/retry"): STAFF,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): SIGNED_IN,
    ("GET", "/password/forgot"): PUBLIC,
    ("POST", "/password/forgot"): PUBLIC,
    ("GET", "/password/reset/<token>"): PUBLIC,
    ("POST", "/password/reset/<token>"): PUBLIC,
    ("GET", "/reports"): STAFF,
    ("GET", "/reports/annual"): STAFF,
    ("GET", "/reports/annual/<int:year>"): STAFF,
    ("POST", "/reports/annual/<int:year>/close"): ADMIN,
    ("POST", "/reports/annual/<int:year>/notes/<section>"): STAFF,
    ("POST", "/reports/annual/<int:year>/pdf"): STAFF,
    ("GET", "/reports/events"): STAFF,
    ("GET", "/reports/settings"): ADMIN,
    ("POST", "/reports/settings"): ADMIN,
    ("GET", "/scan/<int:event_id>"): DOOR,
    ("POST", "/scan/<int:event_id>"): DOOR_FORM,
    ("GET", "/series/<int:series_id>"): PUBLIC,
    ("GET", "/series/<int:series_id>/calendar.ics"): PUBLIC,
    ("GET", "/staff/"): STAFF,
    ("GET", "/staff/audit/"): ADMIN,
    ("GET", "/staff/branches"): ADMIN,
    ("POST", "/staff/branches/<int:branch_id>/archive"): ADMIN,
    ("GET", "/staff/branches/<int:branch_id>/edit"): ADMIN,
    ("POST", "/staff/branches/<int:branch_id>/edit"): ADMIN,
    ("POST", "/staff/branches/<int:branch_id>/reactivate"): ADMIN,
    ("GET", "/staff/branches/new"): ADMIN,
    ("POST", "/staff/branches/new"): ADMIN,
    ("GET", "/staff/calendar/"): STAFF,
    ("GET", "/staff/calendar/week"): STAFF,
    ("GET", "/staff/competitions/"): STAFF,
    ("GET", "/staff/competitions/<int:competition_id>"): STAFF,
    ("POST", "/staff/competitions/<int:competition_id>/details"): STAFF,
    ("POST", "/staff/competitions/<int:competition_id>/judges"): STAFF,
    ("POST", "/staff/competitions/<int:competition_id>/rounds"): STAFF,
    ("POST", "/staff/competitions/<int:competition_id>/rubric"): STAFF,
    ("POST", "/staff/competitions/<int:competition_id>/sittings"): STAFF,
    ("POST", "/staff/competitions/judges/<int:judge_id>/remove"): STAFF,
    ("GET", "/staff/competitions/new"): STAFF,
    ("POST", "/staff/competitions/new"): STAFF,
    ("GET", "/staff/competitions/rounds/<int:round_id>"): STAFF,
    ("POST", "/staff/competitions/rounds/<int:round_id>/advance"): STAFF,
    ("GET", "/staff/competitions/rounds/<int:round_id>/certificates.pdf"): STAFF,
    ("GET", "/staff/competitions/rounds/<int:round_id>/certificates/<int:registration_id>.pdf"): STAFF_NOTHING,
    ("POST", "/staff/competitions/rounds/<int:round_id>/edit"): STAFF,
    ("GET", "/staff/competitions/rounds/<int:round_id>/judges/<int:judge_id>/scores"): STAFF,
    ("POST", "/staff/competitions/rounds/<int:round_id>/judges/<int:judge_id>/scores"): STAFF,
    ("POST", "/staff/competitions/rounds/<int:round_id>/publish"): STAFF,
    ("POST", "/staff/competitions/rounds/<int:round_id>/unpublish"): STAFF,
    ("GET", "/staff/events/<int:event_id>"): STAFF,
    ("GET", "/staff/events/<int:event_id>/cancel"): BRANCH,
    ("POST", "/staff/events/<int:event_id>/cancel"): BRANCH,
    ("POST", "/staff/events/<int:event_id>/checkins/<int:checkin_id>/undo"): BRANCH,
    ("POST", "/staff/events/<int:event_id>/checkins/<int:checkin_id>/came"): BRANCH,
    ("GET", "/staff/events/<int:event_id>/groups.pdf"): STAFF,
    ("GET", "/staff/events/<int:event_id>/cover"): BRANCH,
    ("POST", "/staff/events/<int:event_id>/cover"): BRANCH,
    ("POST", "/staff/events/<int:event_id>/cover/remove"): BRANCH,
    ("GET", "/staff/events/<int:event_id>/door-poster.pdf"): STAFF,
    ("POST", "/staff/events/<int:event_id>/duplicate"): BRANCH,
    ("GET", "/staff/events/<int:event_id>/edit"): BRANCH,
    ("POST", "/staff/events/<int:event_id>/edit"): BRANCH,
    ("GET", "/staff/events/<int:event_id>/exhibits"): STAFF,
    ("POST", "/staff/events/<int:event_id>/exhibits"): BRANCH,
    ("GET", "/staff/events/<int:event_id>/exhibits/<int:exhibit_id>"): BRANCH,
    ("POST", "/staff/events/<int:event_id>/exhibits/<int:exhibit_id>"): BRANCH,
    ("POST", "/staff/events/<int:event_id>/exhibits/<int:exhibit_id>/remove"): BRANCH,
    ("POST", "/staff/events/<int:event_id>/headcount"): BRANCH,
    ("POST", "/staff/events/<int:event_id>/registrations.<any(csv, xlsx):kind>"): STAFF,
    ("GET", "/staff/events/<int:event_id>/registrations/<int:registration_id>/cancel"): BRANCH,
    ("POST", "/staff/events/<int:event_id>/registrations/<int:registration_id>/cancel"): BRANCH,
    ("GET", "/staff/events/<int:event_id>/registrations/<int:registration_id>/move"): BRANCH,
    ("POST", "/staff/events/<int:event_id>/registrations/<int:registration_id>/move"): BRANCH,
    ("POST", "/staff/events/<int:event_id>/registrations/<int:registration_id>/promote"): BRANCH,
    ("POST", "/staff/events/<int:event_id>/registrations/search"): STAFF,
    ("GET", "/staff/events/<int:event_id>/sign-in-sheet.pdf"): STAFF,
    ("POST", "/staff/events/<int:event_id>/status"): BRANCH,
    ("POST", "/staff/events/<int:event_id>/tickets-export"): STAFF,
    ("GET", "/staff/events/<int:event_id>/tickets-export/<int:job_id>"): STAFF,
    ("GET", "/staff/events/<int:event_id>/tickets-export/<int:job_id>/download"): STAFF_NOTHING,
    ("POST", "/staff/events/<int:event_id>/tickets-export/<int:job_id>/again"): STAFF,
    ("GET", "/staff/exports/<int:export_id>"): STAFF,
    ("GET", "/staff/exports/<int:export_id>/download"): STAFF_NOTHING,
    ("GET", "/staff/exports/<int:export_id>/progress.json"): STAFF,
    ("POST", "/staff/exports/<int:export_id>/again"): STAFF,
    ("GET", "/staff/events/new"): STAFF,
    ("POST", "/staff/events/new"): STAFF,
    ("GET", "/staff/partners"): STAFF,
    ("GET", "/staff/partners/<int:partner_id>/edit"): STAFF,
    ("POST", "/staff/partners/<int:partner_id>/edit"): STAFF,
    ("GET", "/staff/partners/new"): STAFF,
    ("POST", "/staff/partners/new"): STAFF,
    ("GET", "/staff/recurrences/"): STAFF,
    ("GET", "/staff/recurrences/<int:recurrence_id>"): STAFF,
    ("POST", "/staff/recurrences/<int:recurrence_id>/edit-all"): BRANCH,
    ("POST", "/staff/recurrences/<int:recurrence_id>/exceptions"): BRANCH,
    ("POST", "/staff/recurrences/<int:recurrence_id>/exceptions/<day>/delete"): BRANCH,
    ("POST", "/staff/recurrences/<int:recurrence_id>/publish"): BRANCH,
    ("POST", "/staff/recurrences/<int:recurrence_id>/range"): BRANCH,
    ("GET", "/staff/recurrences/new"): STAFF,
    ("POST", "/staff/recurrences/new"): STAFF,
    ("GET", "/staff/series"): STAFF,
    ("GET", "/staff/series/<int:series_id>"): STAFF,
    ("GET", "/staff/series/<int:series_id>/cover"): BRANCH,
    ("POST", "/staff/series/<int:series_id>/cover"): BRANCH,
    ("POST", "/staff/series/<int:series_id>/cover/remove"): BRANCH,
    ("GET", "/staff/series/<int:series_id>/edit"): BRANCH,
    ("POST", "/staff/series/<int:series_id>/edit"): BRANCH,
    ("GET", "/staff/series/new"): STAFF,
    ("POST", "/staff/series/new"): STAFF,
    ("GET", "/staff/venues"): STAFF,
    ("GET", "/staff/venues/<int:venue_id>"): STAFF,
    ("POST", "/staff/venues/<int:venue_id>/archive"): ADMIN,
    ("GET", "/staff/venues/<int:venue_id>/edit"): ADMIN,
    ("POST", "/staff/venues/<int:venue_id>/edit"): ADMIN,
    ("POST", "/staff/venues/<int:venue_id>/reactivate"): ADMIN,
    ("GET", "/staff/venues/new"): ADMIN,
    ("POST", "/staff/venues/new"): ADMIN,
    ("GET", "/staff/volunteers/"): STAFF,
    ("GET", "/staff/volunteers/<int:volunteer_id>"): STAFF,
    ("POST", "/staff/volunteers/<int:volunteer_id>/certificate"): STAFF,
    ("POST", "/staff/volunteers/<int:volunteer_id>/hours"): STAFF,
    ("POST", "/staff/volunteers/<int:volunteer_id>/review"): STAFF,
    ("GET", "/staff/volunteers/calls"): STAFF,
    ("POST", "/staff/volunteers/calls/<int:call_id>/close"): STAFF,
    ("GET", "/staff/volunteers/calls/<int:call_id>/edit"): STAFF,
    ("POST", "/staff/volunteers/calls/<int:call_id>/edit"): STAFF,
    ("GET", "/staff/volunteers/calls/new"): STAFF,
    ("POST", "/staff/volunteers/calls/new"): STAFF,
    ("GET", "/staff/volunteers/rosters"): STAFF,
    ("GET", "/staff/volunteers/rosters/days/<day>"): STAFF,
    ("GET", "/staff/volunteers/rosters/days/<day>/roster.csv"): STAFF,
    ("POST", "/staff/volunteers/rosters/days/<day>/print"): STAFF,
    ("GET", "/staff/volunteers/rosters/events/<int:event_id>"): STAFF,
    ("GET", "/staff/volunteers/rosters/events/<int:event_id>/roster.csv"): STAFF,
    ("POST", "/staff/volunteers/rosters/events/<int:event_id>/print"): STAFF,
    ("GET", "/staff/volunteers/shifts"): STAFF,
    ("GET", "/staff/volunteers/shifts/<int:shift_id>"): STAFF,
    ("POST", "/staff/volunteers/shifts/<int:shift_id>/attendance"): BRANCH,
    ("GET", "/staff/volunteers/shifts/<int:shift_id>/desk-poster.pdf"): STAFF,
    ("POST", "/staff/volunteers/shifts/<int:shift_id>/signups/<int:signup_id>/remove"): BRANCH,
    ("GET", "/staff/volunteers/shifts/new"): STAFF,
    ("POST", "/staff/volunteers/shifts/new"): STAFF,
    ("GET", "/staff/volunteers/shifts/pattern"): STAFF,
    ("POST", "/staff/volunteers/shifts/pattern"): STAFF,
    ("GET", "/staff/volunteers/trainings"): STAFF,
    ("POST", "/staff/volunteers/trainings"): STAFF,
    ("GET", "/staff/volunteers/trainings/<int:training_id>"): STAFF,
    ("POST", "/staff/volunteers/trainings/<int:training_id>/attendance"): STAFF,
    ("GET", "/t/<token>"): TICKET,
    ("POST", "/t/<token>/cancel"): TICKET,
    ("GET", "/t/<token>/cancel"): TICKET,
    ("GET", "/t/<token>/qr.png"): TICKET,
    ("GET", "/t/<token>/qr.svg"): TICKET,
    ("GET", "/t/<token>/ticket.pdf"): TICKET,
    ("GET", "/tickets/find"): PUBLIC,
    ("POST", "/tickets/find"): PUBLIC,
    ("GET", "/volunteer"): PUBLIC,
    ("GET", "/volunteer/<int:volunteer_id>/shifts.ics"): OWN_FEED,
    ("GET", "/volunteer/apply"): PUBLIC,
    ("POST", "/volunteer/apply"): PUBLIC,
    ("GET", "/volunteer/me"): VOLUNTEER,
    ("GET", "/volunteer/me/certificate.pdf"): VOLUNTEER,
    ("GET", "/volunteer/me/profile"): VOLUNTEER,
    ("POST", "/volunteer/me/profile"): VOLUNTEER,
    ("POST", "/volunteer/shifts/<int:shift_id>/cancel"): VOLUNTEER,
    ("GET", "/volunteer/shifts/<int:shift_id>/desk"): VOLUNTEER,
    ("POST", "/volunteer/shifts/<int:shift_id>/desk"): VOLUNTEER,
    ("POST", "/volunteer/shifts/<int:shift_id>/sign-up"): VOLUNTEER,
}

#: A draft event, asked for through the routes the public may use: only staff may see it.
DRAFT = policy("404", "404", "404", "404", "ok", "ok", "404")
DRAFT_TABLE: dict[tuple[str, str], dict[str, str]] = {
    ("GET", "/api/v1/events/<int:event_id>"): DRAFT,
    ("POST", "/api/v1/events/<int:event_id>/registrations"): DRAFT,
    ("GET", "/events/<int:event_id>"): DRAFT,
    ("GET", "/events/<int:event_id>.ics"): DRAFT,
    ("GET", "/events/<int:event_id>/here"): DRAFT,
    ("POST", "/events/<int:event_id>/here"): DRAFT,
    ("GET", "/events/<int:event_id>/poster.pdf"): DRAFT,
    ("POST", "/events/<int:event_id>/register"): DRAFT,
    ("GET", "/events/<int:event_id>/group"): DRAFT,
    ("POST", "/events/<int:event_id>/group"): DRAFT,
}


def table_keys() -> set[tuple[str, str]]:
    """The (rule, method) pairs the table declares."""
    return {(rule, method) for method, rule in TABLE}


def expected(rule: str, method: str, role: str) -> str | None:
    """What ``role`` must get, or None for a route missing from the table."""
    found = TABLE.get((method, rule))
    return None if found is None else found[role]


def classify(response) -> str:
    """``ok``, ``login``, ``403``, ``404`` (or ``error`` for a 5xx) for a test client's response."""
    status = response.status_code
    if status >= 500:
        return "error"
    if status == 401:
        return "login"
    if status in (301, 302, 303, 307, 308) and response.location.split("?")[0].endswith("/login"):
        return "login"
    if status in (403, 404):
        return str(status)
    return "ok"
