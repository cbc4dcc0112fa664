"""The OpenAPI description of this area's API routes, merged into /api/v1/openapi.json."""

from __future__ import annotations

from outreach.api.schema import EVENT_ID, PUBLIC, STAFF, TOKEN, errors, json_response, ref
from outreach.registration.models import GROUP_KINDS, GROUP_NEEDS_MAX, ORGANISATION_MAX


def paths() -> dict:
    return {
        "/events/{event_id}/registrations": {
            "post": {
                "summary": "Register for an event",
                "description": "Public and rate-limited. Confirmed while the whole party fits the capacity, else "
                "waitlisted. Send an `Idempotency-Key` header to make retries safe: a repeated key answers 200 "
                "with the first registration. One active (confirmed or waitlisted) registration per phone number "
                "and event: a second attempt with the same phone (normalised: +86 and full-width digits allowed) "
                "answers 200 with the registration it already holds and takes no places. Where the event's "
                "`max_party_size` is 1, it is one per phone number and name (a parent may register each child). "
                "With `group` it is a group registration (a school class, a kindergarten, a community or company "
                "group): `name` and `phone` are the leader's, the party is the group's children and adults (from 1 "
                "to the event's `max_group_size`, else `max_party_size`, and never more than `groups_capacity` or "
                "`capacity`; beyond: 422 on `group.children`), and it is confirmed only while the whole group fits "
                "both the event's seats and the seats left for groups (`groups_capacity`): else the whole group "
                "waits, and it is promoted as a whole, never split. One ticket admits the group.",
                "tags": ["registrations"],
                "security": PUBLIC,
                "parameters": [EVENT_ID, {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string", "minLength": 8, "maxLength": 64}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("RegistrationIn")}}},
                "responses": {
                    "201": json_response(ref("RegistrationCreated"), "Registered"),
                    "200": json_response(ref("RegistrationCreated"), "Already registered: the registration an earlier request with this key, or with this phone number, made"),
                    **errors(404, 409, 415, 422, 429),
                },
            },
            "get": {
                "summary": "Find registrations by name or phone (the door's manual search), or list them all (staff)",
                "description": "Without `page`, `per_page`, `sort` or `status`: the door's search (staff, or a "
                "volunteer on a shift of the event now), the first 20 active registrations whose name contains `q` "
                "or whose phone ends with its digits; an empty `q` finds none. With any of them: staff only (a "
                "volunteer gets 403), every registration of the event (cancelled ones too unless `status` says "
                "otherwise), searched by `q` (a name, a whole phone number however typed, four or more of its "
                "digits, or a ticket number), sorted by `sort` (`name`, `created`, `status` or `party`, a leading "
                "`-` reverses it; ties by `id`) and paged; the answer adds `total`, `page`, `per_page`, `pages` "
                "and `sort`. A page past the last answers the last. A wrong value of any of them: 422 naming it.",
                "tags": ["check-in", "registrations"],
                "security": STAFF,
                "parameters": [
                    EVENT_ID,
                    {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 100}, "description": "Part of a name, phone number or ticket number; absent or empty: every registration."},
                    {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["confirmed", "waitlisted", "cancelled"]}},
                    {"name": "sort", "in": "query", "schema": {"type": "string", "enum": [
                        "created", "-created", "name", "-name", "status", "-status", "party", "-party"], "default": "created"}},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000000, "default": 1}},
                    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
                ],
                "responses": {
                    "200": json_response({
                        "type": "object",
                        "required": ["registrations"],
                        "properties": {
                            "registrations": {"type": "array", "items": ref("Registration")},
                            "total": {"type": "integer", "description": "List only: registrations matching, on all pages."},
                            "page": {"type": "integer"}, "per_page": {"type": "integer"}, "pages": {"type": "integer"},
                            "sort": {"type": "string"},
                        },
                    }, "Matches, or one page of the list"),
                    **errors(401, 403, 404, 422),
                },
            },
        },
        "/tickets/{token}": {
            "get": {
                "summary": "A ticket's registration and event",
                "tags": ["registrations"],
                "security": PUBLIC,
                "parameters": [TOKEN],
                "responses": {"200": json_response(ref("Registration"), "The ticket"), **errors(404, 429)},
            }
        },
        "/tickets/lookup": {
            "post": {
                "summary": "Find my ticket: send the ticket links again, by phone number",
                "description": "Public and rate-limited (per address, and per phone number from any address: "
                "`lookup_throttled`, 429). The answer has the same status and shape whether or not the number "
                "registered. Upcoming registrations (confirmed or waitlisted) with an e-mail address get their "
                "ticket links by e-mail when a mail server is set (`mail_configured`); `tickets` lists only those "
                "without one (or all, when no mail can go) whose registered `name` also matches (spaces, "
                "full-width characters and letter case aside). A wrong name answers as an unknown number. "
                "Send the phone number and name in the body only, never in a URL.",
                "tags": ["registrations"],
                "security": PUBLIC,
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("TicketLookupIn")}}},
                "responses": {
                    "200": json_response(ref("TicketLookup"), "The same answer whether or not the number registered"),
                    **errors(404, 415, 422, 429),
                },
            }
        },
        "/tickets/{token}/cancel": {
            "post": {
                "summary": "Cancel a registration by its ticket",
                "description": "The token is the credential. Cancelling twice is not an error. Frees the seats for the waiting list.",
                "tags": ["registrations"],
                "security": PUBLIC,
                "parameters": [TOKEN],
                "responses": {
                    "200": json_response({"type": "object", "properties": {"status": {"const": "cancelled"}}}, "Cancelled"),
                    **errors(404, 409, 429),
                },
            }
        },
        "/checkins": {
            "post": {
                "summary": "Check a ticket in",
                "description": "Staff, or a volunteer on a shift of the event. One check-in admits the whole party, once a day. "
                "Errors: `invalid_ticket` (404), `cancelled`, `waitlisted`, `wrong_event`, `checkin_closed` (409).",
                "tags": ["check-in"],
                "security": STAFF,
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("CheckInIn")}}},
                "responses": {"200": json_response(ref("CheckInResult"), "Admitted, or admitted already"), **errors(400, 401, 403, 404, 409, 415, 422)},
            }
        },
        "/checkins/{checkin_id}": {
            "delete": {
                "summary": "Undo a mistaken check-in (audited)",
                "tags": ["check-in"],
                "security": STAFF,
                "parameters": [{"name": "checkin_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {"200": json_response({"type": "object", "properties": {"status": {"const": "undone"}}}, "Undone"), **errors(401, 403, 404)},
            },
            "patch": {
                "summary": "Correct how many of a party came (audited)",
                "description": "A group counted at the door (45 booked, 42 came): `headcount` from 1 to the party booked "
                "(else 422 on `headcount`). The reports count it. In a closed year: 409 `year_closed` for staff; an "
                "administrator's correction is accepted and audited.",
                "tags": ["check-in"],
                "security": STAFF,
                "parameters": [{"name": "checkin_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["headcount"],
                    "properties": {"headcount": {"type": "integer", "minimum": 1}},
                }}}},
                "responses": {
                    "200": json_response({"type": "object", "required": ["id", "headcount"], "properties": {
                        "id": {"type": "integer"}, "registration_id": {"type": "integer"}, "event_id": {"type": "integer"},
                        "day": {"type": "string", "format": "date"}, "headcount": {"type": "integer", "minimum": 1},
                    }}, "Corrected"),
                    **errors(401, 403, 404, 409, 415, 422),
                },
            },
        },
        "/events/{event_id}/walkins": {
            "post": {
                "summary": "Count people admitted without a ticket",
                "description": "At the door while check-in is open; staff may give a `day` of the event to record history.",
                "tags": ["check-in"],
                "security": STAFF,
                "parameters": [EVENT_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("WalkInIn")}}},
                "responses": {"201": json_response(ref("WalkIn"), "Counted"), **errors(401, 403, 404, 409, 415, 422)},
            }
        },
        "/events/{event_id}/attendance": {
            "get": {
                "summary": "An event's attendance",
                "tags": ["check-in"],
                "security": STAFF,
                "parameters": [EVENT_ID],
                "responses": {"200": json_response(ref("Attendance"), "Counts of people"), **errors(401, 403, 404)},
            }
        },
        "/events/{event_id}/roster": {
            "get": {
                "summary": "What a scanner needs to keep working offline",
                "description": "The SHA-256 digest of every valid ticket (never the token), names, party sizes and "
                "today's check-ins. Without `since`: the whole roster (`full` true). With `since`, the `next_since` "
                "of an earlier answer: only the entries changed since then (`full` false): new tickets, changed "
                "ones, cancelled ones (status `cancelled`: drop them) and today's check-ins, each as a whole entry "
                "to put in place of the one held (by `id`); the changes of the two minutes before the cursor come "
                "again, so that none committed late is missed. A cursor of another event or day, or older than six "
                "hours, gets the whole roster (`full` true). `entries_total` and `entries_id_sum` describe the "
                "whole roster: when the list a device holds after merging does not match them (a ticket moved to "
                "another event), it asks again without `since`. Every answer has an `ETag` (of everything but "
                "`generated_at` and `next_since`): sent back in `If-None-Match`, it answers 304 with no body while "
                "nothing changed; the device then keeps its cursor.",
                "tags": ["check-in"],
                "security": STAFF,
                "parameters": [
                    EVENT_ID,
                    {"name": "since", "in": "query", "required": False, "schema": {"type": "string"},
                     "description": "The opaque `next_since` of an earlier answer; one the roster never gave: 422."},
                    {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": json_response(ref("Roster"), "The roster, or the changes since the cursor"),
                    "304": {"description": "Nothing changed since the answer with this ETag", "headers": {"ETag": {"schema": {"type": "string"}}}},
                    **errors(401, 403, 404, 422),
                },
            }
        },
    }


def schemas() -> dict:
    integer, string, time = {"type": "integer"}, {"type": "string"}, {"type": "string", "format": "date-time"}
    counts = ["capacity", "registered", "waitlisted", "checked_in", "walk_ins", "attendance", "no_shows"]
    registration = {
        "type": "object",
        "required": ["id", "event_id", "status", "name", "party_size"],
        "properties": {
            "id": integer, "event_id": integer, "name": string, "party_size": integer,
            "status": {"type": "string", "enum": ["confirmed", "waitlisted", "cancelled"]},
            "phone": {"type": "string", "description": "In full for staff; only its last four digits for volunteers."},
            "checked_in_at": {"type": ["string", "null"], "format": "date-time"},
            "registered_at": {"type": "string", "format": "date-time", "description": "In the staff list: when it was made (or moved here)."},
            "event": ref("Event"),
            "group": {"oneOf": [{"type": "null"}, ref("Group")], "description": "A group registration's details; null for an individual's."},
        },
    }
    return {
        "Registration": registration,
        "Question": {
            "type": "object",
            "required": ["key", "label"],
            "description": "An extra question registrants answer (school, grade, age group, piece title).",
            "properties": {
                "key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,31}$"},
                "label": {"type": "string", "maxLength": 100},
                "label_en": {"type": "string", "maxLength": 100},
                "required": {"type": "boolean", "default": False},
                "choices": {"type": "array", "items": {"type": "string"}, "maxItems": 30},
            },
        },
        "RegistrationIn": {
            "type": "object",
            "required": ["name", "phone"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 100},
                "phone": {"type": "string", "maxLength": 40, "description": "A mainland mobile (11 digits from 13 to 19, such as 13812345678), a landline with its area code (0731-23456789), or a number abroad with + and its country code. Full-width digits are accepted."},
                "party_size": {"type": "integer", "minimum": 1, "default": 1, "description": "Up to the event's max_party_size."},
                "email": {"type": "string", "format": "email"},
                "answers": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Answers to the event's extra questions, by key."},
                "group": ref("GroupIn"),
            },
        },
        "GroupIn": {
            "type": "object",
            "required": ["kind", "organisation"],
            "description": "Makes the registration a group's; `party_size`, when sent too, must be children + adults.",
            "properties": {
                "kind": {"type": "string", "enum": list(GROUP_KINDS)},
                "organisation": {"type": "string", "minLength": 1, "maxLength": ORGANISATION_MAX, "description": "The school, kindergarten, community or company."},
                "children": {"type": "integer", "minimum": 0, "maximum": 10000, "default": 0},
                "adults": {"type": "integer", "minimum": 0, "maximum": 10000, "default": 0, "description": "Teachers, carers, parents."},
                "needs": {"type": "string", "maxLength": GROUP_NEEDS_MAX, "description": "Accessibility and other needs."},
                "arrival": {"type": ["string", "null"], "examples": ["09:30"], "description": "Expected arrival time (library time, HH:MM)."},
            },
        },
        "Group": {
            "type": "object",
            "required": ["kind", "organisation", "children", "adults"],
            "properties": {
                "kind": {"type": "string", "enum": list(GROUP_KINDS)},
                "organisation": {"type": "string"},
                "children": {"type": "integer", "minimum": 0},
                "adults": {"type": "integer", "minimum": 0},
                "needs": {"type": ["string", "null"]},
                "arrival": {"type": ["string", "null"], "examples": ["09:30"]},
            },
        },
        "RegistrationCreated": {
            "allOf": [
                registration,
                {
                    "type": "object",
                    "required": ["ticket"],
                    "properties": {
                        "ticket": {
                            "type": "object",
                            "required": ["token", "url", "qr_png_url", "qr_svg_url", "pdf_url", "cancel_url"],
                            "properties": {k: string for k in ["token", "url", "qr_png_url", "qr_svg_url", "pdf_url", "cancel_url"]},
                        }
                    },
                },
            ]
        },
        "TicketLookupIn": {
            "type": "object",
            "required": ["phone"],
            "properties": {
                "phone": {"type": "string", "maxLength": 40, "description": "The number registered with, written as when registering."},
                "name": {"type": "string", "maxLength": 1000, "description": "The name registered with: shows a ticket no e-mail can take."},
                "event_id": {"type": "integer", "description": "One event; without it, every upcoming event."},
            },
        },
        "TicketLookup": {
            "type": "object",
            "required": ["mail_configured", "message", "tickets"],
            "properties": {
                "mail_configured": {"type": "boolean", "description": "Whether this library sends e-mail at all (not whether a message was sent)."},
                "message": string,
                "tickets": {"type": "array", "items": {"allOf": [
                    registration,
                    {"type": "object", "required": ["ticket"], "properties": {
                        "ticket": {
                            "type": "object",
                            "required": ["token", "url", "qr_png_url", "qr_svg_url", "pdf_url", "cancel_url"],
                            "properties": {k: string for k in ["token", "url", "qr_png_url", "qr_svg_url", "pdf_url", "cancel_url"]},
                        },
                    }},
                ]}},
            },
        },
        "CheckInIn": {
            "type": "object",
            "description": "A `token` or a `registration_id` is required.",
            "anyOf": [{"required": ["token"]}, {"required": ["registration_id"]}],
            "properties": {
                "token": {"type": "string", "minLength": 1, "maxLength": 500, "description": "The bare token or the ticket URL; with event_id, also the number printed on the ticket (入场券编号), read for that event only."},
                "registration_id": {"type": "integer", "description": "Instead of a token: from the manual search."},
                "event_id": {"type": "integer", "description": "The scanner's event; a ticket of another event is `wrong_event`."},
                "client_key": {"type": "string", "maxLength": 64, "description": "Idempotency key: a re-sent check-in counts once."},
                "device_id": {"type": "string", "maxLength": 64},
                "scanned_at": {**time, "description": "When an offline scanner admitted the party."},
                "headcount": {
                    "type": "integer", "minimum": 1,
                    "description": "How many of the party actually came (a group of 45 of whom 42 came: 42), from 1 to "
                    "the party booked (more: 422 on `headcount`; count anyone more as walk-ins). Absent: the whole "
                    "party. The reports' `checked_in` counts it. Ignored when the ticket was already admitted that day.",
                },
            },
        },
        "CheckInResult": {
            "type": "object",
            "required": ["result", "checked_in_at", "registration"],
            "properties": {
                "result": {"type": "string", "enum": ["checked_in", "already_checked_in"]},
                "checked_in_at": time,
                "checkin_id": integer,
                "conflict": {"type": "boolean", "description": "An offline admission of a ticket another device had admitted."},
                "headcount": {**integer, "description": "The people this check-in counts: the headcount recorded, else the whole party."},
                "registration": {"type": "object", "properties": {
                    "id": integer, "name": string, "party_size": integer, "event_id": integer,
                    "group": {**ref("Group"), "description": "Only for a group's ticket."},
                }},
            },
        },
        "WalkInIn": {
            "type": "object",
            "required": ["count"],
            "properties": {
                "count": {"type": "integer", "minimum": 1, "maximum": 10000},
                "client_key": {"type": "string", "maxLength": 64},
                "device_id": {"type": "string", "maxLength": 64},
                "day": {"type": "string", "format": "date", "description": "Staff only: a day of the event, to record history."},
                "scanned_at": {**time, "description": "When an offline scanner counted them."},
            },
        },
        "WalkIn": {
            "type": "object",
            "properties": {"id": integer, "event_id": integer, "count": integer, "day": {"type": "string", "format": "date"}, "attendance": ref("Attendance")},
        },
        "Attendance": {
            "type": "object",
            "required": counts,
            "description": "People, party sizes summed; attendance = checked_in + walk_ins; no_shows once the event has ended.",
            "properties": {k: ({"type": ["integer", "null"]} if k == "capacity" else integer) for k in counts},
        },
        "Roster": {
            "type": "object",
            "properties": {
                "event_id": integer, "day": {"type": "string", "format": "date"}, "generated_at": time, "door_open": {"type": "boolean"},
                "full": {"type": "boolean", "description": "True: the whole roster, to replace the one held; false: changes to merge."},
                "next_since": {"type": "string", "description": "The cursor to send as `since` next time."},
                "entries_total": {"type": "integer", "description": "Tickets in the whole roster (not cancelled)."},
                "entries_id_sum": {"type": "integer", "description": "The sum of their `id`s."},
                "entries": {"type": "array", "items": {"type": "object", "properties": {
                    "id": integer, "digest": {"type": "string", "description": "SHA-256 (hex) of the ticket token."},
                    "name": string, "party_size": integer, "status": string,
                    "checked_in_at": {"type": ["string", "null"], "format": "date-time"},
                }}},
                "attendance": ref("Attendance"),
            },
        },
    }
