"""Branch staff: the one rule of who may change which branch's records (issue 15, point 3).

A staff account may belong to a branch (``User.branch_id``). It sees its branch's records by
default, may look at every branch's, and may change only its own branch's. Admins and staff
without a branch change everything. The rule takes branch ids, so that every area can ask it
about its own records: events ask it with their venue's branch (``events.services.branch_of``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from outreach.errors import OutreachError, ValidationError

#: The message of a refused change, beside a field or in the API's error body.
OTHER_BRANCH = _l("This belongs to another branch: you may look at it, but only that branch's staff may change it.")
#: Beside the venue field of an event put at another branch's venue.
OTHER_BRANCH_VENUE = _l("This venue belongs to another branch: choose one of your branch's venues.")


class OtherBranchError(OutreachError):
    """A change to another branch's record: 403, code ``other_branch``, nothing saved."""

    status = 403

    def __init__(self, message=OTHER_BRANCH, *, fields: dict | None = None):
        super().__init__("other_branch", message, fields=fields)


class OtherBranchFieldError(ValidationError):
    """The same refusal about one field of a form (a venue, a branch chosen): 403
    ``other_branch``, its message beside that field only."""

    status = 403

    def __init__(self, field: str, message):
        super().__init__({field: message}, message)
        self.code = "other_branch"


def home_branch(user) -> int | None:
    """The branch ``user`` is scoped to: a staff member's branch; None for admins, staff of the
    whole library and everyone else (a keeper's place is the outposts' rule, not this one)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if getattr(user, "role", None) != "staff":
        return None
    return user.branch_id


def may_change(user, branch_id: int | None) -> bool:
    """Whether ``user`` may change a record of ``branch_id`` (None: a record of no branch,
    which only the whole library's staff and admins change)."""
    home = home_branch(user)
    return home is None or home == branch_id


#: Beside a branch field (a series', a venue's) naming another branch.
OTHER_BRANCH_CHOICE = _l("Choose your own branch: you may not add to another branch's records.")


def guard(user, branch_id: int | None, *, field: str | None = None, message=None) -> None:
    """Refuse (``OtherBranchError``) a change ``user`` may not make to a record of ``branch_id``;
    with ``field``, ``message`` (a venue's, by default) also stands beside that field of the form."""
    if not may_change(user, branch_id):
        if field is None:
            raise OtherBranchError()
        raise OtherBranchFieldError(field, message or OTHER_BRANCH_VENUE)


def default_branch(user, asked: str | None) -> int | None:
    """The branch a staff list shows, from its query string's ``branch``: absent, the user's
    own branch (None: every branch); empty or ``all``, every branch; an id, that branch."""
    if asked is None:
        return home_branch(user)
    try:
        value = int(asked)
    except ValueError:
        return None
    return value if value > 0 else None
