"""The audit log: who did what, kept in the same transaction as the change itself."""

from __future__ import annotations

from outreach.extensions import db
from outreach.platform.models import AuditEntry


def record(action: str, obj=None, *, actor=None, data: dict | None = None) -> AuditEntry:
    """Add an audit entry for ``action`` on ``obj`` by ``actor``. Never put contact details in ``data``.

    The entry names the event it concerns: ``obj`` when it is an event, else ``obj``'s
    ``event_id`` (a registration, a shift), else ``data["event_id"]``."""
    if obj is not None and getattr(obj, "id", 0) is None:
        db.session.flush()  # the entry needs the new row's id
    entry = AuditEntry(
        action=action,
        actor_id=getattr(actor, "id", None),
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        event_id=_event_of(obj, data),
        data=data,
    )
    db.session.add(entry)
    return entry


def _event_of(obj, data: dict | None) -> int | None:
    # The platform sits below the events area: it knows an event by its table.
    if getattr(obj, "__tablename__", None) == "events":
        return obj.id
    event_id = getattr(obj, "event_id", None) if obj is not None else None
    if event_id is None and data:
        event_id = data.get("event_id")
    return event_id if isinstance(event_id, int) and not isinstance(event_id, bool) else None
