"""The protocol trace shows in clear only what is known to be harmless; every other value the
app sends is a fingerprint, and the platform's secrets (tokens, properties) too."""

from __future__ import annotations

import json

from relying_party.anypoint.trace import Exchange, fingerprint

PROPERTY = "db.password"
SECRET = "hunter2-correct-horse"


def test_sent_fields_are_shown_only_when_harmless():
    entry = Exchange.build("token", "POST", "https://op/token", 200, 9, request={
        "headers": {"Authorization": "Basic Y2xpZW50OnNlY3JldA==", "X-Custom": "c",
                    "Content-Type": "application/x-www-form-urlencoded"},
        "form": {"grant_type": "refresh_token", "scope": "openid", "refresh_token": "rt",
                 "something_new": "value-nobody-vetted"}}).to_dict()
    form, headers = entry["request"]["form"], entry["request"]["headers"]
    assert form["grant_type"] == "refresh_token" and form["scope"] == "openid"
    assert form["refresh_token"] == fingerprint("rt")
    assert form["something_new"] == fingerprint("value-nobody-vetted")  # unknown: hidden
    assert headers["Authorization"].startswith("Basic fp:")
    assert headers["X-Custom"] == fingerprint("c")
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_json_bodies_keep_settings_and_hide_their_strings():
    info = {"domain": "orders", "muleVersion": {"version": "4.9.0"}, "workers": {
        "amount": 2, "type": {"name": "Small"}}, "properties": {PROPERTY: SECRET},
        "objectStoreV1": False, "notes": "anything"}
    entry = Exchange.build("deploy", "POST", "https://x/cloudhub/api/v2/applications", 200, 5,
                           request={"multipart": {"appInfoJson": info}},
                           response={**info, "status": "DEPLOYING"}).to_dict()
    sent = entry["request"]["multipart"]["appInfoJson"]
    assert sent["domain"] == "orders" and sent["muleVersion"] == {"version": "4.9.0"}
    assert sent["workers"] == {"amount": 2, "type": {"name": "Small"}}
    assert sent["objectStoreV1"] is False and sent["notes"] == fingerprint("anything")
    assert sent["properties"] == {PROPERTY: fingerprint(SECRET)}
    answered = entry["response"]
    assert answered["properties"] == {PROPERTY: fingerprint(SECRET)}
    assert answered["status"] == "DEPLOYING" and answered["notes"] == "anything"
    assert SECRET not in json.dumps(entry)


def test_urls_show_only_harmless_query_values():
    entry = Exchange.build("authorize redirect", "GET", "https://op/authorize?response_type=code"
                           "&client_id=c&scope=openid+profile&state=S3CRET&nonce=N0NCE"
                           "&code_challenge=CHALLENGE&redirect_uri=https://app/cb", 302, None)
    url = entry.url
    for hidden in ("S3CRET", "N0NCE", "CHALLENGE"):
        assert hidden not in url
    assert "response_type=code" in url and "scope=openid+profile" in url


def test_a_deploy_property_never_reaches_activity_or_its_download(deploy_lab, sample_jar):
    browser = deploy_lab.signed_in()
    env = deploy_lab.sandbox.environment_id("Sandbox")
    with open(sample_jar, "rb") as jar:
        answer = browser.post(deploy_lab.url + "/deploy", allow_redirects=False, timeout=30,
                              files={"file": (sample_jar.name, jar, "application/java-archive")},
                              data={"csrf_token": deploy_lab.csrf(browser), "environment": env,
                                    "name": "secret-props", "runtime": "4.9.0",
                                    "worker_size": "Micro", "workers": "1",
                                    "region": "us-east-1",
                                    "properties": f"{PROPERTY}={SECRET}\nhttp.port=8081"})
    assert answer.status_code == 303, answer.text[:300]
    browser.get(deploy_lab.url + answer.headers["Location"], timeout=20)  # GET shows properties
    page = browser.get(deploy_lab.url + "/activity", timeout=20).text
    download = browser.get(deploy_lab.url + "/activity.json", timeout=20).text
    for shown in (page, download):
        assert SECRET not in shown and fingerprint(SECRET) in shown
        assert PROPERTY in shown  # the property's name is shown, its value is not
