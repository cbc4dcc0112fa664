"""The building blocks of bench/scale.py: where each size's database is, which routes it flags,
and the table it prints. (The build and the measurement themselves take minutes: run the script.)"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "scale.py"


@pytest.fixture(scope="module")
def scale():
    spec = importlib.util.spec_from_file_location("bench_scale", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_scale"] = module  # its dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules["bench_scale"]


def figure(queries, ms=10.0, size=1000, status=200):
    return {"queries": queries, "median_ms": ms, "bytes": size, "status": status}


def test_each_size_has_its_own_database(scale):
    assert scale.database_url("sqlite", "large", None).endswith("bench/.scale-cache/scale-large.db")
    base = "postgresql+psycopg://u:p@127.0.0.1:5432/outreach_bench"
    assert scale.database_url("postgresql", "small", base) == base + "_small"
    assert scale.database_url("postgresql", "large", base + "?sslmode=disable") == base + "_large?sslmode=disable"
    assert scale.database_url("postgresql", "large", "postgresql://h/b_{size}_x") == "postgresql://h/b_large_x"
    with pytest.raises(SystemExit):
        scale.database_url("postgresql", "small", None)


def test_flags_growth_size_and_slow_staff_pages_only(scale):
    staff_page = scale.Route("staff event", "staff", "/staff/events/1")
    public_api = scale.Route("API events", "public", "/api/v1/events", page=False)
    assert scale.flags_for(staff_page, figure(13), figure(13, ms=299.0)) == []
    assert scale.flags_for(staff_page, figure(13), figure(14)) == ["GROWS"]
    assert scale.flags_for(staff_page, figure(13), figure(13, ms=301.0)) == [">300ms"]
    assert scale.flags_for(public_api, figure(4), figure(4, ms=900.0, size=1_000_001)) == [">1MB"]
    assert scale.flags_for(public_api, figure(4), figure(4, status=500)) == ["HTTP 500"]
    export = scale.Route("ticket export job", "job", "export:1", page=False)
    assert scale.flags_for(export, figure(5), figure(5, size=5_000_000, ms=20_000.0)) == []


def test_the_table_gives_both_sizes_and_their_ratios(scale):
    routes = [scale.Route("programme", "public", "/"), scale.Route("shifts", "staff", "/staff/volunteers/shifts")]
    by_size = {
        "small": {"programme": figure(7, 20.0), "shifts": figure(42, 50.0)},
        "large": {"programme": figure(7, 30.0, size=15_360), "shifts": figure(342, 400.0)},
    }
    text, flagged = scale.table("sqlite", routes, by_size)
    assert text.splitlines()[2:] == [
        "| programme | 7 → 7 | 1.0 | 20.0 → 30.0 | 1.5 | 15 |  |",
        "| shifts | 42 → 342 | 8.1 | 50.0 → 400.0 | 8.0 | 1 | GROWS >300ms |",
    ]
    assert flagged == 1


def test_every_route_has_a_known_role_and_a_unique_name(scale):
    from outreach import create_app

    meta = {k: 1 for k in ("big_event", "exhibition", "series", "busy_volunteer", "venue", "export_event")}
    with create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"}).app_context():
        routes = scale.routes(meta | {"roster_day": "2026-01-01"})
    names = [r.name for r in routes]
    assert len(names) == len(set(names)) > 45
    assert {r.role for r in routes} <= {"public", "staff", "admin", "volunteer", "staff-api", "volunteer-api", "admin-api", "job"}
