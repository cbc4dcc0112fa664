"""The OpenAPI description of this area's API routes, merged into /api/v1/openapi.json."""

from __future__ import annotations

from outreach.api.schema import NEXT_CURSOR, STAFF, errors, json_response, ref, window_parameters
from outreach.competitions.api import COMPETITIONS_LIMIT
from outreach.events.models import BUFFER_MINUTES_MAX, TITLE_MAX

NUMBER = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "A decimal number with two decimals.",
          "examples": ["83.67"]}
NULLABLE_NUMBER = {**NUMBER, "type": ["string", "null"]}


def _id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def paths() -> dict:
    either = [{"bearer": []}, {}]
    round_id, competition_id = _id("round_id"), _id("competition_id")
    return {
        "/competitions": {
            "get": {
                "summary": "List competitions",
                "description": "Public: competitions with a published sitting. Staff: all. The newest first, in "
                               "windows: give `next_cursor` as `cursor` for the next.",
                "tags": ["competitions"],
                "security": either,
                "parameters": window_parameters(COMPETITIONS_LIMIT),
                "responses": {"200": json_response({"type": "object", "required": ["competitions", "next_cursor"], "properties": {
                    "competitions": {"type": "array", "items": ref("CompetitionSummary")}, "next_cursor": NEXT_CURSOR}},
                    "The competitions"), **errors(422)},
            },
            "post": {
                "summary": "Create a competition with its rubric and judges",
                "description": "409 `competition_exists` for a title in use, `judge_exists` for a judge named twice.",
                "tags": ["competitions"],
                "security": STAFF,
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("CompetitionIn")}}},
                "responses": {"201": json_response(ref("Competition"), "The new competition"),
                              **errors(401, 403, 409, 415, 422)},
            },
        },
        "/competitions/{competition_id}": {
            "get": {
                "summary": "A competition: rubric, judges, rounds and sittings",
                "description": "Public once a sitting is published (draft sittings are left out); staff always.",
                "tags": ["competitions"],
                "security": either,
                "parameters": [competition_id],
                "responses": {"200": json_response(ref("Competition"), "The competition"), **errors(404)},
            }
        },
        "/competitions/{competition_id}/rounds": {
            "post": {
                "summary": "Add the next round",
                "tags": ["competitions"],
                "security": STAFF,
                "parameters": [competition_id],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("RoundIn")}}},
                "responses": {"201": json_response(ref("Round"), "The new round"), **errors(401, 403, 404, 415, 422)},
            }
        },
        "/rounds/{round_id}/sittings": {
            "post": {
                "summary": "Add a sitting (a competition event) to a round",
                "description": "One contestant per ticket; the registration asks school, grade, age group and story. "
                "409 `room_booked` unless `booking_override_reason` is given.",
                "tags": ["competitions"],
                "security": STAFF,
                "parameters": [round_id],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("SittingIn")}}},
                "responses": {"201": json_response(ref("Event"), "The new sitting"), **errors(401, 403, 404, 409, 415, 422)},
            }
        },
        "/rounds/{round_id}/scores": {
            "put": {
                "summary": "Enter one judge's scores",
                "description": "Upserts; a null score clears it. 422 with `score-<registration_id>-<criterion_id>` "
                "for a score out of range or a contestant not in the round; 409 `already_advanced` or "
                "`results_published` once the results are settled.",
                "tags": ["competitions"],
                "security": STAFF,
                "parameters": [round_id],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("ScoresIn")}}},
                "responses": {
                    "200": json_response({"type": "object", "required": ["changed"],
                                          "properties": {"changed": {"type": "integer", "minimum": 0}}}, "How many scores changed"),
                    **errors(401, 403, 404, 409, 415, 422),
                },
            }
        },
        "/rounds/{round_id}/results": {
            "get": {
                "summary": "A round's ranked results",
                "description": "A judge's total is Σ(score/max × weight)/Σ weight × 100; the score is the mean of the "
                "judges' totals, dropping the highest and lowest with five judges or more. Public once published "
                "(an empty list before), without registration ids; staff always.",
                "tags": ["competitions"],
                "security": either,
                "parameters": [round_id],
                "responses": {"200": json_response(ref("RoundResults"), "The results"), **errors(404)},
            }
        },
        "/rounds/{round_id}/advance": {
            "post": {
                "summary": "Register the advancing contestants in the next round",
                "description": "Into `sitting_id`, by default the next round's first sitting. 409 codes: "
                "`already_advanced`, `no_advance_rule`, `no_next_round`, `no_sitting`, `no_scores`, "
                "`scores_incomplete`, `next_round_full`.",
                "tags": ["competitions"],
                "security": STAFF,
                "parameters": [round_id],
                "requestBody": {"required": False, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"sitting_id": {"type": "integer"}}}}}},
                "responses": {
                    "200": json_response({"type": "object", "required": ["advanced", "registrations"], "properties": {
                        "advanced": {"type": "integer"},
                        "registrations": {"type": "array", "items": {"type": "integer"},
                                          "description": "The new registrations' ids."},
                    }}, "Advanced"),
                    **errors(401, 403, 404, 409, 415, 422),
                },
            }
        },
        "/rounds/{round_id}/publish": {
            "post": {
                "summary": "Publish a round's results",
                "description": "409 `no_scores` or `scores_incomplete`. Publishing twice is not an error.",
                "tags": ["competitions"],
                "security": STAFF,
                "parameters": [round_id],
                "responses": {"200": json_response(ref("Round"), "Published"), **errors(401, 403, 404, 409)},
            }
        },
    }


def schemas() -> dict:
    named = {"name": {"type": "string"}, "name_en": {"type": ["string", "null"]}}
    award = {"type": "object", "required": ["name", "places"], "properties": {
        "name": {"type": "string", "maxLength": 60, "examples": ["一等奖"]},
        "name_en": {"type": ["string", "null"], "maxLength": 60},
        "places": {"type": "integer", "minimum": 1, "description": "How many places, counted on from the tier above."},
    }}
    summary = {"type": "object", "required": ["id", "title"], "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"}, "title_en": {"type": ["string", "null"]},
        "display_title": {"type": "string"},
    }}
    return {
        "CompetitionSummary": summary,
        "Competition": {
            "type": "object",
            "required": ["id", "title", "criteria", "judges", "rounds"],
            "properties": {
                **summary["properties"],
                "description": {"type": ["string", "null"]},
                "description_en": {"type": ["string", "null"]},
                "criteria": {"type": "array", "items": {"type": "object", "properties": {
                    "id": {"type": "integer"}, **named, "display_name": {"type": "string"},
                    "weight": NUMBER, "max_score": NUMBER,
                }}},
                "judges": {"type": "array", "items": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "name": {"type": "string"}, "affiliation": {"type": ["string", "null"]},
                }}},
                "rounds": {"type": "array", "items": ref("Round")},
            },
        },
        "CompetitionIn": {
            "type": "object",
            "required": ["title"],
            "properties": {
                "title": {"type": "string", "minLength": 1, "maxLength": TITLE_MAX},
                "title_en": {"type": "string", "maxLength": TITLE_MAX},
                "description": {"type": "string"},
                "description_en": {"type": "string"},
                "criteria": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["name", "weight"],
                    "properties": {
                        "name": {"type": "string", "maxLength": 120}, "name_en": {"type": "string", "maxLength": 120},
                        "weight": {"type": "number", "exclusiveMinimum": 0},
                        "max_score": {"type": "number", "exclusiveMinimum": 0, "default": 100},
                    }},
                    "description": "The rubric; 422 fields `criteria-<i>-<key>`."},
                "judges": {"type": "array", "items": {"type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string", "maxLength": 100}, "affiliation": {"type": "string", "maxLength": 120},
                }}, "description": "422 fields `judges-<i>-<key>`."},
            },
        },
        "Round": {
            "type": "object",
            "required": ["id", "position", "name", "advance_mode", "advance_value", "awards", "results_published", "sittings"],
            "properties": {
                "id": {"type": "integer"},
                "position": {"type": "integer", "minimum": 1},
                **named,
                "display_name": {"type": "string"},
                "advance_mode": {"type": ["string", "null"], "enum": ["top", "threshold", None]},
                "advance_value": NULLABLE_NUMBER,
                "awards": {"type": "array", "items": award},
                "advanced": {"type": "boolean"},
                "results_published": {"type": "boolean"},
                "sittings": {"type": "array", "items": {"type": "object", "properties": {
                    "id": {"type": "integer"},
                    "starts_at": {"type": "string", "format": "date-time"},
                    "ends_at": {"type": "string", "format": "date-time"},
                    "venue": ref("Venue"),
                    "capacity": {"type": ["integer", "null"]},
                    "status": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                }}},
            },
        },
        "RoundIn": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "maxLength": 120, "examples": ["初赛"]},
                "name_en": {"type": "string", "maxLength": 120},
                "advance_mode": {"type": ["string", "null"], "enum": ["top", "threshold", None]},
                "advance_value": {"type": ["number", "null"], "description": "N for top, a score out of 100 for threshold."},
                "awards": {"type": "array", "maxItems": 10, "items": award,
                           "description": "From the top; 422 fields `awards-<i>-<key>`."},
            },
        },
        "SittingIn": {
            "type": "object",
            "required": ["venue_id", "starts_at", "ends_at"],
            "properties": {
                "venue_id": {"type": "integer"},
                "starts_at": {"type": "string", "format": "date-time", "description": "Without an offset: library time."},
                "ends_at": {"type": "string", "format": "date-time"},
                "capacity": {"type": ["integer", "null"], "minimum": 0},
                "status": {"type": "string", "enum": ["draft", "published"], "default": "draft"},
                "registration_opens_at": {"type": "string", "format": "date-time"},
                "registration_closes_at": {"type": "string", "format": "date-time"},
                "setup_minutes": {"type": "integer", "minimum": 0, "maximum": BUFFER_MINUTES_MAX},
                "teardown_minutes": {"type": "integer", "minimum": 0, "maximum": BUFFER_MINUTES_MAX},
                "booking_override_reason": {"type": "string", "maxLength": 500},
            },
        },
        "ScoresIn": {
            "type": "object",
            "required": ["judge_id", "scores"],
            "properties": {
                "judge_id": {"type": "integer"},
                "scores": {"type": "array", "items": {"type": "object",
                    "required": ["registration_id", "criterion_id", "score"], "properties": {
                        "registration_id": {"type": "integer"},
                        "criterion_id": {"type": "integer"},
                        "score": {"type": ["number", "null"], "minimum": 0, "description": "null clears the score."},
                    }}},
            },
        },
        "RoundResults": {
            "type": "object",
            "required": ["round", "published", "results"],
            "properties": {
                "round": ref("Round"),
                "published": {"type": "boolean"},
                "results": {"type": "array", "items": {"type": "object", "properties": {
                    "rank": {"type": ["integer", "null"], "description": "Equal scores share a rank; null when unscored."},
                    "registration_id": {"type": "integer", "description": "Staff only."},
                    "sitting_id": {"type": "integer", "description": "Staff only."},
                    "complete": {"type": "boolean", "description": "Staff only: false while a judge's sheet is unfinished."},
                    "name": {"type": "string"},
                    "school": {"type": ["string", "null"]},
                    "piece": {"type": ["string", "null"]},
                    "score": NULLABLE_NUMBER,
                    "judge_totals": {"type": "object", "additionalProperties": NUMBER,
                                     "description": "Judge id → that judge's weighted total out of 100."},
                    "counted_judges": {"type": "array", "items": {"type": "integer"}},
                    "advances": {"type": "boolean"},
                    "award": {"type": ["object", "null"], "properties": named},
                }}},
            },
        },
    }
