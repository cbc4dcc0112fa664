"""The one source of "now", so that tests can freeze time (``monkeypatch.setattr(clock, "now", ...)``)."""

from datetime import datetime, timezone


def now() -> datetime:
    return datetime.now(timezone.utc)
