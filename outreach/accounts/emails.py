"""The messages an account holder gets: a link to set a new password.

Queued in the session and sent after the commit (``outreach.platform.mail``), in the
language the person chose, else the library's default language.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from outreach.extensions import db
from outreach.i18n import library_name
from outreach.platform import mail


def queue_password_reset(user, url: str, *, by_admin: bool = False) -> None:
    """Send ``user`` the link that sets a new password (good for one hour, once)."""
    locale = user.locale or current_app.config["DEFAULT_LOCALE"]
    with force_locale(locale):
        library = library_name(locale)
        subject = _("Set a new password for %(library)s Outreach", library=library)
        lines = [
            _("Hello %(name)s,", name=user.name),
            _("An administrator has asked for you to set a new password.") if by_admin
            else _("Someone (we hope you) asked to set a new password for your account."),
            _("Open this link within one hour to choose a new password; it works once:"),
            url,
            _("Setting a new password signs you out on every device and revokes your API tokens."),
        ]
        if not by_admin:
            lines.append(_("If you did not ask for this, ignore this message: your password stays as it is."))
    mail.queue(db.session, mail.Message(
        user.email, str(subject), "\n\n".join(str(line) for line in lines), kind="account.password_reset", locale=locale,
    ))
