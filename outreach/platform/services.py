"""The audit log: who did what, kept in the same transaction as the change itself."""

from __future__ import annotations

from outreach.extensions import db
from outreach.platform.models import AuditEntry


def record(action: str, obj=None, *, actor=None, data: dict | None = None) -> AuditEntry:
    """Add an audit entry for ``action`` on ``obj`` by ``actor``. Never put contact details in ``data``."""
    if obj is not None and getattr(obj, "id", 0) is None:
        db.session.flush()  # the entry needs the new row's id
    entry = AuditEntry(
        action=action,
        actor_id=getattr(actor, "id", None),
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        data=data,
    )
    db.session.add(entry)
    return entry
