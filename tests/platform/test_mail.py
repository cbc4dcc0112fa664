"""Mail: what happens to a message without a mail server (the log says so, masked, without
its body), with one, and when it refuses; the logging that makes the log line appear."""

from __future__ import annotations

import logging
import smtplib
import subprocess
import sys
from pathlib import Path

from flask_babel import force_locale

from outreach import LOG_FORMAT
from outreach.extensions import db
from outreach.platform import mail

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
from outreach import create_app
from outreach.platform import mail
app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x", "INSTANCE_PATH": sys.argv[1]})
with app.app_context():
    mail.send(mail.Message("lin@example.org", "Your place at 星海讲坛 is confirmed", "Your ticket: https://x/t/SECRET-TOKEN"))
    app.logger.debug("not shown at INFO")
"""


def test_without_a_mail_server_the_log_says_the_message_was_not_sent(tmp_path):
    """In a process of its own, as under gunicorn or a flask command: nothing configures
    logging but the app, and the line reaches stderr."""
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.endswith(" INFO outreach.platform.mail: mail to l***@example.org not sent: no mail server is set "
                         "(OUTREACH_SMTP_HOST); subject 'Your place at 星海讲坛 is confirmed'")
    assert "SECRET-TOKEN" not in done.stderr and "lin@" not in done.stderr


def test_the_log_level_comes_from_the_configuration(make_app):
    make_app(LOG_LEVEL="warning")
    logger = logging.getLogger("outreach")
    assert logger.level == logging.WARNING
    make_app()
    assert logger.level == logging.INFO
    ours = [h for h in logger.handlers if getattr(h, "outreach", False)]
    assert len(ours) == 1 and ours[0].formatter._fmt == LOG_FORMAT  # one however many apps


def test_outcomes_are_reported_truthfully(app, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="outreach")
    message = mail.Message("lin@example.org", "Subject", "https://x/t/SECRET-TOKEN")
    mail.queue(db.session, message)
    db.session.commit()
    with force_locale("en"):
        assert mail.report(db.session) == (
            "No mail server is configured: 1 message was not sent (the server's log names it)."
        )
    assert mail.report(db.session) is None  # taken once

    class Refusing:
        def __init__(self, *args, **kwargs):
            raise smtplib.SMTPConnectError(421, "busy")

    monkeypatch.setitem(app.config, "SMTP_HOST", "smtp.example.org")
    monkeypatch.setattr(mail.smtplib, "SMTP", Refusing)
    mail.queue(db.session, message)
    mail.queue(db.session, message)
    db.session.commit()
    with force_locale("en"):
        assert mail.report(db.session) == (
            "2 e-mails could not be sent yet: the mail server did not take them. They will be tried again."
        )
    assert "SECRET-TOKEN" not in caplog.text and "lin@example.org" not in caplog.text
    refused = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage() for r in refused] == [
        "mail to l***@example.org could not be sent (SMTPConnectError), subject 'Subject'"
    ] * 2
