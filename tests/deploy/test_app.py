"""The deploy pages with Flask's test client and a fake Anypoint: re-rendering, panels, limits."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError
from urllib3.filepost import encode_multipart_formdata

from relying_party.anypoint.multipart import CHUNK_BYTES
from tests.support.fake_platform import (
    ALL_SCOPES,
    application,
    platform_app,
    response,
    signed_in_client,
)

JAR = b"PK\x03\x04" + bytes(range(256)) * 4096  # 1 MB, more than Werkzeug keeps in memory


@pytest.fixture
def platform(tmp_path):
    app, fake = platform_app(tmp_path)
    return app, fake, signed_in_client(app)


def form(**changes) -> dict:
    """The deploy form's fields; ``file`` is (filename, bytes) and None removes a field."""
    fields = {"csrf_token": "csrf-token", "environment": "env-sbx", "name": "hello-app",
              "runtime": "4.9.0", "worker_size": "Small", "workers": "2", "region": "eu-west-1",
              "properties": "greeting=hi there\nhttp.port=8081",
              "file": ("hello-mule-1.0.0-mule-application.jar", JAR)}
    fields.update(changes)
    return {key: value for key, value in fields.items() if value is not None}


def post_form(client, fields: dict, path: str = "/deploy"):
    """POST ``fields`` as multipart/form-data, encoded in memory (the test client would spool
    a large body to a temporary file it never closes)."""
    body, content_type = encode_multipart_formdata(fields)
    return client.post(path, data=body, content_type=content_type)


def kept(page: str, **values) -> None:
    """Each field still holds the user's value in the re-rendered form."""
    for name, value in values.items():
        value = html.escape(value, quote=True)
        inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
        select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
        area = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
        assert (any(f'value="{value}"' in tag for tag in inputs)
                or (select and f'value="{value}" selected' in select.group(1))
                or (area and area.group(1) == value)), name


def test_deploy_streams_the_jar_and_answers_303(platform):
    app, fake, client = platform
    answer = post_form(client, form())
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/deploy/env-sbx/hello-app"
    upload = fake.posts()[0]
    assert upload["headers"]["X-ANYPNT-ENV-ID"] == "env-sbx"
    assert upload["headers"]["X-ANYPNT-ORG-ID"] == "org-1"
    assert upload["headers"]["Content-Type"].startswith("multipart/form-data; boundary=")
    assert upload["length"] == len(upload["body"])  # Content-Length matches what was sent
    assert max(upload["chunks"]) <= CHUNK_BYTES and len(upload["chunks"]) > 4
    fields, files = fake.form(upload)
    assert files["file"] == ("hello-mule-1.0.0-mule-application.jar", JAR)
    assert fields["autoStart"] == "true"
    info = json.loads(fields["appInfoJson"])
    assert info["domain"] == "hello-app" and info["region"] == "eu-west-1"
    assert info["muleVersion"] == {"version": "4.9.0"}
    assert info["workers"] == {"amount": 2, "type": {"name": "Small"}}
    assert info["properties"] == {"greeting": "hi there", "http.port": "8081"}


def test_invalid_fields_re_render_with_the_input_kept(platform):
    _app, fake, client = platform
    answer = post_form(client, form(name="Hello_App", workers="12",
                                              properties="a=1\nnot a pair\n"))
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert 'id="name-error"' in page and "lowercase letters" in page
    assert 'id="workers-error"' in page and "1 to 8 workers" in page
    assert 'id="properties-error"' in page and "Line 2 (“not a pair”) is not key=value." in page
    kept(page, name="Hello_App", workers="12", runtime="4.9.0", region="eu-west-1",
         worker_size="Small", properties="a=1\nnot a pair\n")
    assert fake.posts() == []  # nothing was sent to Anypoint


def test_missing_or_wrong_file_is_named(platform):
    _app, fake, client = platform
    none = post_form(client, form(file=None))
    assert none.status_code == 400 and "Choose the application" in none.get_data(as_text=True)
    text = post_form(client, form(file=("notes.txt", b"x")))
    assert text.status_code == 400 and "ending in .jar" in text.get_data(as_text=True)
    empty = post_form(client, form(file=("empty.jar", b"")))
    assert empty.status_code == 400 and "The file is empty." in empty.get_data(as_text=True)
    assert fake.posts() == []


@pytest.mark.parametrize(("status", "message", "field"), [
    (409, "An application named hello-app already exists", "name"),
    (400, "The file is not a JAR (zip) archive.", "file"),
    (400, "Region \"mars-1\" does not exist", "region"),
])
def test_platform_refusals_are_shown_next_to_their_field(platform, status, message, field):
    _app, fake, client = platform
    fake.answers[("POST", "/cloudhub/api/v2/applications")] = response(status,
                                                                        {"message": message})
    answer = post_form(client, form())
    assert answer.status_code == status
    page = answer.get_data(as_text=True)
    error = re.search(rf'<p class="field-error" id="{field}-error" role="alert">([^<]*)</p>',
                      page)
    assert error and message.replace('"', "&#34;") in error.group(1)
    kept(page, name="hello-app", workers="2", properties="greeting=hi there\nhttp.port=8081")


def refused() -> requests.ConnectionError:
    """What requests raises when nothing listens: no connection, so nothing was sent."""
    reason = NewConnectionError(None, "[Errno 111] Connection refused")
    return requests.ConnectionError(MaxRetryError(None, "/cloudhub/api/v2/applications", reason))


def test_unreachable_platform_keeps_the_input(platform):
    _app, fake, client = platform
    fake.answers[("POST", "/cloudhub/api/v2/applications")] = refused()
    answer = post_form(client, form())
    assert answer.status_code == 503
    page = answer.get_data(as_text=True)
    assert 'id="form-error"' in page and "could not be reached, so nothing was deployed" in page
    kept(page, name="hello-app", workers="2")


def test_a_timeout_after_the_upload_was_sent_does_not_claim_nothing_happened(platform):
    _app, fake, client = platform
    fake.answers[("POST", "/cloudhub/api/v2/applications")] = requests.ReadTimeout("slow")
    answer = post_form(client, form())
    assert answer.status_code == 504
    page = html.unescape(answer.get_data(as_text=True))
    assert "cannot tell whether it went through" in page and "nothing was" not in page
    kept(page, name="hello-app", workers="2")


def test_platform_refusal_of_a_granted_scope_is_a_missing_right(platform):
    _app, fake, client = platform
    fake.answers[("POST", "/cloudhub/api/v2/applications")] = response(403, {
        "message": "The access token was not granted the 'create:applications' scope."})
    answer = post_form(client, form())
    assert answer.status_code == 403
    page = answer.get_data(as_text=True)
    # The grant lists the scope (the fake token claims it), so Anypoint's words decide: a right.
    assert 'data-kind="right" data-scope="create:applications"' in page
    kept(page, name="hello-app")


def test_scope_not_granted_shows_the_ask_panel_and_sends_nothing(tmp_path):
    app, fake = platform_app(tmp_path, scopes=[s for s in ALL_SCOPES
                                               if s != "create:applications"])
    client = signed_in_client(app)
    page = client.get("/deploy").get_data(as_text=True)
    assert 'data-kind="scope" data-scope="create:applications"' in page
    ask = re.search(r'id="deploy-refusal".*?href="([^"]+)"', page, re.S).group(1)
    query = parse_qs(urlsplit(html.unescape(ask)).query)
    granted = [s for s in ALL_SCOPES if s != "create:applications"]
    assert query["scope"] == [" ".join([*granted, "create:applications"])]  # granted + this one
    assert query["next"] == ["/deploy?environment=env-sbx"]
    answer = post_form(client, form())
    assert answer.status_code == 403 and 'value="hello-app"' in answer.get_data(as_text=True)
    assert fake.posts() == []


def test_upload_over_the_limit_is_a_clear_413(tmp_path):
    app, fake = platform_app(tmp_path, DEPLOY_MAX_UPLOAD_MB=1 / 16)
    client = signed_in_client(app)
    answer = post_form(client, form())
    assert answer.status_code == 413
    assert "That file is too large to deploy" in answer.get_data(as_text=True)
    assert fake.posts() == []


def test_status_json_and_missing_application(platform):
    _app, fake, client = platform
    fake.apps["hello-app"] = application("hello-app", "DEPLOY_FAILED",
                                         deploymentUpdateStatus="DEPLOY_FAILED",
                                         deploymentFailureReason="needs Mule 4.9.0")
    status = client.get("/deploy/env-sbx/hello-app/status.json").get_json()
    assert status == {"status": "DEPLOY_FAILED", "updated": "2023-11-14T22:13:20Z",
                      "update_status": "DEPLOY_FAILED", "reason": "needs Mule 4.9.0",
                      "transitional": False, "failed": True, "details": {
                          "runtime": "4.9.0", "workers": "1 × Micro", "region": "us-east-1",
                          "jar": "hello.jar"}}
    gone = client.get("/deploy/env-sbx/nothing/status.json")
    assert gone.status_code == 404 and gone.get_json()["error"] == "not_found"
    page = client.get("/deploy/env-sbx/nothing")
    assert page.status_code == 404 and "No such application" in page.get_data(as_text=True)


def test_delete_needs_the_confirmation_step(platform):
    _app, fake, client = platform
    fake.apps["hello-app"] = application("hello-app", "STARTED")
    skipped = client.post("/deploy/env-sbx/hello-app/delete", data={"csrf_token": "csrf-token"})
    assert skipped.status_code == 303
    assert skipped.headers["Location"] == "/deploy/env-sbx/hello-app/delete"
    assert not any(call["method"] == "DELETE" for call in fake.calls)
    confirm = client.get("/deploy/env-sbx/hello-app/delete").get_data(as_text=True)
    assert 'name="confirm" value="hello-app"' in confirm and "csrf_token" in confirm
    done = client.post("/deploy/env-sbx/hello-app/delete",
                       data={"csrf_token": "csrf-token", "confirm": "hello-app"})
    assert done.status_code == 303 and done.headers["Location"] == "/deploy?environment=env-sbx"
    assert [c["path"] for c in fake.calls if c["method"] == "DELETE"] == [
        "/cloudhub/api/v2/applications/hello-app"]


def test_actions_need_csrf(platform):
    _app, fake, client = platform
    fake.apps["hello-app"] = application("hello-app", "STARTED")
    assert client.post("/deploy/env-sbx/hello-app/stop").status_code == 400
    assert post_form(client, form(csrf_token="wrong")).status_code == 400
    assert fake.posts("/cloudhub/api/applications/hello-app/status") == []


def test_page_lists_applications_without_inline_script(platform):
    _app, fake, client = platform
    fake.apps["hello-app"] = application("hello-app", "DEPLOYING")
    page = client.get("/deploy")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-transitional="true"' in text
    assert 'data-domain="hello-app"' in text and "2023-11-14 22:13:20 UTC" in text
    assert re.findall(r"<script(?![^>]*\bsrc=)", text) == []
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    listed = client.get("/deploy/env-sbx/applications.json").get_json()
    assert listed["transitional"] is True and listed["applications"][0]["status"] == "DEPLOYING"


def test_an_unknown_environment_is_named_not_silently_replaced(platform):
    _app, _fake, client = platform
    text = client.get("/deploy?environment=env-nope").get_data(as_text=True)
    assert ("You have no environment with the id &#39;env-nope&#39;; showing Sandbox instead."
            in text)
    assert "unknown-environment" not in client.get("/deploy").get_data(as_text=True)
    assert "unknown-environment" not in client.get("/deploy?environment=env-sbx").get_data(
        as_text=True)


def test_signed_out_and_non_anypoint(tmp_path, lab):
    app, _fake = platform_app(tmp_path)
    assert app.test_client().get("/deploy").status_code == 401
    rp = lab()
    rp.sign_in()
    page = rp.browser.get(rp.url + "/deploy")
    assert page.status_code == 200 and "Deploying needs Anypoint Platform" in page.text
