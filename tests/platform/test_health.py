"""``GET /healthz`` and the job queue's set-up: 200 when the database answers, its schema is the
code's and the queue answers; 503 naming what is wrong otherwise; ``flask jobs worker`` refuses
to run when jobs run where they are queued."""

from __future__ import annotations

from outreach.platform import jobs
from outreach.platform.health import code_heads


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok", "queue": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_a_database_without_the_codes_migrations(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    (head,) = code_heads()
    assert response.get_json() == {"status": "unavailable", "checks": {
        "database": "ok",
        "migrations": f"database at no revision, code at {head}: run flask db upgrade",
        "queue": "ok",
    }}


def test_a_database_that_cannot_be_reached(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'no such folder' / 'outreach.db'}")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {
        "database": "unreachable (OperationalError)", "migrations": "unknown (no database)", "queue": "ok",
    }


def test_a_queue_that_cannot_be_reached(make_app):
    app = make_app(JOBS_IMMEDIATE=False, JOBS_STORAGE="redis://127.0.0.1:9/0")  # the discard port: nothing listens
    try:
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.get_json()["checks"] == {
            "database": "ok", "migrations": "ok", "queue": "unreachable (ConnectionError)",
        }
    finally:
        make_app()  # the queue is the process's: give it back to the immediate mode of the tests
    assert jobs.queue.immediate


def test_the_queue_in_a_sqlite_file_by_default(make_app, tmp_path):
    app = make_app(JOBS_IMMEDIATE=False, JOBS_STORAGE=None, INSTANCE_PATH=str(tmp_path))
    try:
        assert app.config["JOBS_STORAGE"] == f"sqlite:///{tmp_path / 'jobs.sqlite3'}"
        assert type(jobs.queue.storage).__name__ == "SqliteStorage"
        assert app.test_client().get("/healthz").status_code == 200
        assert (tmp_path / "jobs.sqlite3").exists()
    finally:
        make_app()


def test_redis_when_the_library_has_one(make_app, tmp_path):
    app = make_app(JOBS_STORAGE=None, REDIS_URL="redis://127.0.0.1:9/3", INSTANCE_PATH=str(tmp_path))
    assert app.config["JOBS_STORAGE"] == "redis://127.0.0.1:9/3"


def test_the_worker_has_nothing_to_consume_when_jobs_run_at_once(app, runner):
    result = runner.invoke(args=["jobs", "worker"])
    assert result.exit_code == 1
    assert "OUTREACH_JOBS_IMMEDIATE is on" in result.output
