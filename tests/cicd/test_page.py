"""/cicd with the test client (anonymous) and over HTTP signed in through the sandbox."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import pytest

from relying_party import create_app
from relying_party.web.security import content_security_policy
from tests.support.labs import DeployLab

SECRET = "web-app-secret-0123456789abcdef"
CHOICES = {"environment": "Sandbox", "name": "orders-api", "runtime": "4.6.0", "workers": "2",
           "worker_size": "Medium", "region": "eu-west-1"}


@pytest.fixture
def client(tmp_path):
    app = create_app({"ANYPOINT_URL": "http://localhost:8081", "ANYPOINT_CLIENT_ID": "lab-id",
                      "ANYPOINT_CLIENT_SECRET": SECRET, "SECRET_KEY": "test-secret-key-0123456789",
                      "INSTANCE_PATH": str(tmp_path / "instance")}, env_file=None)
    return app.test_client()


def code_block(page: str, block_id: str) -> str:
    """The text of ``<code id=block_id>`` as a person copies it."""
    match = re.search(rf'<code id="{block_id}">(.*?)</code>', page, re.S)
    assert match, f"no {block_id}"
    return html.unescape(match.group(1))


def test_renders_the_pom_block_for_the_chosen_values(client):
    response = client.get("/cicd/", query_string=CHOICES)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    deployment = ET.fromstring(code_block(page, "pom-block")).find(
        "configuration/cloudHubDeployment")
    assert {child.tag: child.text for child in deployment} == {
        "uri": "http://localhost:8081", "muleVersion": "4.6.0",
        "connectedAppClientId": "${client.id}", "connectedAppClientSecret": "${client.secret}",
        "connectedAppGrantType": "client_credentials", "applicationName": "orders-api",
        "environment": "Sandbox", "region": "eu-west-1", "workers": "2", "workerType": "MEDIUM",
        "objectStoreV2": "true"}
    maven = code_block(page, "maven-command")
    assert maven.startswith("mvn clean deploy -DmuleDeploy")
    assert '-Dclient.secret="${ANYPOINT_CI_CLIENT_SECRET}"' in maven
    flask = code_block(page, "flask-command")
    assert "--environment Sandbox" in flask and "--worker-size Medium" in flask
    assert "--workers 2" in flask and "--region eu-west-1" in flask
    for scope in ("read:applications", "create:applications", "manage:application_settings",
                  "delete:applications", "view:environment"):
        assert f'<code class="scope-name">{scope}</code>' in page.replace("<wbr>", "")
    assert "Design Center" in page
    assert SECRET not in page and "lab-id" not in page
    assert response.headers["Content-Security-Policy"] == content_security_policy(
        ("http://localhost:8081",))
    assert "<script src=\"/static/cicd.js\"></script>" in page and "<script>" not in page


def test_escapes_everything(client):
    hostile = 'QA <b>&"</b>'
    page = client.get("/cicd/", query_string={**CHOICES, "environment": hostile}).get_data(
        as_text=True)
    assert "<b>" not in page
    pom = ET.fromstring(code_block(page, "pom-block"))
    assert pom.findtext("configuration/cloudHubDeployment/environment") == hostile
    assert "--environment 'QA <b>&\"</b>'" in code_block(page, "flask-command")


def test_bad_choices_answer_400_with_the_message_next_to_the_field(client):
    response = client.get("/cicd/", query_string={**CHOICES, "name": "Not_OK", "workers": "12",
                                                  "region": "mars-1"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="name-error"' in page and "lowercase letters" in page
    assert 'id="workers-error"' in page and 'id="region-error"' in page
    assert 'id="pom-block"' not in page


def test_signed_in_user_picks_from_their_environments(tmp_path):
    lab = DeployLab(tmp_path)
    try:
        browser = lab.signed_in("developer")
        response = browser.get(lab.url + "/cicd/", timeout=20)
        assert response.status_code == 200
        page = response.text
        assert '<select id="environment" name="environment">' in page
        assert '<option value="Sandbox" selected>Sandbox</option>' in page
        secrets = [app["client_secret"] for app in lab.sandbox.seed["apps"]]
        assert all(secret not in page for secret in secrets)
        refused = browser.get(lab.url + "/cicd/", params={**CHOICES, "environment": "Nowhere"},
                              timeout=20)
        assert refused.status_code == 400 and "Choose one of your environments." in refused.text
    finally:
        lab.stop()
