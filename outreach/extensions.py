"""Flask extensions, created unbound here and bound to the app in ``create_app``."""

import flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman as _Talisman
from flask_wtf.csrf import CSRFProtect
from werkzeug.datastructures import Headers

from outreach.models import Base



class Talisman(_Talisman):
    """Flask-Talisman, with each view's options and security headers worked out once per
    endpoint instead of on every response (they depend on the view and the settings, never
    on the request): the same headers, for the door's thousands of check-ins an hour. HSTS,
    which depends on whether the request came over HTTPS, and a CSP nonce, which is new on
    every request, are still set per request, as Talisman does."""

    def init_app(self, app, **kwargs):
        self._options_by_endpoint = {}
        self._headers_by_endpoint = {}
        super().init_app(app, **kwargs)

    def _get_local_options(self):
        endpoint = flask.request.endpoint
        options = self._options_by_endpoint.get(endpoint)
        if options is None:
            options = self._options_by_endpoint[endpoint] = super()._get_local_options()
        return options

    def _make_nonce(self):
        if self.content_security_policy_nonce_in:
            super()._make_nonce()

    def _set_response_headers(self, response):
        if getattr(flask.request, "csp_nonce", None):
            return super()._set_response_headers(response)
        endpoint = flask.request.endpoint
        fixed = self._headers_by_endpoint.get(endpoint)
        if fixed is None:
            headers, options = Headers(), self._get_local_options()
            self._set_feature_policy_headers(headers, options)
            self._set_permissions_policy_headers(headers, options)
            self._set_document_policy_headers(headers, options)
            self._set_frame_options_headers(headers, options)
            self._set_content_security_policy_headers(headers, options)
            self._set_referrer_policy_headers(headers)
            fixed = self._headers_by_endpoint[endpoint] = list(headers.items())
        for name, value in fixed:
            response.headers[name] = value
        self._set_hsts_headers(response.headers)
        return response


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
talisman = Talisman()
