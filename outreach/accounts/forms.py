from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from outreach.accounts.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from outreach.forms import Form, choices, name_field, optional_int


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("Enter your e-mail address.")), Email(_l("Enter a valid e-mail address."))],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Sign in"))


def new_password_field(label=None) -> PasswordField:
    """A password being chosen: its length here, the rest (how guessable) in the service."""
    return PasswordField(
        label or _l("New password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH,
                   message=_l("Use from %(min)d to %(max)d characters.", min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)),
        ],
        render_kw={"autocomplete": "new-password", "minlength": MIN_PASSWORD_LENGTH, "maxlength": MAX_PASSWORD_LENGTH},
    )


def confirm_field() -> PasswordField:
    return PasswordField(
        _l("New password again"),
        validators=[DataRequired(_l("Type the new password again.")),
                    EqualTo("password", _l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(Form):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password.")), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    password = new_password_field()
    confirm = confirm_field()
    submit = SubmitField(_l("Change password"))


class ForgotPasswordForm(Form):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("Enter your e-mail address.")), Email(_l("Enter a valid e-mail address.")),
                    Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(Form):
    password = new_password_field()
    confirm = confirm_field()
    submit = SubmitField(_l("Set new password"))


def new_account_email_field() -> EmailField:
    """The e-mail address of an account an admin opens (for staff, or a reading room's keeper)."""
    return EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("Enter an e-mail address.")), Email(_l("Enter a valid e-mail address.")),
                    Length(max=254)],
        render_kw={"autocomplete": "off"},
    )


class NewAccountForm(Form):
    """An admin opens an account for a member of staff (or another admin)."""

    name = name_field()
    email = new_account_email_field()
    role = SelectField(_l("Role"), choices=choices([("staff", _l("Staff")), ("admin", _l("Administrator"))]),
                       validate_choice=True)
    password = new_password_field(_l("Password"))
    submit = SubmitField(_l("Open the account"))


class AccountBranchForm(Form):
    """An admin sets or clears the branch a staff account belongs to."""

    branch_id = SelectField(
        _l("Branch"), coerce=optional_int, choices=[], validate_choice=False,
        description=_l("A member of staff of a branch sees that branch's events first and changes only its records; "
                       "without a branch they change everything."),
    )
    submit = SubmitField(_l("Save the branch"))

    def set_branches(self, branches, locale: str) -> None:
        self.branch_id.choices = choices(
            [("", _l("The whole library (no branch)"))] + [(b.id, b.display_name(locale)) for b in branches]
        )
