import os
import stat

from flask import Flask

from outreach import create_app
from outreach.config import _instance_secret_key


def test_secret_key_is_generated_once_and_kept(tmp_path):
    app = Flask(__name__, instance_path=str(tmp_path / "instance"))
    first = _instance_secret_key(app)
    second = _instance_secret_key(app)
    assert first == second
    assert len(first) == 64
    path = tmp_path / "instance" / "secret_key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_environment_variables_configure_the_app(monkeypatch, tmp_path):
    monkeypatch.setenv("OUTREACH_DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    monkeypatch.setenv("OUTREACH_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("OUTREACH_TIMEZONE", "Europe/Berlin")
    monkeypatch.setenv("OUTREACH_DEFAULT_LOCALE", "en")
    monkeypatch.setenv("OUTREACH_RATELIMIT_ENABLED", "0")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/x.db"
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["BABEL_DEFAULT_TIMEZONE"] == "Europe/Berlin"
    assert app.config["DEFAULT_LOCALE"] == "en"
    assert app.config["RATELIMIT_ENABLED"] is False


def test_defaults(monkeypatch):
    for name in list(os.environ):
        if name.startswith("OUTREACH_"):
            monkeypatch.delenv(name)
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/outreach.db")
    assert app.config["TIMEZONE"] == "Asia/Shanghai"
    assert app.config["DEFAULT_LOCALE"] == "zh_Hans"
    assert app.config["RATELIMIT_ENABLED"] is True


def test_wsgi_exposes_app(monkeypatch, tmp_path):
    monkeypatch.setenv("OUTREACH_DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    monkeypatch.setenv("OUTREACH_SECRET_KEY", "k")
    import importlib

    import wsgi

    importlib.reload(wsgi)
    assert isinstance(wsgi.app, Flask)
