"""Branches, series and partners in the JSON API."""

from __future__ import annotations

from sqlalchemy import func, select

from outreach.events.models import EventPartner
from outreach.places.models import Branch, Partner, Series
from outreach.extensions import db
from outreach.platform.models import AuditEntry
from tests.helpers import in_days


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_branches_are_public_with_their_venues_in_service(client, central, xinghai, hall, forum_room, make_venue):
    archived_room = make_venue(branch=xinghai, active=False)
    second_room = make_venue(branch=xinghai, name="少儿阅览室", name_en="Children's room")
    db.session.add(Branch(name="流动书车", kind="mobile", active=False))
    db.session.commit()
    response = client.get("/api/v1/branches", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response.get_json() == {"branches": [
        {"id": central.id, "name": "醴陵市图书馆（总馆）", "name_en": "Liling Library (central)",
         "display_name": "Liling Library (central)", "kind": "central", "address": "醴陵市西山路1号", "active": True,
         "venue_ids": [hall.id]},
        {"id": xinghai.id, "name": "星海明筑分馆", "name_en": "Xinghai Mingzhu Branch",
         "display_name": "Xinghai Mingzhu Branch", "kind": "branch", "address": None, "active": True,
         "venue_ids": [forum_room.id, second_room.id]},
    ]}
    assert archived_room.id not in response.get_json()["branches"][1]["venue_ids"]
    chinese = client.get("/api/v1/branches?lang=zh_Hans").get_json()
    assert [b["display_name"] for b in chinese["branches"]] == ["醴陵市图书馆（总馆）", "星海明筑分馆"]


def test_only_admins_add_branches(client, make_user, api_token):
    body = {"name": "浦口村农家书屋", "name_en": "Pukou Village Reading Room", "kind": "village", "address": "浦口镇"}
    assert client.post("/api/v1/branches", json=body).status_code == 401
    staff = api_token(make_user("staff"))
    response = client.post("/api/v1/branches", json=body, headers=staff)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert count(Branch) == 0

    admin_user = make_user("admin")
    admin = api_token(admin_user)
    response = client.post("/api/v1/branches", json=body, headers=admin)
    assert response.status_code == 201
    branch = db.session.scalar(select(Branch))
    assert response.get_json() == {
        "id": branch.id, "name": "浦口村农家书屋", "name_en": "Pukou Village Reading Room",
        "display_name": "浦口村农家书屋", "kind": "village", "address": "浦口镇", "active": True, "venue_ids": [],
    }
    assert db.session.scalar(select(AuditEntry.actor_id).where(AuditEntry.action == "branch.create")) == admin_user.id

    response = client.post("/api/v1/branches?lang=en", json={"name": "浦口村农家书屋"}, headers=admin)
    assert response.status_code == 409
    assert response.get_json()["error"] == {
        "code": "branch_exists", "message": "There is already a branch with that name.",  # no fields on a 409
    }
    response = client.post("/api/v1/branches?lang=en", json={"name": 7, "kind": "castle"}, headers=admin)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"name": "Enter text."}
    response = client.post("/api/v1/branches?lang=en", json={"name": "城堡", "kind": "castle"}, headers=admin)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"kind": "Choose one of: central, branch, village, mobile, partner."}
    assert client.post("/api/v1/branches", data="name=x", headers=admin).status_code == 415
    assert count(Branch) == 1


def test_series_are_public(client, xinghai, app):
    db.session.add_all([
        Series(name="星海讲坛", name_en="Xinghai Forum", description="每月一期。", description_en="Monthly.", branch_id=xinghai.id),
        Series(name="三点半课堂"),
    ])
    db.session.commit()
    body = client.get("/api/v1/series?lang=en").get_json()
    by_name = {s["name"]: s for s in body["series"]}
    assert set(by_name) == {"星海讲坛", "三点半课堂"}
    forum = by_name["星海讲坛"]
    assert forum == {
        "id": forum["id"], "name": "星海讲坛", "name_en": "Xinghai Forum", "display_name": "Xinghai Forum",
        "description": "每月一期。", "description_en": "Monthly.", "display_description": "Monthly.",
        "branch_id": xinghai.id,
    }
    assert by_name["三点半课堂"]["display_name"] == "三点半课堂"


def test_a_series_lists_its_sessions_drafts_only_for_staff(client, forum_room, make_event, make_user, api_token):
    series = Series(name="星海讲坛", name_en="Xinghai Forum")
    db.session.add(series)
    db.session.commit()
    fourteenth = make_event(series=series, session_number=14, venue=forum_room, starts_at=in_days(-5),
                            title="星海讲坛 第14期", title_en="Xinghai Forum No. 14")
    second = make_event(series=series, session_number=2, venue=forum_room, starts_at=in_days(-300), title="星海讲坛 第2期")
    draft = make_event(series=series, session_number=15, venue=forum_room, starts_at=in_days(20), status="draft",
                       title="星海讲坛 第15期")
    response = client.get(f"/api/v1/series/{series.id}?lang=en")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["id"], body["display_name"]) == (series.id, "Xinghai Forum")
    assert [s["session_number"] for s in body["sessions"]] == [2, 14]
    assert body["sessions"][1] == {
        "id": fourteenth.id, "session_number": 14, "title": "Xinghai Forum No. 14",
        "starts_at": body["sessions"][1]["starts_at"], "status": "published",
        "url": f"http://outreach.test/events/{fourteenth.id}",
    }
    assert body["sessions"][1]["starts_at"].endswith("+08:00")
    assert body["sessions"][0]["id"] == second.id

    staff = api_token(make_user("staff"))
    sessions = client.get(f"/api/v1/series/{series.id}", headers=staff).get_json()["sessions"]
    assert [(s["session_number"], s["status"]) for s in sessions] == [(2, "published"), (14, "published"), (15, "draft")]
    assert sessions[2]["id"] == draft.id
    assert client.get("/api/v1/series/9999").get_json()["error"]["code"] == "not_found"


def test_staff_start_a_series(client, xinghai, make_user, api_token):
    body = {"name": "三点半课堂", "name_en": "Half-Past-Three Class", "description": "放学后的阅读课。", "branch_id": xinghai.id}
    assert client.post("/api/v1/series", json=body).status_code == 401
    assert client.post("/api/v1/series", json=body, headers=api_token(make_user("volunteer"))).status_code == 403
    staff = api_token(make_user("staff"))
    response = client.post("/api/v1/series", json=body, headers=staff)
    assert response.status_code == 201
    series = db.session.scalar(select(Series))
    assert response.get_json() == {
        "id": series.id, "name": "三点半课堂", "name_en": "Half-Past-Three Class", "display_name": "三点半课堂",
        "description": "放学后的阅读课。", "description_en": None, "display_description": "放学后的阅读课。",
        "branch_id": xinghai.id,
    }
    response = client.post("/api/v1/series?lang=en", json={"name": "三点半课堂"}, headers=staff)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "series_exists"
    response = client.post("/api/v1/series?lang=en", json={"name": "新系列", "branch_id": 9999}, headers=staff)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"branch_id": "There is no such branch."}
    response = client.post("/api/v1/series?lang=en", json={"name_en": "Nameless"}, headers=staff)
    assert response.get_json()["error"]["fields"] == {"name": "This field is required."}
    assert count(Series) == 1


def test_partners_are_for_staff(client, make_event, make_user, api_token):
    sponsor = Partner(name="台北城", name_en="Taipei City")
    school = Partner(name="醴陵市第一中学")
    db.session.add_all([sponsor, school])
    db.session.commit()
    event = make_event()
    db.session.add(EventPartner(event_id=event.id, partner_id=sponsor.id, role="naming_sponsor"))
    db.session.commit()
    assert client.get("/api/v1/partners").status_code == 401
    response = client.get("/api/v1/partners?lang=en", headers=api_token(make_user("staff")))
    assert response.status_code == 200
    partners = sorted(response.get_json()["partners"], key=lambda p: p["id"])
    assert partners == [
        {"id": sponsor.id, "name": "台北城", "name_en": "Taipei City", "display_name": "Taipei City", "events": 1},
        {"id": school.id, "name": "醴陵市第一中学", "name_en": None, "display_name": "醴陵市第一中学", "events": 0},
    ]


def test_the_places_routes_are_described(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/branches"]) == {"get", "post"}
    assert set(paths["/series"]) == {"get", "post"}
    assert set(paths["/series/{series_id}"]) == {"get"}
    assert set(paths["/partners"]) == {"get"}
