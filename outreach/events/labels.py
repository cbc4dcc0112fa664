"""Translated names of the codes stored in the database."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

EVENT_TYPE_LABELS = {
    "lecture": _l("Lecture"),
    "exhibition": _l("Exhibition"),
    "competition": _l("Competition"),
    "activity": _l("Activity"),
    "visit": _l("Visit"),
    "training": _l("Training"),
    "class": _l("Class"),
}

EVENT_STATUS_LABELS = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
}

AUDIENCE_LABELS = {
    "all": _l("Everyone"),
    "children": _l("Children"),
    "teens": _l("Teenagers"),
    "adults": _l("Adults"),
    "seniors": _l("Seniors"),
    "families": _l("Families"),
    "staff": _l("Library staff"),
}

BRANCH_KIND_LABELS = {
    "central": _l("Central library"),
    "branch": _l("Branch library"),
    "village": _l("Village reading room"),
    "mobile": _l("Mobile book bus"),
    "partner": _l("Partner site"),
}

PARTNER_ROLE_LABELS = {
    "co_organiser": _l("Co-organiser"),
    "sponsor": _l("Sponsor"),
    "naming_sponsor": _l("Naming sponsor"),
    "host": _l("Host"),
}


REGISTRATION_STATUS_LABELS = {
    "confirmed": _l("Confirmed"),
    "waitlisted": lazy_pgettext("status", "Waiting list"),
    "cancelled": _l("Cancelled"),
}

#: An export's state (``outreach.platform.models.EXPORT_STATUSES``).
EXPORT_STATUS_LABELS = {
    "queued": lazy_pgettext("export", "Waiting to start"),
    "running": lazy_pgettext("export", "Being made"),
    "done": lazy_pgettext("export", "Ready to download"),
    "failed": lazy_pgettext("export", "Failed"),
    "expired": lazy_pgettext("export", "No longer kept"),
}

#: What a group registration is (``registration.models.GROUP_KINDS``).
GROUP_KIND_LABELS = {
    "school_class": _l("School class"),
    "kindergarten": _l("Kindergarten"),
    "community": _l("Community group"),
    "company": _l("Company or organisation"),
}


def register(app) -> None:
    @app.context_processor
    def labels():
        return {
            "EVENT_TYPE_LABELS": EVENT_TYPE_LABELS,
            "EVENT_STATUS_LABELS": EVENT_STATUS_LABELS,
            "AUDIENCE_LABELS": AUDIENCE_LABELS,
            "BRANCH_KIND_LABELS": BRANCH_KIND_LABELS,
            "PARTNER_ROLE_LABELS": PARTNER_ROLE_LABELS,
            "REGISTRATION_STATUS_LABELS": REGISTRATION_STATUS_LABELS,
            "EXPORT_STATUS_LABELS": EXPORT_STATUS_LABELS,
            "GROUP_KIND_LABELS": GROUP_KIND_LABELS,
        }
