"""A local HTTP server that plays Alibaba Cloud SMS (dysmsapi ``SendSms``) for the tests: it
recomputes each request's signature with the test's secret and refuses a wrong one, checks the
action, the signature name, the template code, the number and the variables (each within the
template rules), records what it took, and answers as told (throttled, a server error, a
permanent refusal) before it answers OK."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.helpers import free_port

ACCESS_KEY_ID = "LTAI-test-key"
SECRET = "test-access-key-secret"
SIGN_NAME = "醴陵市图书馆"
TEMPLATES = {
    "SMS_TEMPLATE_CONFIRMED": "SMS_100001", "SMS_TEMPLATE_WAITLISTED": "SMS_100002",
    "SMS_TEMPLATE_PROMOTED": "SMS_100003", "SMS_TEMPLATE_MOVED": "SMS_100004",
    "SMS_TEMPLATE_REMINDER": "SMS_100005", "SMS_TEMPLATE_CANCELLED": "SMS_100006",
    "SMS_TEMPLATE_CHANGED": "SMS_100007", "SMS_TEMPLATE_CONFIRMED_EN": "SMS_200001",
}
#: The variables each template takes.
VARIABLES = {
    "SMS_100001": {"title", "time"}, "SMS_100002": {"title", "time"}, "SMS_100003": {"title", "time"},
    "SMS_100004": {"title", "time"}, "SMS_100005": {"title", "time", "place"},
    "SMS_100006": {"title", "time", "reason"}, "SMS_100007": {"title", "old", "new"},
    "SMS_200001": {"title", "time"},
}


def _encode(value: str) -> str:
    # Written apart from the application's own: RFC 3986 unreserved characters kept, the rest %XX.
    return "".join(
        chr(byte) if chr(byte).isascii() and (chr(byte).isalnum() or chr(byte) in "-_.~") else f"%{byte:02X}"
        for byte in value.encode("utf-8")
    )


def expected_signature(method: str, params: dict) -> str:
    query = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(params.items()) if k != "Signature")
    to_sign = f"{method}&{_encode('/')}&{_encode(query)}"
    return base64.b64encode(hmac.new((SECRET + "&").encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


class FakeAliyun:
    def __init__(self):
        self.port = free_port()
        self.calls: list[dict] = []  # the requests taken (answered OK)
        self.requests: list[dict] = []  # every request, as received
        self.answers: list[tuple[int, str]] = []  # what to answer next (HTTP status, Code), then OK
        self.nonces: set[str] = set()
        self.problems: list[str] = []
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def check(self, method: str, params: dict) -> str | None:
        """The Code Alibaba would answer for a bad request, else None."""
        if params.get("AccessKeyId") != ACCESS_KEY_ID:
            return "InvalidAccessKeyId.NotFound"
        if params.get("Signature") != expected_signature(method, params):
            return "SignatureDoesNotMatch"
        if params.get("SignatureNonce") in self.nonces:
            return "SignatureNonceUsed"
        self.nonces.add(params.get("SignatureNonce"))
        for name, value in (("Action", "SendSms"), ("Version", "2017-05-25"), ("SignatureMethod", "HMAC-SHA1"),
                            ("SignatureVersion", "1.0"), ("Format", "JSON"), ("SignName", SIGN_NAME)):
            if params.get(name) != value:
                return "isv.SMS_SIGNATURE_ILLEGAL" if name == "SignName" else "MissingParameter"
        if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", params.get("Timestamp", "")):
            return "InvalidTimeStamp.Format"
        if not re.fullmatch(r"1[3-9]\d{9}", params.get("PhoneNumbers", "")):
            return "isv.MOBILE_NUMBER_ILLEGAL"
        variables = VARIABLES.get(params.get("TemplateCode"))
        if variables is None:
            return "isv.SMS_TEMPLATE_ILLEGAL"
        try:
            values = json.loads(params.get("TemplateParam", ""))
        except ValueError:
            return "isv.INVALID_JSON_PARAM"
        if set(values) != variables:
            return "isv.TEMPLATE_MISSING_PARAMETERS"
        for value in values.values():
            if not isinstance(value, str) or not 1 <= len(value) <= 35 or re.search(r"https?://|www\.|[【】{}\n]", value):
                return "isv.TEMPLATE_PARAMS_ILLEGAL"
        if not params.get("OutId"):
            return "MissingOutId"
        return None

    def start(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                params = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode("utf-8"), keep_blank_values=True))
                fake.requests.append(params)
                problem = fake.check("POST", params)
                status, code = (400, problem) if problem else (fake.answers.pop(0) if fake.answers else (200, "OK"))
                if problem:
                    fake.problems.append(problem)
                if code == "OK":
                    fake.calls.append(params)
                body = json.dumps({"Code": code, "Message": code, "RequestId": "F655A8D5-B967-440B-8683",
                                   **({"BizId": "900619746936498440^0"} if code == "OK" else {})}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def texts(self) -> list[tuple[str, str, dict]]:
        """(number, template, variables) of each message taken."""
        return [(c["PhoneNumbers"], c["TemplateCode"], json.loads(c["TemplateParam"])) for c in self.calls]


def sms_config(fake: FakeAliyun) -> dict:
    return {"SMS_PROVIDER": "aliyun", "SMS_ACCESS_KEY_ID": ACCESS_KEY_ID, "SMS_ACCESS_KEY_SECRET": SECRET,
            "SMS_SIGN_NAME": SIGN_NAME, "SMS_ENDPOINT": fake.url, **TEMPLATES}


@pytest.fixture(name="aliyun")
def aliyun_fixture(app, monkeypatch):
    """Texts switched on, through a fake Alibaba Cloud SMS on a local port."""
    fake = FakeAliyun()
    for name, value in sms_config(fake).items():
        monkeypatch.setitem(app.config, name, value)
    fake.start()
    yield fake
    fake.stop()
