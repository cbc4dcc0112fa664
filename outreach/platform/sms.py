"""Text messages (SMS) through Alibaba Cloud SMS (dysmsapi, action ``SendSms``), for patrons
who gave a mobile number and no e-mail address.

A text goes out as an approved template (``TemplateCode``) with its variables
(``TemplateParam``, JSON), signed with the library's approved signature (``SignName``). The
request is signed as Alibaba Cloud's RPC signature method (signature version 1.0) says:
every parameter but ``Signature`` sorted by name, names and values percent-encoded (RFC 3986:
only ``A-Z a-z 0-9 - _ . ~`` stay, a space is ``%20``), joined as ``name=value`` with ``&``;
the string to sign is ``POST&%2F&`` and that query percent-encoded once more; the signature is
Base64(HMAC-SHA1(AccessKeySecret + "&", string to sign)). Each request has a new
``SignatureNonce`` and its ``Timestamp`` (UTC, ``YYYY-MM-DDThh:mm:ssZ``).

Switched on by ``OUTREACH_SMS_PROVIDER=aliyun`` with the access key, the signature and a
template code per kind of message (README, "Text messages"). The access key secret never
reaches a log; a phone number is logged masked.

What the answer means: ``Code == "OK"``: the provider took the message. A busy or failing
provider (HTTP 5xx, throttling, a system error, a nonce it has seen) is tried again later
(``SmsUnavailable``); anything else (a number it will not text, a template or variable it
refuses, a key it does not know) will not change by trying again (``SmsRefused``: the message
fails at once, with the code kept).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime

from flask import current_app

from outreach.phone import masked_phone

log = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://dysmsapi.aliyuncs.com/"
API_VERSION = "2017-05-25"

#: Alibaba Cloud's limit on one variable's value in a notification template.
VARIABLE_LIMIT = 35

#: Answers that mean "not now": tried again with the outbox's back-off.
TRY_AGAIN_CODES = frozenset({
    "isv.BUSINESS_LIMIT_CONTROL",  # throttled: too many to one number in a minute, hour or day
    "isv.DAY_LIMIT_CONTROL", "isv.MONTH_LIMIT_CONTROL",  # the account's own limits, reset later
    "isp.SYSTEM_ERROR", "isp.GATEWAY_ERROR", "isv.OUT_OF_SERVICE",
    "Throttling", "Throttling.User", "Throttling.Api", "ServiceUnavailable", "InternalError",
    "SignatureNonceUsed",  # a nonce seen before (a retry of ours that got through): a new one next time
    "SDK.ServerUnreachable",
})

#: A mainland mobile number as ``outreach.phone`` normalises it: what a domestic template can reach.
_MAINLAND_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
#: What a variable's value may not hold: links (not allowed in variables), the brackets of a
#: signature, and the braces and line breaks that break the template's parsing.
_LINK = re.compile(r"(?:https?://|www\.)\S*", re.IGNORECASE)
_NOT_IN_VARIABLES = dict.fromkeys(map(ord, "【】[]{}<>\r\n\t"), " ")


class SmsError(Exception):
    """The provider did not take a text message; ``code`` is its answer (or the HTTP status)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class SmsUnavailable(SmsError):
    """Busy, throttled or failing: try again later."""


class SmsRefused(SmsError):
    """Refused for good (the number, the template, the key): trying again changes nothing."""


#: The settings of the template codes, one per kind of message; ``<SETTING>_EN`` is the
#: English template of the same text (without it, English-speaking registrants get the Chinese one).
TEMPLATE_SETTINGS = {
    "registration.confirmed": "SMS_TEMPLATE_CONFIRMED",
    "registration.waitlisted": "SMS_TEMPLATE_WAITLISTED",
    "registration.promoted": "SMS_TEMPLATE_PROMOTED",
    "registration.moved": "SMS_TEMPLATE_MOVED",
    "registration.reminder": "SMS_TEMPLATE_REMINDER",
    "event.cancelled": "SMS_TEMPLATE_CANCELLED",
    "event.changed": "SMS_TEMPLATE_CHANGED",
}


def configured() -> bool:
    """Whether text messages are switched on: the provider, its key and the signature are set."""
    config = current_app.config
    return (str(config.get("SMS_PROVIDER") or "").lower() == "aliyun"
            and all(config.get(name) for name in ("SMS_ACCESS_KEY_ID", "SMS_ACCESS_KEY_SECRET", "SMS_SIGN_NAME")))


def reachable(phone: str | None) -> bool:
    """Whether ``phone`` (normalised) is a mainland mobile a text message reaches."""
    return bool(phone and _MAINLAND_MOBILE.match(phone))


def template_for(kind: str, locale: str | None) -> tuple[str, str] | None:
    """The template code for ``kind`` and the language it is written in: the English one for an
    English-speaking registrant when the library has one, else the Chinese one; None when
    texts are off or the library has no template for this kind."""
    setting = TEMPLATE_SETTINGS.get(kind)
    if not setting or not configured():
        return None
    config = current_app.config
    if locale and locale.startswith("en") and config.get(setting + "_EN"):
        return str(config[setting + "_EN"]), "en"
    if config.get(setting):
        return str(config[setting]), "zh_Hans"
    return None


def variable(value, limit: int = VARIABLE_LIMIT) -> str:
    """``value`` as a template variable allows it: no links, brackets or line breaks, spaces
    folded, at most ``limit`` characters (cut with "…")."""
    text = _LINK.sub("", str(value or "")).translate(_NOT_IN_VARIABLES)
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


# --- the request and its signature -----------------------------------------------------------


def percent_encode(value: str) -> str:
    """Alibaba Cloud's percent-encoding: UTF-8, only ``A-Z a-z 0-9 - _ . ~`` kept, space as %20."""
    return urllib.parse.quote(str(value), safe="-_.~", encoding="utf-8")


def canonical_query(params: dict) -> str:
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))


def string_to_sign(method: str, params: dict) -> str:
    return f"{method}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"


def signature(method: str, params: dict, secret: str) -> str:
    """Base64(HMAC-SHA1(secret + "&", the string to sign)) over every parameter but ``Signature``."""
    signed = {name: value for name, value in params.items() if name != "Signature"}
    digest = hmac.new((secret + "&").encode(), string_to_sign(method, signed).encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def request_params(phone: str, template_code: str, params: str, out_id: str, *, now: datetime | None = None,
                   nonce: str | None = None) -> dict:
    """The signed parameters of one ``SendSms`` request."""
    config = current_app.config
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    values = {
        "AccessKeyId": str(config["SMS_ACCESS_KEY_ID"]),
        "Action": "SendSms",
        "Format": "JSON",
        "OutId": out_id,
        "PhoneNumbers": phone,
        "RegionId": "cn-hangzhou",
        "SignName": str(config["SMS_SIGN_NAME"]),
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": nonce or uuid.uuid4().hex,
        "SignatureVersion": "1.0",
        "TemplateCode": template_code,
        "TemplateParam": params,
        "Timestamp": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Version": API_VERSION,
    }
    values["Signature"] = signature("POST", values, str(config["SMS_ACCESS_KEY_SECRET"]))
    return values


def send(phone: str, template_code: str, params: str, out_id: str) -> bool:
    """Send one text message; True when the provider took it, False when texts are off (the
    log says so). Raises ``SmsUnavailable`` (try again) or ``SmsRefused`` (give up)."""
    if not configured():
        log.info("text message to %s not sent: text messages are off (OUTREACH_SMS_PROVIDER)", masked_phone(phone))
        return False
    endpoint = current_app.config.get("SMS_ENDPOINT") or DEFAULT_ENDPOINT
    body = canonical_query(request_params(phone, template_code, params, out_id)).encode()
    request = urllib.request.Request(
        endpoint, data=body, method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    except (urllib.error.URLError, OSError) as error:
        raise SmsUnavailable(type(getattr(error, "reason", error)).__name__) from None
    try:
        answer = json.loads(raw.decode("utf-8"))
        code = str(answer.get("Code") or "")
    except (ValueError, AttributeError):
        answer, code = {}, ""
    if code == "OK":
        log.info("text message to %s sent (%s)", masked_phone(phone), template_code)
        return True
    code = code or f"HTTP {status}"
    log.warning("text message to %s not taken: %s", masked_phone(phone), code)
    if status >= 500 or status == 429 or code in TRY_AGAIN_CODES:
        raise SmsUnavailable(code)
    raise SmsRefused(code)
