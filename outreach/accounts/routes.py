"""Log-in and log-out."""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from outreach.accounts import services, throttle
from outreach.accounts.forms import LoginForm
from outreach.accounts.permissions import has_role
from outreach.extensions import db, limiter

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only paths on this site: never redirect a person elsewhere after signing in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def home_for(user) -> str:
    """Where a person lands after signing in: staff on their home, a volunteer on their own page."""
    if has_role(user, "staff"):
        return url_for("staff.home")
    if has_role(user, "volunteer"):
        return url_for("volunteers.me")
    return url_for("events.programme")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        wait = throttle.seconds_to_wait(form.email.data)
        if wait:  # the password is not even looked at while the account waits
            form.password.errors.append(ngettext(
                "Too many failed sign-ins with this e-mail address. Please wait %(num)d minute and try again.",
                "Too many failed sign-ins with this e-mail address. Please wait %(num)d minutes and try again.",
                math.ceil(wait / 60),
            ))
            return render_template("accounts/login.html", form=form), 429
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            throttle.failed(form.email.data)
            form.password.errors.append(_("The e-mail address or the password is not right."))
        else:
            throttle.succeeded(form.email.data)
            db.session.commit()
            chosen = session.get("lang")
            session.clear()  # a fresh session on sign-in
            if chosen:
                session["lang"] = chosen
            elif user.locale:
                session["lang"] = user.locale
            login_user(user)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
    status = 422 if form.errors else 200
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    chosen = session.get("lang")
    logout_user()
    session.clear()
    if chosen:
        session["lang"] = chosen
    flash(_("You have signed out."), "success")
    return redirect(url_for("events.programme"))
