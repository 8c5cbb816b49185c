"""The audit query API (filters, paging, guards) and the entries each action leaves."""

import time

from tests.support.sandbox_client import APPS_API, bearer, org_api

USER_APP = {"client_name": "Audit Me", "grant_types": ["authorization_code"],
            "redirect_uris": ["http://localhost:7000/cb"], "scopes": ["openid"]}


def query_path(seed):
    return f"/audit/v2/organizations/{seed['organization']['id']}/query"


def test_query_filters_paging_and_shape(client, admin, seed, lab, sign_in):
    created = client.post(APPS_API, json=USER_APP, headers=admin).json
    client.patch(f"{APPS_API}/{created['client_id']}?resetSecret=true", headers=admin)
    client.put(org_api(seed, "/allowlist"), json=[{"client_id": lab["client_id"]}],
               headers=admin)
    client.patch(org_api(seed, "/settings"), json={"allowlist_enabled": True}, headers=admin)
    path = query_path(seed)

    everything = client.post(path, json={"startDate": 0}, headers=admin)
    assert everything.status_code == 200
    assert set(everything.json) == {"data", "total"}
    times = [entry["timestamp"] for entry in everything.json["data"]]
    assert times == sorted(times)

    changes = client.post(path, json={"startDate": "2000-01-01", "objectTypes": [
        "Connected Application"], "actions": ["Create", "Edit"]}, headers=admin).json
    assert [(e["action"], e["objectName"]) for e in changes["data"]] == [
        ("Create", "Audit Me"), ("Edit", "Audit Me")]
    assert changes["data"][1]["payload"]["subaction"] == "Reset Client Secret"
    assert all(e["connectedApp"] == {"clientId": lab["client_id"],
                                     "name": "Connected App Lab"} for e in changes["data"])
    assert changes["data"][0]["userName"] == "admin"

    policy = client.post(path, json={"startDate": 0, "objectTypes": [
        "Connected Applications Settings", "Connected Applications Allowlist"]},
        headers=admin).json
    assert policy["total"] == 2

    paged = client.post(path, json={"startDate": 0, "limit": 2, "offset": 1,
                                    "ascending": False}, headers=admin).json
    assert paged["total"] == everything.json["total"] and len(paged["data"]) == 2
    assert paged["data"][0]["id"] == everything.json["data"][-2]["id"]

    by_app = client.post(path, json={"startDate": 0, "clientIds": [created["client_id"]]},
                         headers=admin).json
    assert by_app["total"] == 0  # entries name the app that acted, not the app acted on
    by_lab = client.post(path, json={"startDate": 0, "clientIds": [lab["client_id"]]},
                         headers=admin).json
    assert by_lab["total"] >= 5
    future = int(time.time() * 1000) + 60_000
    assert client.post(path, json={"startDate": future}, headers=admin).json == {
        "data": [], "total": 0}
    assert client.post(path, json={"startDate": 0, "endDate": "1999-12-31"},
                       headers=admin).json["total"] == 0
    admin_id = changes["data"][0]["userId"]
    assert client.post(path, json={"startDate": 0, "userIds": [admin_id], "actions": [
        "Create"]}, headers=admin).json["total"] == 1
    failed = client.post(path, json={"startDate": 0, "failed": True}, headers=admin).json
    assert failed["total"] == 0


def test_bad_queries_get_400(client, admin, seed):
    path = query_path(seed)
    for body, words in (({}, "'startDate' is required"),
                        ({"startDate": "yesterday"}, "ISO 8601"),
                        ({"startDate": 0, "limit": 500}, "from 1 to 200"),
                        ({"startDate": 0, "offset": -1}, "0 or more"),
                        ({"startDate": 0, "actions": "Create"}, "list of strings"),
                        ({"startDate": 0, "colour": 1}, "Unknown query field")):
        response = client.post(path, json=body, headers=admin)
        assert response.status_code == 400, body
        assert words in response.json["message"]


def test_query_guards(client, seed, sign_in):
    path = query_path(seed)
    assert client.post(path, json={"startDate": 0}).status_code == 401
    developer = sign_in.tokens("developer", "openid profile full", prompt="login")
    response = client.post(path, json={"startDate": 0},
                           headers=bearer(developer["access_token"]))
    assert response.status_code == 403 and "read:audit_logs" in response.json["message"]
    assert client.post("/audit/v2/organizations/nope/query", json={"startDate": 0},
                       headers=bearer(developer["access_token"])).status_code == 404


def test_token_and_authorization_events_name_the_app(client, admin, seed, lab):
    entries = client.post(query_path(seed), json={"startDate": 0, "actions": [
        "Login - Token", "Approved"]}, headers=admin).json["data"]
    assert {e["action"] for e in entries} == {"Login - Token", "Approved"}
    assert all(e["connectedApp"]["clientId"] == lab["client_id"] for e in entries)
