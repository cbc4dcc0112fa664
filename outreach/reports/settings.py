"""The reports' library settings, kept as ``Setting`` rows (key/value text):

- which rows of the statistics return each event type counts in (a JSON object
  ``{"lecture": ["lectures", "all_activities"], ...}``);
- how many months personal data of registrations is kept after an event (the retention
  period the privacy command applies).
"""

from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l

from outreach.errors import ValidationError
from outreach.events.models import EVENT_TYPES
from outreach.extensions import db
from outreach.platform.models import Setting
from outreach.platform.services import record

#: The activity rows of the public-library statistics return, in the return's order.
RETURN_ROWS = ("lectures", "exhibitions", "trainings", "all_activities")
RETURN_ROW_LABELS = {
    "lectures": _l("Lectures organised"),
    "exhibitions": _l("Exhibitions held"),
    "trainings": _l("Training courses held"),
    "all_activities": _l("Activities held for readers"),
}
#: What the return calls the people of each row (参加人次, 参观人次).
RETURN_ROW_ATTENDANCE_LABELS = {
    "lectures": _l("Participants (person-visits)"),
    "exhibitions": _l("Visitors (person-visits)"),
    "trainings": _l("Participants (person-visits)"),
    "all_activities": _l("Participants (person-visits)"),
}
MAPPING_KEY = "reports.return_mapping"
RETENTION_KEY = "reports.retention_months"
DEFAULT_RETENTION_MONTHS = 36
RETENTION_RANGE = (1, 240)


def default_mapping() -> dict[str, tuple[str, ...]]:
    """lecture → lectures, exhibition → exhibitions, training and class → trainings; every
    type → all activities."""
    own = {"lecture": "lectures", "exhibition": "exhibitions", "training": "trainings", "class": "trainings"}
    return {t: tuple(r for r in RETURN_ROWS if r in (own.get(t), "all_activities")) for t in EVENT_TYPES}


def _value(key: str) -> str | None:
    setting = db.session.get(Setting, key)
    return None if setting is None else setting.value


def return_mapping() -> dict[str, tuple[str, ...]]:
    """The return rows of every event type (the default for types the setting does not name)."""
    mapping = default_mapping()
    stored = _value(MAPPING_KEY)
    if stored:
        try:
            saved = json.loads(stored)
        except ValueError:
            saved = {}
        for event_type, rows in saved.items() if isinstance(saved, dict) else ():
            if event_type in mapping and isinstance(rows, list):
                mapping[event_type] = tuple(r for r in RETURN_ROWS if r in rows)
    return mapping


def retention_months() -> int:
    stored = _value(RETENTION_KEY)
    try:
        months = int(stored) if stored is not None else DEFAULT_RETENTION_MONTHS
    except ValueError:
        return DEFAULT_RETENTION_MONTHS
    return months if RETENTION_RANGE[0] <= months <= RETENTION_RANGE[1] else DEFAULT_RETENTION_MONTHS


def _put(key: str, value: str) -> None:
    setting = db.session.get(Setting, key)
    if setting is None:
        db.session.add(Setting(key=key, value=value))
    else:
        setting.value = value


def save_settings(mapping: dict[str, list[str]], months: int, *, actor) -> None:
    """Store the mapping (unknown types or rows raise ``ValidationError``) and the retention
    period in months (1 to 240). Audited."""
    errors = {}
    clean = {}
    for event_type, rows in mapping.items():
        if event_type not in EVENT_TYPES or any(r not in RETURN_ROWS for r in rows):
            errors[f"mapping-{event_type}"] = _l("Choose rows of the statistics return.")
            continue
        clean[event_type] = [r for r in RETURN_ROWS if r in rows]
    if isinstance(months, bool) or not isinstance(months, int) or not RETENTION_RANGE[0] <= months <= RETENTION_RANGE[1]:
        errors["retention_months"] = _l("Enter a whole number from %(min)d to %(max)d.", min=RETENTION_RANGE[0],
                                        max=RETENTION_RANGE[1])
    if errors:
        raise ValidationError(errors)
    full = {t: list(return_mapping()[t]) for t in EVENT_TYPES}
    full.update(clean)
    _put(MAPPING_KEY, json.dumps(full, sort_keys=True))
    _put(RETENTION_KEY, str(months))
    db.session.flush()
    record("reports.settings", None, actor=actor, data={"mapping": full, "retention_months": months})
