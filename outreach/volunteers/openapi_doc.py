"""The OpenAPI description of this area's API routes, merged into /api/v1/openapi.json."""

from __future__ import annotations

from outreach.api.schema import DATE_QUERY, EVENT_ID, NEXT_CURSOR, STAFF, errors, json_response, ref, window_parameters

SHIFT_ID = {"name": "shift_id", "in": "path", "required": True, "schema": {"type": "integer"}}
YEAR_QUERY = {
    "name": "year", "in": "query", "schema": {"type": "integer", "minimum": 2000},
    "description": "The calendar year (library time); default: this year.",
}
VOLUNTEER = [{"bearer": []}]


def paths() -> dict:
    return {
        "/events/{event_id}/shifts": {
            "post": {
                "summary": "Add a volunteer shift to an event",
                "description": "Staff may create shifts in the past, to record what happened.",
                "tags": ["volunteers"],
                "security": STAFF,
                "parameters": [EVENT_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("ShiftIn")}}},
                "responses": {"201": json_response(ref("Shift"), "The new shift"), **errors(401, 403, 404, 415, 422)},
            }
        },
        "/shifts": {
            "get": {
                "summary": "Upcoming shifts",
                "description": "Volunteers and staff. Without dates: the shifts of the next 60 days that have not ended "
                "(those of cancelled events left out); with `from` only, the 60 days from it; at most 366 days at once. "
                "The shifts come by start time in windows of `limit` (200 unless said): give `next_cursor` as `cursor` "
                "for the next window. "
                "A volunteer also gets each shift's `state` for them: `free`, `full` (signing up joins the waiting "
                "list), `overlap`, `not_open`, `needs_training`, `needs_skill`, `not_active`, `started`, `signed_up`, "
                "`waitlisted`.",
                "tags": ["volunteers"],
                "security": VOLUNTEER,
                "parameters": [*DATE_QUERY, *window_parameters(200)],
                "responses": {
                    "200": json_response({"type": "object", "required": ["shifts", "next_cursor"], "properties": {
                        "shifts": {"type": "array", "items": ref("Shift")}, "next_cursor": NEXT_CURSOR,
                    }}, "The shifts, by start time"),
                    **errors(401, 403, 422),
                },
            }
        },
        "/shifts/{shift_id}/signups": {
            "post": {
                "summary": "Sign up for a shift",
                "description": "Approved (active) volunteers. Confirmed while a slot is free, else waitlisted; the waiting "
                "list is promoted in order. 409 codes: `not_active`, `shift_started`, `signup_not_open`, "
                "`training_required`, `skill_required`, `shift_overlap`, `already_signed_up`.",
                "tags": ["volunteers"],
                "security": VOLUNTEER,
                "parameters": [SHIFT_ID],
                "responses": {"201": json_response(ref("SignupCreated"), "Signed up"), **errors(401, 403, 404, 409)},
            }
        },
        "/shifts/{shift_id}/signups/mine": {
            "delete": {
                "summary": "Cancel my sign-up",
                "description": "Until the shift's cut-off (by default 24 hours before it starts); after it only staff can "
                "remove a volunteer: 409 `cancel_closed`. Cancelling again answers the same. 409 `not_signed_up` "
                "when there is no sign-up.",
                "tags": ["volunteers"],
                "security": VOLUNTEER,
                "parameters": [SHIFT_ID],
                "responses": {
                    "200": json_response({"type": "object", "required": ["status"], "properties": {
                        "status": {"const": "cancelled"}, "id": {"type": "integer"}, "shift_id": {"type": "integer"},
                    }}, "Cancelled"),
                    **errors(401, 403, 404, 409),
                },
            }
        },
        "/shifts/{shift_id}/attendance": {
            "post": {
                "summary": "Record a volunteer's attendance",
                "description": "Staff, once the shift has started (else 409 `shift_not_started`), whether or not the "
                "volunteer signed up. `hours` defaults to the shift's length and is rounded to a quarter hour. A "
                "correction replaces the earlier entry and is kept in the audit log.",
                "tags": ["volunteers"],
                "security": STAFF,
                "parameters": [SHIFT_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("AttendanceIn")}}},
                "responses": {"200": json_response(ref("Signup"), "The volunteer's entry for the shift"), **errors(401, 403, 404, 409, 415, 422)},
            }
        },
        "/volunteers/me": {
            "get": {
                "summary": "My volunteer profile",
                "description": "`id` is the `volunteer_id` of the shift routes.",
                "tags": ["volunteers"],
                "security": VOLUNTEER,
                "responses": {"200": json_response(ref("VolunteerMe"), "The profile"), **errors(401, 403)},
            },
            "patch": {
                "summary": "Change my own details",
                "description": "Only the fields given change: `phone` (a number staff can call), `skills`, `languages`, "
                "`availability` and `emergency_contact` (`null` clears them, except the phone). Any other field is a 422.",
                "tags": ["volunteers"],
                "security": VOLUNTEER,
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("VolunteerMeIn")}}},
                "responses": {"200": json_response(ref("VolunteerMe"), "The profile, changed"), **errors(401, 403, 415, 422)},
            },
        },
        "/volunteers/me/hours": {
            "get": {
                "summary": "My hours in a year",
                "description": "`hours` is the sum of the completed shifts' hours and the staff corrections of the year.",
                "tags": ["volunteers"],
                "security": VOLUNTEER,
                "parameters": [YEAR_QUERY],
                "responses": {"200": json_response(ref("Hours"), "The hours"), **errors(401, 403, 422)},
            }
        },
        "/volunteers/me/certificate.pdf": {
            "get": {
                "summary": "My hours certificate (志愿服务证明) for a year, a PDF",
                "tags": ["volunteers"],
                "security": VOLUNTEER,
                "parameters": [YEAR_QUERY, {"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["zh_Hans", "en"]}}],
                "responses": {
                    "200": {"description": "The certificate", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                    **errors(401, 403, 422),
                },
            }
        },
    }


def schemas() -> dict:
    integer, string = {"type": "integer"}, {"type": "string"}
    time, maybe_time = {"type": "string", "format": "date-time"}, {"type": ["string", "null"], "format": "date-time"}
    maybe_string = {"type": ["string", "null"]}
    hours = {"type": "number", "description": "Hours, e.g. 3.5"}
    states = ["free", "full", "overlap", "not_open", "needs_training", "needs_skill", "not_active", "started", "signed_up", "waitlisted"]
    return {
        "ShiftIn": {
            "type": "object",
            "required": ["role", "starts_at", "ends_at", "slots"],
            "properties": {
                "role": {"type": "string", "minLength": 1, "maxLength": 120, "examples": ["签到引导"]},
                "starts_at": {**time, "description": "Without an offset: library time."},
                "ends_at": time,
                "slots": {"type": "integer", "minimum": 1, "maximum": 500},
                "location": {"type": "string", "maxLength": 200},
                "notes": {"type": "string", "maxLength": 2000},
                "required_topic": {"type": "string", "maxLength": 100, "description": "A training's topic the volunteer must have attended."},
                "required_skill": {"type": "string", "maxLength": 100, "description": "A skill the volunteer's profile must list."},
                "signup_opens_at": {**time, "description": "Default: the library's number of days before the start (30)."},
                "cancel_cutoff_hours": {"type": "integer", "minimum": 0, "maximum": 720, "description": "Default: 24."},
            },
        },
        "Shift": {
            "type": "object",
            "required": ["id", "role", "starts_at", "ends_at", "slots"],
            "properties": {
                "id": integer, "event_id": {"type": ["integer", "null"]},
                "event": {"type": ["object", "null"], "properties": {"id": integer, "title": string, "display_title": string}},
                "role": string, "starts_at": time, "ends_at": time, "slots": integer,
                "taken": {"type": "integer", "description": "Slots held (confirmed or completed)."},
                "location": maybe_string, "place": {**maybe_string, "description": "The location, else the event's venue."},
                "notes": maybe_string, "required_topic": maybe_string, "required_skill": maybe_string,
                "signup_opens_at": time, "cancel_cutoff_hours": {"type": ["integer", "null"]},
                "cancel_until": {**time, "description": "After this only staff can remove a volunteer."},
                "state": {"type": "string", "enum": states, "description": "For a volunteer: what they can do with this shift."},
                "state_detail": {"type": "object", "properties": {
                    "opens_at": time, "topic": string, "skill": string, "overlaps_shift_id": integer,
                }},
                "can_sign_up": {"type": "boolean"},
                "can_cancel": {"type": "boolean"},
                "signup": {"type": ["object", "null"], "properties": {"id": integer, "status": string}},
            },
        },
        "SignupCreated": {
            "type": "object",
            "required": ["id", "status"],
            "properties": {
                "id": integer, "status": {"type": "string", "enum": ["confirmed", "waitlisted"]},
                "shift_id": integer, "volunteer_id": integer,
            },
        },
        "Signup": {
            "type": "object",
            "required": ["id", "shift_id", "volunteer_id", "status", "hours"],
            "properties": {
                "id": integer, "shift_id": integer, "volunteer_id": integer,
                "status": {"type": "string", "enum": ["confirmed", "waitlisted", "cancelled", "completed", "no_show"]},
                "hours": {"type": ["number", "null"], "description": "Hours credited once completed."},
                "checked_in_at": maybe_time, "checked_out_at": maybe_time,
            },
        },
        "AttendanceIn": {
            "type": "object",
            "required": ["volunteer_id", "status"],
            "properties": {
                "volunteer_id": {"type": "integer", "description": "`id` of `GET /volunteers/me`."},
                "status": {"type": "string", "enum": ["completed", "no_show"]},
                "hours": {"type": "number", "minimum": 0, "maximum": 24, "description": "Default: the shift's length."},
                "reason": {"type": "string", "maxLength": 1000, "description": "Why a correction was made (audited)."},
            },
        },
        "VolunteerMe": {
            "type": "object",
            "required": ["id", "name", "status"],
            "properties": {
                "id": integer, "name": string,
                "status": {"type": "string", "enum": ["applicant", "active", "paused", "archived", "rejected"]},
                "email": string, "phone": maybe_string, "skills": maybe_string, "languages": maybe_string,
                "availability": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string", "enum": ["am", "pm", "eve"]}}},
                "emergency_contact": maybe_string,
                "calendar_url": {"type": "string", "format": "uri", "description": "The volunteer's shifts as an iCalendar feed (secret)."},
            },
        },
        "VolunteerMeIn": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "phone": {"type": "string", "example": "13812345678"},
                "skills": {**maybe_string, "maxLength": 500},
                "languages": {**maybe_string, "maxLength": 200},
                "availability": {
                    "type": ["object", "null"],
                    "description": "The parts of each day (mon to sun) the volunteer is usually free.",
                    "additionalProperties": {"type": "array", "items": {"type": "string", "enum": ["am", "pm", "eve"]}},
                    "example": {"sat": ["am", "pm"], "sun": ["am"]},
                },
                "emergency_contact": {**maybe_string, "maxLength": 200},
            },
        },
        "Hours": {
            "type": "object",
            "required": ["hours", "shifts", "adjustments"],
            "properties": {
                "year": integer,
                "hours": hours,
                "total_hours": {**hours, "description": "All years."},
                "shifts": {"type": "array", "items": {"type": "object", "required": ["shift_id", "date", "activity", "role", "hours"], "properties": {
                    "shift_id": integer, "date": {"type": "string", "format": "date"}, "activity": string, "role": string, "hours": hours,
                    "checked_in_at": maybe_time, "checked_out_at": maybe_time,
                }}},
                "adjustments": {"type": "array", "items": {"type": "object", "required": ["date", "hours", "reason"], "properties": {
                    "date": {"type": "string", "format": "date"}, "hours": {"type": "number"}, "reason": string,
                }}},
            },
        },
    }
