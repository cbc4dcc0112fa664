"""The export of every ticket of an event on the platform's export machinery (issue 14, point 4):
its page and URLs stay the event's; the same export asked twice while it is made is one; its
file expires, its page says so and makes it again (not for an event that has ended); files of
deleted events do not stay for ever."""

from __future__ import annotations

import os
import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from outreach import clock
from outreach.extensions import db
from outreach.platform import exports
from outreach.platform.models import ExportJob
from outreach.registration import services
from tests.helpers import assert_valid_html, csrf_token_from, in_days, new_phone, text_of


@pytest.fixture
def event(make_event):
    event = make_event(title="少儿故事大王 初赛", starts_at=in_days(5), capacity=None)
    for n in range(3):
        services.register(event, name=f"选手{n:02d}", phone=new_phone())
    db.session.commit()
    return event


def press(client, event):
    csrf = csrf_token_from(client, f"/staff/events/{event.id}")
    return client.post(f"/staff/events/{event.id}/tickets-export?lang=en", data={"csrf_token": csrf})


def test_asking_twice_while_it_is_made_is_one_export(client, event, make_user, login, monkeypatch):
    queued = []
    monkeypatch.setattr(exports, "run_export", lambda export_id, base_url: queued.append(export_id))
    login(make_user("staff"))
    first, second = press(client, event), press(client, event)
    assert first.headers["Location"] == second.headers["Location"]
    assert re.fullmatch(rf"/staff/events/{event.id}/tickets-export/\d+", first.headers["Location"])
    assert len(queued) == 1 and db.session.scalar(select(func.count(ExportJob.id))) == 1
    html = text_of(client.get(first.headers["Location"] + "?lang=en"))
    assert "0 of 3 tickets ready" in html and "<progress" in html
    manage = text_of(client.get(f"/staff/events/{event.id}?lang=en"))
    assert manage.count("Ticket export of") == 1
    assert re.search(r"Ticket export of [^<]+</a>: Waiting to start</p>", manage)  # its state in words, not a code
    assert re.search(r"</a>: 等待开始</p>", text_of(client.get(f"/staff/events/{event.id}?lang=zh_Hans")))


def test_an_expired_ticket_export_is_made_again(app, client, event, make_user, login, monkeypatch):
    login(make_user("staff"))
    location = press(client, event).headers["Location"]
    export = db.session.scalar(select(ExportJob))
    path = os.path.join(app.instance_path, export.path)
    assert os.path.exists(path)
    export.expires_at = clock.now() - timedelta(seconds=1)  # a week passed (the event is still ahead)
    db.session.commit()
    assert exports.expire_exports.call_local() == 1
    assert not os.path.exists(path)
    response = client.get(f"{location}/download")
    assert response.status_code == 303 and response.headers["Location"] == location
    page = client.get(f"{location}?lang=en")
    assert_valid_html(page)
    html = text_of(page)
    assert "This file is no longer kept" in html and "<h1>Printing tickets</h1>" in html
    assert f'action="{location}/again"' in html
    response = client.post(f"{location}/again", data={"csrf_token": csrf_token_from(client, location)})
    assert response.status_code == 303
    fresh = response.headers["Location"]
    assert fresh != location and fresh.startswith(f"/staff/events/{event.id}/tickets-export/")
    assert "3 tickets are ready." in text_of(client.get(f"{fresh}?lang=en"))


def test_the_tickets_of_an_event_that_has_ended_are_not_made_again(app, client, event, make_user, login,
                                                                   monkeypatch):
    login(make_user("staff"))
    location = press(client, event).headers["Location"]
    later = event.ends_at + timedelta(days=8)
    monkeypatch.setattr(clock, "now", lambda: later)
    exports.expire_exports.call_local()
    response = client.post(f"{location}/again?lang=en", data={"csrf_token": csrf_token_from(client, location)})
    assert response.status_code == 409
    assert "This event has ended: its tickets are no longer printed." in text_of(response)
    assert db.session.scalar(select(func.count(ExportJob.id))) == 1


def test_a_ticket_export_of_another_event_is_not_found(client, event, make_user, make_event, login):
    login(make_user("staff"))
    location = press(client, event).headers["Location"]
    other = make_event(title="别的活动", starts_at=in_days(6))
    job_id = location.rsplit("/", 1)[1]
    assert client.get(f"/staff/events/{other.id}/tickets-export/{job_id}").status_code == 404
    assert client.get(f"/staff/events/{other.id}/tickets-export/{job_id}/download").status_code == 404


def test_files_of_deleted_events_are_removed_after_a_day(app, client, event, make_user, login):
    login(make_user("staff"))
    press(client, event)
    export = db.session.scalar(select(ExportJob))
    path = os.path.join(app.instance_path, export.path)
    db.session.delete(export)  # as the event's deletion does (ON DELETE CASCADE)
    db.session.commit()
    exports.expire_exports.call_local()
    assert os.path.exists(path)  # written just now
    old = time.time() - 2 * 86400
    os.utime(path, (old, old))
    exports.expire_exports.call_local()
    assert not os.path.exists(path)
