"""The audit log in the JSON API (admins): the same filters as the page, paged."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from outreach.accounts.permissions import role_required
from outreach.api.helpers import iso
from outreach.audit import services
from outreach.audit.filters import read_query
from outreach.errors import ValidationError

bp = Blueprint("audit_api", __name__)


def row_json(row: services.AuditRow) -> dict:
    return {
        "at": iso(row.at),
        "action": row.action,
        "kind": row.kind,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "event_id": row.event_id,
        "actor": {"id": row.actor.id, "name": row.actor.name, "role": row.actor.role} if row.actor else None,
        "data": row.data,
    }


@bp.get("/audit")
@role_required("admin")
def list_audit():
    query, page, errors, _given = read_query(request.args)
    if errors:
        raise ValidationError(errors)
    rows, total = services.search(query, page=page)
    return jsonify({
        "entries": [row_json(row) for row in rows], "total": total, "page": page, "per_page": services.PAGE_SIZE,
    })
