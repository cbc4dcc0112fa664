"""Locale choice and locale-aware formatting for templates."""

from __future__ import annotations

from datetime import date, datetime, time
from urllib.parse import urlencode

from babel import dates as babel_dates
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_time,
    get_locale,
    to_user_timezone,
)
from flask_login import current_user

LOCALES = ("zh_Hans", "en")
#: How each locale is written in HTML's ``lang`` attribute (BCP 47).
HTML_LANG = {"zh_Hans": "zh-Hans", "en": "en"}
LOCALE_NAMES = {"zh_Hans": "中文", "en": "English"}


def is_english(locale: str | None) -> bool:
    """Whether ``locale`` reads English (then a record's ``*_en`` text is shown when filled in)."""
    return bool(locale) and str(locale).startswith("en")


def sentences(*parts) -> str:
    """Sentences one after another as the reader's language writes them: a space between them
    in English, nothing in Chinese (a full stop 。 already ends each). Empty parts are left out."""
    texts = [str(part).strip() for part in parts if part and str(part).strip()]
    return (" " if is_english(current_locale()) else "").join(texts)


def localized(record, name: str, locale: str | None):
    """A record's field in the reader's language: ``<name>_en`` for English readers when it
    is filled in, else the Chinese original."""
    if is_english(locale):
        english = getattr(record, f"{name}_en", None)
        if english:
            return english
    return getattr(record, name)


def _from_tag(tag: str) -> str | None:
    tag = tag.lower().replace("_", "-")
    if tag.startswith("zh"):
        return "zh_Hans"
    if tag.startswith("en"):
        return "en"
    return None


def select_locale() -> str:
    """``?lang=``, then the choice remembered for this browser or the signed-in user, then
    ``Accept-Language``, then ``OUTREACH_DEFAULT_LOCALE``."""
    if not has_request_context():  # command line
        return current_app.config["DEFAULT_LOCALE"]
    asked = request.args.get("lang")
    if asked in LOCALES:
        if not request.path.startswith("/api/"):
            session["lang"] = asked
        return asked
    if not request.path.startswith("/api/") and session.get("lang") in LOCALES:
        return session["lang"]
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    for tag, _quality in request.accept_languages:
        locale = _from_tag(tag)
        if locale:
            return locale
    return current_app.config["DEFAULT_LOCALE"]


def current_locale() -> str:
    return str(get_locale() or current_app.config["DEFAULT_LOCALE"])


def url_with(**updates) -> str:
    """The current page's address with some query arguments replaced."""
    args = request.args.to_dict(flat=False)
    for key, value in updates.items():
        args[key] = [value]
    return request.path + "?" + urlencode(args, doseq=True)


def url_with_lang(locale: str) -> str:
    """The current page's address, asking for ``locale``."""
    return url_with(lang=locale)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
    app.jinja_env.filters["date"] = lambda value, fmt="medium": _format_date(value, fmt)
    app.jinja_env.filters["time"] = lambda value, fmt="short": format_time(value, fmt) if value else ""
    app.jinja_env.filters["clock"] = _format_wall_clock
    app.jinja_env.filters["weekday"] = lambda value: format_datetime(value, "EEEE") if value else ""
    app.jinja_env.filters["number"] = lambda value: format_decimal(value) if value is not None else ""

    @app.context_processor
    def locale_context():
        locale = current_locale()
        return {
            "locale": locale,
            "html_lang": HTML_LANG.get(locale, "zh-Hans"),
            "locales": LOCALE_NAMES,
            "url_with_lang": url_with_lang,
            "url_with": url_with,
            "library_name": library_name(locale),
        }


def _format_date(value: date | datetime | None, fmt: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_user_timezone(value).date()
    return format_date(value, fmt)


def _format_wall_clock(value: time | None) -> str:
    """A time of day that is already library time (daily opening hours): no zone conversion."""
    if value is None:
        return ""
    return babel_dates.format_time(value, "short", locale=current_locale())


def library_name(locale: str) -> str:
    config = current_app.config
    return config["LIBRARY_NAME_EN"] if locale == "en" and config["LIBRARY_NAME_EN"] else config["LIBRARY_NAME"]


class LocalizedName:
    """Rows named in Chinese, with an optional English name shown to English readers."""

    name: str
    name_en: str | None

    def display_name(self, locale: str | None) -> str:
        return localized(self, "name", locale)


class LocalizedTitle:
    """Rows titled and described in Chinese, with an optional English title and description
    shown to English readers."""

    title: str
    title_en: str | None
    description: str | None
    description_en: str | None

    def display_title(self, locale: str | None) -> str:
        return localized(self, "title", locale)

    def display_description(self, locale: str | None) -> str | None:
        return localized(self, "description", locale)
