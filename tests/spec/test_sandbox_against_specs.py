"""Every operation the sandbox serves answers as MuleSoft's official specs describe (status,
content type, required fields, types, enums) and accepts the requests they describe (parameter
names with their defaults, bodies, content types): a tour of every served operation, each
exchange checked against ``../shared/specs/anypoint/`` as read at test time."""

import base64
import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.support.sandbox import sandbox_app, seeded_database
from tests.support.sandbox_client import ADMIN_SCOPE, CALLBACK, SignIn, bearer
from tests.support.spec_tour import Tour, exempt, spec_less, unvisited

ACCOUNTS, OAUTH = "/accounts/api", "/accounts/api/v2/oauth2"
DEPLOY_SECONDS = 2


@pytest.fixture
def world(tmp_path, clock, anypoint_specs):
    seed = seeded_database(tmp_path / "sandbox.db")
    app = sandbox_app(tmp_path / "sandbox.db", TESTING=True,
                      SANDBOX_UPLOAD_DIR=str(tmp_path / "uploads"),
                      SANDBOX_DEPLOY_SECONDS=DEPLOY_SECONDS)
    yield app, seed, Tour(app, anypoint_specs)
    app.extensions["sandbox_storage"].dispose()


def test_every_served_path_has_a_spec_operation_or_a_stated_exemption(world, anypoint_specs):
    app, _seed, _tour = world
    assert spec_less(app, anypoint_specs) == []
    assert exempt("/console/audit-log/") and not exempt("/accounts/api/me")


def _apps(seed, name):
    return next(item for item in seed["apps"] if item["name"] == name)


def _oauth(tour, seed) -> tuple[str, str]:
    """The OAuth and OpenID Connect endpoints; returns (admin token, CI Deployer token)."""
    lab, deployer = _apps(seed, "Connected App Lab"), _apps(seed, "CI Deployer")
    tour.call("GET", f"{OAUTH}/.well-known/openid-configuration", 200)
    tour.call("GET", f"{OAUTH}/keys", 200)
    request = {"client_id": lab["client_id"], "response_type": "code", "redirect_uri": CALLBACK,
               "scope": "openid profile", "state": "s1", "nonce": "n1"}
    tour.call("GET", f"{OAUTH}/authorize", 302, query=request)
    tour.call("POST", f"{OAUTH}/authorize", 302, form=request)
    signer = SignIn(tour.client, seed, lab)
    code = signer.code("admin", ADMIN_SCOPE)["code"]
    admin = tour.call("POST", f"{OAUTH}/token", 200, form={
        "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
        "client_id": lab["client_id"], "client_secret": lab["client_secret"]}).json
    client = tour.call("POST", f"{OAUTH}/token", 200, json_body={
        "grant_type": "client_credentials", "client_id": deployer["client_id"],
        "client_secret": deployer["client_secret"]}).json["access_token"]
    tour.call("GET", f"{OAUTH}/userinfo", 200, headers=bearer(admin["access_token"]))
    tour.call("POST", f"{OAUTH}/userinfo", 200, headers=bearer(admin["access_token"]))
    basic = base64.b64encode(f"{lab['client_id']}:{lab['client_secret']}".encode()).decode()
    tour.call("POST", f"{OAUTH}/introspect", 200, form={"token": admin["access_token"]},
              headers={"Authorization": f"Basic {basic}"})
    spare = signer.tokens("viewer", "openid profile")["access_token"]
    tour.call("POST", f"{OAUTH}/revoke", 200, form={
        "token": spare, "token_type_hint": "access_token", "client_id": lab["client_id"],
        "client_secret": lab["client_secret"]})
    return admin["access_token"], client


def _accounts(tour, seed, admin, client):
    org = seed["organization"]["id"]
    sandbox = seed["organization"]["environments"][0]["id"]
    for token in (admin, client):
        tour.call("GET", f"{ACCOUNTS}/me", 200, headers=bearer(token))
        tour.call("GET", f"{ACCOUNTS}/profile", 200, headers=bearer(token))
        tour.call("GET", f"{ACCOUNTS}/users/me", 200, headers=bearer(token))
        tour.call("GET", f"{ACCOUNTS}/organizations/{org}", 200, headers=bearer(token))
    tour.call("GET", f"{ACCOUNTS}/organizations/{org}/environments", 200, headers=bearer(admin),
              query={"isProduction": "false", "type": "sandbox"})
    tour.call("GET", f"{ACCOUNTS}/organizations/{org}/environments/{sandbox}", 200,
              headers=bearer(client))
    tour.call("GET", f"{ACCOUNTS}/organizations/{org}/environments/nope", 404,
              headers=bearer(admin))
    tour.call("POST", f"{ACCOUNTS}/authorize", 200, headers=bearer(admin), json_body={
        "namespace": "cloudhub", "action": "POST",
        "resources": [f"/organizations/{org}/environments/{sandbox}/applications"]})


def _connected_apps(tour, seed, admin):
    org = seed["organization"]["id"]
    deployer = _apps(seed, "CI Deployer")["client_id"]
    sandbox = seed["organization"]["environments"][0]["id"]
    new = {"client_name": "Spec Tour", "grant_types": ["client_credentials"],
           "redirect_uris": [], "scopes": ["read:applications"], "audience": "internal"}
    for base in (f"{ACCOUNTS}/connectedApplications",
                 f"{ACCOUNTS}/organizations/{org}/connectedApplications"):
        tour.call("GET", base, 200, headers=bearer(admin))
        created = tour.call("POST", base, 200, json_body=new, headers=bearer(admin)).json
        one = f"{base}/{created['client_id']}"
        tour.call("GET", one, 200, headers=bearer(admin))
        tour.call("PATCH", one, 200, json_body={"client_name": "Spec Tour 2"},
                  headers=bearer(admin))
        scope = {"scope": "read:applications", "context_params": {"org": org}}
        scoped = {"scope": "read:applications", "context_params": {"org": org,
                                                                    "envId": sandbox}}
        tour.call("PUT", f"{one}/scopes", 204, json_body={"scopes": [scope]},
                  headers=bearer(admin))
        tour.call("PATCH", f"{one}/scopes", 204, json_body={"scopes": [scoped]},
                  headers=bearer(admin))
        tour.call("GET", f"{base}/{deployer}/scopes", 200, headers=bearer(admin))
        tour.call("DELETE", f"{one}/scopes", 204, json_body={"scopes": [scoped]},
                  headers=bearer(admin))
        tour.call("DELETE", f"{one}/revoke", 204, headers=bearer(admin))
        tour.call("DELETE", one, 204, headers=bearer(admin))


def _policy(tour, seed, admin):
    base = f"{ACCOUNTS}/organizations/{seed['organization']['id']}/connectedApplications"
    lab = _apps(seed, "Connected App Lab")["client_id"]
    tour.call("GET", f"{base}/settings", 200, headers=bearer(admin))
    tour.call("PATCH", f"{base}/settings", 200, headers=bearer(admin), json_body={
        "grant_types_allowed": ["authorization_code", "refresh_token", "client_credentials"],
        "applications_enabled": "all"})
    for name in ("allowlist", "whitelist"):
        entry = [{"client_id": lab, "authorized_scopes": ["openid"]}]
        tour.call("PUT", f"{base}/{name}", 204, json_body=entry, headers=bearer(admin))
        tour.call("PATCH", f"{base}/{name}", 204, json_body=entry, headers=bearer(admin))
        tour.call("GET", f"{base}/{name}", 200, headers=bearer(admin))
        tour.call("DELETE", f"{base}/{name}", 204, json_body=[{"client_id": lab}],
                  headers=bearer(admin))
    SignIn(tour.app.test_client(), seed, _apps(seed, "Connected App Lab")).tokens(
        "developer", "openid")
    found = tour.call("GET", f"{base}/authorizations", 200, headers=bearer(admin)).json["data"]
    developer = next(item for item in found if item["user_id"] != found[-1]["user_id"])
    one = f"{base}/authorizations/{developer['authorization_id']}"
    tour.call("GET", one, 200, headers=bearer(admin))
    tour.call("DELETE", one, 204, headers=bearer(admin))
    tour.call("DELETE", f"{base}/authorizations", 204, query={"user_id": found[-1]["user_id"]},
              headers=bearer(admin))


def _audit(tour, seed, admin):
    path = f"/audit/v2/organizations/{seed['organization']['id']}/query"
    tour.call("POST", path, 200, json_body={"startDate": 0, "limit": 5}, headers=bearer(admin))
    form = {"accessToken": admin, "startDate": "0", "full": "true", "ascending": "false",
            "limit": "5", "offset": "0", "organizationId": seed["organization"]["id"]}
    tour.call("POST", path, 200, form=form)
    csv = tour.call("POST", f"{path}.csv", 200, form=form)
    assert csv.text.splitlines()[0].startswith("timestamp,action,objectType")


def _multipart(fields: dict) -> tuple[bytes, str]:
    boundary, body = encode_multipart(fields)
    return body, f"multipart/form-data; boundary={boundary}"


def _cloudhub(tour, seed, client, clock, jar):
    env = seed["organization"]["environments"][0]["id"]
    headers = {**bearer(client), "X-ANYPNT-ENV-ID": env,
               "X-ANYPNT-ORG-ID": seed["organization"]["id"]}
    ch = "/cloudhub/api"
    for path in ("/mule-versions", "/mule-versions/4.9.0", "/regions", "/organization",
                 "/applications/domains/spec-app"):
        tour.call("GET", ch + path, 200, headers=headers,
                  query={"javaVersion": "17"} if path == "/mule-versions" else None)
    body, kind = _multipart({"file": FileStorage(io.BytesIO(jar.read_bytes()), jar.name),
                             "appInfoJson": '{"domain": "spec-app"}', "autoStart": "true"})
    tour.call("POST", f"{ch}/v2/applications", 200, headers=headers, body=body,
              content_type=kind)
    tour.call("POST", f"{ch}/v2/applications", 200, headers=headers, json_body={
        "applicationInfo": {"domain": "spec-exchange", "muleVersion": {"version": "4.6.0"}},
        "applicationSource": {"source": "EXCHANGE", "groupId": "org.mule.examples",
                              "artifactId": "hello-world", "version": "1.4.0"},
        "autoStart": True})
    clock.advance(DEPLOY_SECONDS + 1)
    tour.call("GET", f"{ch}/v2/applications", 200, headers=headers)
    body, kind = _multipart({"appInfoJson": '{"properties": {"k": "v"}}', "autoStart": "true"})
    tour.call("PUT", f"{ch}/v2/applications/spec-app", 200, headers=headers, body=body,
              content_type=kind)
    for move in ("stop", "start", "restart"):
        tour.call("POST", f"{ch}/applications/spec-app/status", 200, headers=headers,
                  json_body={"status": move})
        clock.advance(DEPLOY_SECONDS + 1)
    tour.call("POST", f"{ch}/applications/spec-app/status", 304, headers=headers,
              json_body={"status": "START"})
    one = tour.call("GET", f"{ch}/v2/applications/spec-app", 200, headers=headers).json
    assert one["previousMuleVersion"]["version"] == one["muleVersion"]["version"]
    deployments = tour.call("GET", f"{ch}/v2/applications/spec-app/deployments", 200,
                            headers=headers, query={"orderByDate": "DESC"}).json["data"]
    latest = deployments[0]
    tour.call("GET", f"{ch}/v2/applications/spec-app/deployments/{latest['deploymentId']}/logs",
              200, headers=headers)
    instance = latest["instances"][0]["instanceId"]
    base = f"{ch}/v2/applications/spec-app/instances/{instance}"
    tour.call("GET", f"{base}/logs", 200, headers=headers, query={"tail": "true"})
    tour.call("GET", f"{base}/log-file", 200, headers=headers)
    tour.call("DELETE", f"{ch}/applications/spec-exchange", 200, headers=headers)
    tour.call("DELETE", f"{ch}/v2/applications/spec-app", 204, headers=headers)


def test_every_operation_answers_and_accepts_as_the_spec_says(world, clock, sample_jar):
    app, seed, tour = world
    admin, client = _oauth(tour, seed)
    _accounts(tour, seed, admin, client)
    _connected_apps(tour, seed, admin)
    _audit(tour, seed, admin)
    _policy(tour, seed, admin)  # last with the admin's token: it revokes the authorizations
    _cloudhub(tour, seed, client, clock, sample_jar)
    assert unvisited(app, tour) == []
    problems = tour.problems()
    assert problems == [], "\n".join(problems)
    reads = [item for item in tour.exchanges if item.method == "GET" and item.status < 300]
    assert tour.replayed == len(reads) > 30
    assert tour.parameter_problems == [], "\n".join(tour.parameter_problems)
