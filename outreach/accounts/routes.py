"""Log-in and log-out, changing and resetting a password, and the admins' account pages
(open a staff account, sign a person out everywhere, revoke API tokens, send a reset link)."""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from outreach.i18n import current_locale, sentences
from outreach.accounts import services, throttle
from outreach.accounts.forms import (
    AccountBranchForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    NewAccountForm,
    ResetPasswordForm,
)
from outreach.accounts.models import User
from outreach.accounts.passwords import MIN_PASSWORD_LENGTH
from outreach.accounts.permissions import has_role, role_required
from outreach.errors import OutreachError
from outreach.extensions import db, limiter
from outreach.forms import ActionForm
from outreach.paging import page_of
from outreach.text import clean_text
from outreach.platform import mail
from outreach.views import attempt, flash_outcome, refused, see_other

bp = Blueprint("accounts", __name__)

#: Accounts on a page of the admins' list, and the longest text it searches for.
ACCOUNTS_PER_PAGE = 50
SEARCH_MAX = 100
ROLE_LABELS = {"admin": _l("Administrator"), "staff": _l("Staff"), "volunteer": _l("Volunteer"),
               "keeper": _l("Reading-room keeper")}


@bp.context_processor
def _page_values() -> dict:
    return {"min_length": MIN_PASSWORD_LENGTH, "role_labels": ROLE_LABELS}


def _safe_next(target: str | None) -> str | None:
    """Only paths on this site: never redirect a person elsewhere after signing in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def home_for(user) -> str:
    """Where a person lands after signing in: staff on their home, a volunteer on their own
    page, a keeper on their place's page."""
    if has_role(user, "staff"):
        return url_for("staff.home")
    if has_role(user, "volunteer"):
        return url_for("volunteers.me")
    if has_role(user, "keeper"):
        return url_for("outposts.home")
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
    # A copied cookie must not outlive the log-out: every session of this person ends, on
    # every device (the page says so).
    services.end_sessions(current_user, actor=current_user, reason="log_out")
    db.session.commit()
    chosen = session.get("lang")
    logout_user()
    session.clear()
    if chosen:
        session["lang"] = chosen
    flash(_("You have signed out, on this and every other device."), "success")
    return redirect(url_for("events.programme"))


# --- one's own password ------------------------------------------------------------------


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        user = current_user._get_current_object()
        revoked = attempt(form, lambda: services.change_password(user, form.current_password.data, form.password.data))
        if not refused(revoked):
            login_user(user)  # this browser stays signed in, under the new session version
            flash(sentences(
                _("Your password is changed. You are signed out on every other device."),
                ngettext("%(num)d API token was revoked.", "%(num)d API tokens were revoked.", revoked) if revoked else None,
            ), "success")
            return see_other("accounts.change_password")
        status = revoked.status
    elif form.errors:
        status = 422
    return render_template("accounts/change_password.html", form=form), status


# --- a forgotten password ----------------------------------------------------------------


def _reset_link(token: str) -> str:
    return url_for("accounts.reset_password", token=token, _external=True)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_PASSWORD_RESET"], methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # The same answer whether or not the address has an account: nobody learns who has one.
        services.request_reset(form.email.data, link=_reset_link)
        db.session.commit()
        mail.take_outcomes(db.session)  # what happened to the message would tell; it stays in the log
        return render_template("accounts/forgot_sent.html", mail_configured=mail.configured())
    status = 422 if form.errors else 200
    return render_template("accounts/forgot_password.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_PASSWORD_RESET"], methods=["POST"])
def reset_password(token: str):
    try:
        services.user_for_reset(token)
    except OutreachError as error:
        return render_template("accounts/reset_invalid.html", message=error.message), error.status
    form = ResetPasswordForm()
    status = 200
    if form.validate_on_submit():
        result = attempt(form, lambda: services.reset_password(token, form.password.data))
        if not refused(result):
            if current_user.is_authenticated:
                logout_user()
            flash(_("Your new password is set. Sign in with it."), "success")
            return see_other("accounts.login")
        status = result.status
    elif form.errors:
        status = 422
    return render_template("accounts/reset_password.html", form=form), status


# --- admins: accounts --------------------------------------------------------------------


def _account(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/admin/accounts")
@role_required("admin")
def accounts():
    """Every account, a page at a time, found by a part of the name or e-mail address and by role."""
    text = clean_text(request.args.get("q") or "")[:SEARCH_MAX]
    role = request.args.get("role") if request.args.get("role") in ROLE_LABELS else ""
    found = page_of(services.accounts_query(text, role), request.args.get("page"), ACCOUNTS_PER_PAGE)
    return render_template("accounts/accounts.html", users=found.items, pagination=found, text=text, role=role,
                           search_max=SEARCH_MAX)


@bp.route("/admin/accounts/new", methods=["GET", "POST"])
@role_required("admin")
def new_account():
    form = NewAccountForm()
    status = 200
    if form.validate_on_submit():
        user = attempt(form, lambda: services.create_user(
            form.email.data, role=form.role.data, password=form.password.data, name=form.name.data,
            actor=current_user,
        ))
        if not refused(user):
            flash(_("The account of %(name)s is open.", name=user.name), "success")
            return see_other("accounts.account", user_id=user.id)
        status = user.status
    elif form.errors:
        status = 422
    return render_template("accounts/new_account.html", form=form), status


def _branch_form(user: User, form: AccountBranchForm | None = None) -> AccountBranchForm | None:
    """The branch form of a staff account (None for other roles)."""
    if user.role != "staff":
        return None
    if form is None:
        form = AccountBranchForm(formdata=None)
        form.branch_id.data = user.branch_id
    form.set_branches(services.branch_choices(), current_locale())
    return form


def _account_page(user: User, branch_form: AccountBranchForm | None = None, status: int = 200):
    return render_template(
        "accounts/account.html", user=user, tokens=services.tokens_of(user), action_form=ActionForm(),
        branch_form=_branch_form(user, branch_form),
    ), status


@bp.route("/admin/accounts/<int:user_id>")
@role_required("admin")
def account(user_id: int):
    return _account_page(_account(user_id))


@bp.route("/admin/accounts/<int:user_id>/branch", methods=["POST"])
@role_required("admin")
def set_branch(user_id: int):
    """Set or clear the branch of a staff account (audited)."""
    user = _account(user_id)
    form = AccountBranchForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _account_page(user, form, 422)
    changed = attempt(form, lambda: services.set_branch(user, form.branch_id.data, actor=current_user))
    if refused(changed):
        return _account_page(user, form, changed.status)
    if user.branch is not None:
        flash(_("%(name)s now belongs to %(branch)s.", name=user.name,
                branch=user.branch.display_name(current_locale())), "success")
    else:
        flash(_("%(name)s now works for the whole library (no branch).", name=user.name), "success")
    return see_other("accounts.account", user_id=user.id)


def _checked_action_form() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


@bp.route("/admin/accounts/<int:user_id>/sign-out", methods=["POST"])
@role_required("admin")
def sign_out_everywhere(user_id: int):
    _checked_action_form()
    user = _account(user_id)
    flash_outcome(
        lambda: services.end_sessions(user, actor=current_user),
        lambda _result: _("%(name)s is signed out on every device.", name=user.name),
    )
    if user.id == current_user.id:
        return redirect(url_for("accounts.login"), code=303)
    return see_other("accounts.account", user_id=user.id)


@bp.route("/admin/accounts/<int:user_id>/tokens/<int:token_id>/revoke", methods=["POST"])
@role_required("admin")
def revoke_token(user_id: int, token_id: int):
    _checked_action_form()
    user = _account(user_id)

    def action():
        token = services.token_of(user, token_id)
        if token.revoked_at is None:
            services.revoke_token(token, actor=current_user)
        return _("The API token %(prefix)s… is revoked.", prefix=token.prefix)

    flash_outcome(action)
    return see_other("accounts.account", user_id=user.id)


@bp.route("/admin/accounts/<int:user_id>/tokens/revoke", methods=["POST"])
@role_required("admin")
def revoke_all_tokens(user_id: int):
    _checked_action_form()
    user = _account(user_id)
    flash_outcome(
        lambda: services.revoke_all_tokens(user, actor=current_user),
        lambda count: ngettext("%(num)d API token was revoked.", "%(num)d API tokens were revoked.", count),
    )
    return see_other("accounts.account", user_id=user.id)


@bp.route("/admin/accounts/<int:user_id>/reset", methods=["POST"])
@role_required("admin")
@limiter.limit(lambda: current_app.config["RATELIMIT_PASSWORD_RESET"])
def send_reset(user_id: int):
    _checked_action_form()
    user = _account(user_id)
    flash_outcome(
        lambda: services.send_reset(user, actor=current_user, link=_reset_link),
        lambda _result: sentences(
            _("A link to set a new password was made for %(name)s; it works once, within one hour.", name=user.name),
            mail.report(db.session),
        ),
    )
    return see_other("accounts.account", user_id=user.id)
