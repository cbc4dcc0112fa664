"""Rate limits that hold across workers: the counters live in a SQLite file in the instance
folder that every process of the machine shares (outreach/platform/ratelimit.py)."""

from __future__ import annotations

import multiprocessing
import time

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from outreach.extensions import limiter
from outreach.platform.ratelimit import SQLiteStorage


def test_the_default_storage_is_a_file_in_the_instance_folder(make_app, tmp_path):
    app = make_app(RATELIMIT_ENABLED=True, INSTANCE_PATH=str(tmp_path))
    assert app.config["RATELIMIT_STORAGE_URI"] == "sqlite:///" + str(tmp_path / "ratelimits.db")
    assert isinstance(limiter.storage, SQLiteStorage)
    assert limiter.storage.check()


def test_redis_is_used_when_outreach_redis_url_is_set(make_app, tmp_path):
    app = make_app(REDIS_URL="redis://cache.example:6379/0", INSTANCE_PATH=str(tmp_path))
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://cache.example:6379/0"


def test_two_storages_on_one_file_share_their_counters(tmp_path):
    uri = "sqlite:///" + str(tmp_path / "limits.db")
    first, second = storage_from_string(uri), storage_from_string(uri)
    item = parse("5 per minute")
    allowed = [FixedWindowRateLimiter(s).hit(item, "10.0.0.1") for s in (first, second) * 4]
    assert allowed == [True] * 5 + [False] * 3
    assert second.get(item.key_for("10.0.0.1")) == 8
    assert FixedWindowRateLimiter(first).hit(item, "10.0.0.2")  # another address has its own
    first.clear(item.key_for("10.0.0.1"))
    assert second.get(item.key_for("10.0.0.1")) == 0


def test_a_window_that_has_passed_starts_again(tmp_path):
    storage = SQLiteStorage("sqlite:///" + str(tmp_path / "limits.db"))
    assert storage.incr("k", expiry=1) == 1
    assert storage.incr("k", expiry=1) == 2
    assert storage.get_expiry("k") > time.time()
    time.sleep(1.1)
    assert storage.get("k") == 0
    assert storage.incr("k", expiry=60) == 1
    assert storage.reset() == 1


def _worker(config: dict, barrier, results, name: str) -> None:
    """One gunicorn worker, as far as the limits go: its own app in its own process."""
    from outreach import create_app

    app = create_app(config)
    client = app.test_client()
    barrier.wait()
    statuses = [
        client.post("/login", data={"email": f"{name}-{n}@example.org", "password": "wrong-password"}).status_code
        for n in range(15)
    ]
    results.put(statuses)


def _burst_from_two_workers(base_config: dict, **overrides) -> list[int]:
    context = multiprocessing.get_context("spawn")
    config = {**base_config, "RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN": "10 per minute",
              "WTF_CSRF_ENABLED": False, "SERVER_NAME": None, **overrides}
    barrier, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_worker, args=(config, barrier, results, name)) for name in ("a", "b")]
    for worker in workers:
        worker.start()
    statuses = [*results.get(timeout=120), *results.get(timeout=120)]
    for worker in workers:
        worker.join(timeout=30)
    return statuses


@pytest.mark.usefixtures("app")
def test_two_worker_processes_let_exactly_the_limit_through(make_app, base_config):
    make_app(RATELIMIT_ENABLED=True)  # starts from empty counters
    statuses = _burst_from_two_workers(base_config)
    assert len(statuses) == 30
    assert statuses.count(429) == 20
    assert statuses.count(422) == 10  # a wrong password: the limit's ten got through


@pytest.mark.usefixtures("app")
def test_counting_in_each_worker_s_memory_would_let_twice_through(base_config):
    """What the shared storage fixes: memory:// counts per worker."""
    statuses = _burst_from_two_workers(base_config, RATELIMIT_STORAGE_URI="memory://")
    assert statuses.count(422) == 20
