import re

from openapi_spec_validator import validate


def test_openapi_is_valid_and_public(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.")


def test_openapi_lists_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    described = {(path, method) for path, item in spec["paths"].items() for method in item}
    routed = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule[len("/api/v1"):])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routed.add((path, method.lower()))
    assert routed, "no API routes found"
    assert routed - described == set(), "routes missing from openapi.json"
    assert described - routed == set(), "openapi.json describes routes that do not exist"


def test_the_contract_routes_of_this_stage_are_described(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, method in [
        ("/venues", "get"), ("/venues", "post"), ("/events", "get"), ("/events", "post"),
        ("/events/{event_id}", "get"), ("/openapi.json", "get"),
    ]:
        assert method in paths[path]
