"""End to end over real HTTP: the app deploys to the real sandbox with the user's token."""

from __future__ import annotations

import html
import io
import re
import time
import zipfile

from tests.support.jars import load_builder
from tests.support.labs import DeployLab

JAR_TYPE = "application/java-archive"


def wait_for(browser, url, wanted: set[str], seconds: float = 10) -> dict:
    """Poll status.json until the status is one of ``wanted``; return the last answer."""
    deadline = time.monotonic() + seconds
    while True:
        answer = browser.get(url, timeout=10).json()
        if answer["status"] in wanted and not answer["transitional"]:
            return answer
        assert time.monotonic() < deadline, answer
        time.sleep(0.1)


def test_developer_deploys_watches_stops_starts_and_deletes(deploy_lab, sample_jar):
    lab = deploy_lab
    browser = lab.signed_in("developer")
    sandbox = lab.sandbox.environment_id("Sandbox")
    page = browser.get(lab.url + "/deploy")
    assert page.status_code == 200
    assert "Applications in Sandbox" in page.text
    assert 'id="deploy-form"' in page.text and "4.9.0" in page.text
    assert browser.get(lab.url + "/deploy/available.json",
                       params={"environment": sandbox, "name": "hello-e2e"}).json() == {
        "name": "hello-e2e", "available": True, "message": None}

    answer = lab.post_deploy(browser, lab.deploy_fields(browser, sandbox, "hello-e2e"),
                         sample_jar)
    assert answer.status_code == 303, answer.text[:800]
    assert answer.headers["Location"] == f"/deploy/{sandbox}/hello-e2e"
    app_url = lab.url + answer.headers["Location"]
    status_url = app_url + "/status.json"

    first = browser.get(status_url).json()
    assert first["status"] in ("DEPLOYING", "STARTED")
    assert first["updated"].endswith("Z")
    started = wait_for(browser, status_url, {"STARTED"})
    assert started["reason"] is None and started["failed"] is False
    shown = browser.get(app_url)
    assert shown.status_code == 200
    assert "STARTED" in shown.text and "hello-mule-1.0.0-mule-application.jar" in shown.text
    assert "<code>greeting</code>" in shown.text and "<code>http.port</code>" in shown.text
    listed = browser.get(lab.url + f"/deploy/{sandbox}/applications.json").json()
    assert [row["domain"] for row in listed["applications"]] == ["hello-e2e"]
    taken = browser.get(lab.url + "/deploy/available.json",
                        params={"environment": sandbox, "name": "hello-e2e"}).json()
    assert taken["available"] is False and "taken" in taken["message"]

    token = lab.csrf(browser, f"/deploy/{sandbox}/hello-e2e")
    stopped = browser.post(app_url + "/stop", data={"csrf_token": token}, allow_redirects=False)
    assert stopped.status_code == 303
    assert stopped.headers["Location"] == f"/deploy/{sandbox}/hello-e2e"
    assert wait_for(browser, status_url, {"UNDEPLOYED"})["status"] == "UNDEPLOYED"

    started = browser.post(app_url + "/start", data={"csrf_token": token}, allow_redirects=False)
    assert started.status_code == 303
    assert wait_for(browser, status_url, {"STARTED"})["status"] == "STARTED"

    with open(sample_jar, "rb") as jar:
        redeployed = browser.post(app_url + "/redeploy", data={"csrf_token": token},
                                  files={"file": ("hello-v2.jar", jar, JAR_TYPE)},
                                  allow_redirects=False)
    assert redeployed.status_code == 303
    assert wait_for(browser, status_url, {"STARTED"})["status"] == "STARTED"
    assert "hello-v2.jar" in browser.get(app_url).text
    no_file = browser.post(app_url + "/redeploy", data={"csrf_token": token})
    assert no_file.status_code == 400 and "Choose the new JAR file" in no_file.text

    unconfirmed = browser.post(app_url + "/delete", data={"csrf_token": token},
                               allow_redirects=False)
    assert unconfirmed.status_code == 303
    assert unconfirmed.headers["Location"] == f"/deploy/{sandbox}/hello-e2e/delete"
    confirm = browser.get(app_url + "/delete")
    assert confirm.status_code == 200 and "Delete hello-e2e?" in confirm.text
    deleted = browser.post(app_url + "/delete", data={"csrf_token": token,
                                                      "confirm": "hello-e2e"})
    assert deleted.status_code == 200
    assert deleted.url == lab.url + f"/deploy?environment={sandbox}"
    assert "hello-e2e was deleted." in deleted.text
    time.sleep(0.35)  # a deleted application shows DELETED for one SANDBOX_DEPLOY_SECONDS
    assert browser.get(status_url).status_code == 404
    assert browser.get(lab.url + f"/deploy/{sandbox}/applications.json").json() == {
        "applications": [], "transitional": False}

    trace = browser.get(lab.url + "/activity.json").json()["exchanges"]
    labels = [entry["label"] for entry in trace]
    for label in ("deploy", "redeploy", "stop", "start", "delete", "get application", "check name",
                  "mule versions", "list applications"):
        assert label in labels, label
    upload = next(entry for entry in trace if entry["label"] == "deploy")
    assert upload["status"] == 200
    assert upload["request"]["multipart"]["file"]["streamed"] is True
    assert upload["request"]["multipart"]["appInfoJson"]["domain"] == "hello-e2e"
    assert "Bearer fp:" in upload["request"]["headers"]["Authorization"]
    assert upload["request"]["headers"]["X-ANYPNT-ENV-ID"] == sandbox


def test_viewer_gets_the_missing_right_panel(deploy_lab, sample_jar):
    lab = deploy_lab
    browser = lab.signed_in("viewer")
    sandbox = lab.sandbox.environment_id("Sandbox")
    answer = lab.post_deploy(browser, lab.deploy_fields(browser, sandbox, "viewer-app"),
                         sample_jar)
    assert answer.status_code == 403
    assert 'id="deploy-refusal"' in answer.text and 'data-kind="right"' in answer.text
    assert "Missing right: <code>create:applications</code>" in answer.text
    assert "viewer" in answer.text and "Ask for more access" not in answer.text
    assert 'value="viewer-app"' in answer.text  # the input is kept


def test_missing_scope_offers_exactly_that_scope(deploy_lab):
    lab = deploy_lab
    granted = "openid profile email offline_access view:environment read:applications"
    browser = lab.signed_in("developer", scope=granted)
    page = browser.get(lab.url + "/deploy")
    assert page.status_code == 200
    assert 'data-kind="scope" data-scope="create:applications"' in page.text
    panel = page.text.split('id="deploy-refusal"')[1]
    ask = html.unescape(re.search(r'class="btn btn-primary ask-more" href="([^"]+)"', panel)[1])
    login = browser.get(lab.url + ask, allow_redirects=False)
    assert login.status_code == 302
    authorize = login.headers["Location"]
    assert "create%3Aapplications" in authorize
    for other in ("manage%3Aapplication_settings", "delete%3Aapplications"):
        assert other not in authorize
    assert "read%3Aapplications" in authorize  # what was granted stays asked for


def test_bad_jar_and_taken_name_are_shown_next_to_the_form(deploy_lab, sample_jar, tmp_path):
    lab = deploy_lab
    browser = lab.signed_in("developer")
    sandbox = lab.sandbox.environment_id("Sandbox")
    not_a_zip = tmp_path / "notes.jar"
    not_a_zip.write_bytes(b"this is not a zip archive" * 100)
    bad = lab.post_deploy(browser, lab.deploy_fields(browser, sandbox, "bad-jar-app"),
                      not_a_zip)
    assert bad.status_code == 400
    assert 'id="file-error"' in bad.text and "not a JAR (zip) archive" in bad.text
    assert 'value="bad-jar-app"' in bad.text and "greeting=hello" in bad.text

    no_descriptor = tmp_path / "plain.jar"
    with zipfile.ZipFile(no_descriptor, "w") as archive:
        archive.writestr("hello.txt", "hi")
    bad = lab.post_deploy(browser, lab.deploy_fields(browser, sandbox, "bad-jar-app"),
                      no_descriptor)
    assert bad.status_code == 400 and "mule-artifact.json" in bad.text

    first = lab.post_deploy(browser, lab.deploy_fields(browser, sandbox, "taken-name"),
                        sample_jar)
    assert first.status_code == 303
    again = lab.post_deploy(browser, lab.deploy_fields(browser, sandbox, "taken-name",
                                                    workers="2"), sample_jar)
    assert again.status_code == 409
    assert 'id="name-error"' in again.text and "already exists" in again.text
    assert 'value="taken-name"' in again.text and 'value="2"' in again.text


def test_a_runtime_too_old_for_the_jar_ends_in_deploy_failed(deploy_lab, tmp_path):
    lab = deploy_lab
    browser = lab.signed_in("developer")
    sandbox = lab.sandbox.environment_id("Sandbox")
    needs_new = load_builder().build(tmp_path / "needs-new.jar", min_mule_version="4.9.0")
    answer = lab.post_deploy(browser, lab.deploy_fields(browser, sandbox, "too-new",
                                                     runtime="4.4.0"), needs_new)
    assert answer.status_code == 303
    status_url = lab.url + answer.headers["Location"] + "/status.json"
    failed = wait_for(browser, status_url, {"DEPLOY_FAILED"})
    assert failed["failed"] is True and "4.9.0" in failed["reason"]
    page = browser.get(lab.url + answer.headers["Location"])
    assert 'id="failure-reason"' in page.text and "4.9.0 or newer" in page.text


def test_developer_may_not_deploy_to_production(deploy_lab, sample_jar):
    lab = deploy_lab
    browser = lab.signed_in("developer")
    production = lab.sandbox.environment_id("Production")
    answer = lab.post_deploy(browser, lab.deploy_fields(browser, production, "prod-app"),
                         sample_jar)
    assert answer.status_code == 403
    assert 'data-kind="right"' in answer.text and "Production" in answer.text


class SlowAnswers:
    """WSGI middleware: reads a POST to ``path`` in full, then waits ``seconds`` before the
    sandbox answers it, as CloudHub does while it inspects a large upload."""

    def __init__(self, app, path: str, seconds: float):
        self.app, self.path, self.seconds = app, path, seconds

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"] == self.path:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            time.sleep(self.seconds)
            environ["wsgi.input"] = io.BytesIO(body)
        return self.app(environ, start_response)


def test_an_upload_waits_for_its_answer_longer_than_other_calls(tmp_path, sample_jar):
    lab = DeployLab(tmp_path, rp_settings={"HTTP_TIMEOUT": "0.5", "UPLOAD_ANSWER_TIMEOUT": "10"})
    try:
        sandbox_app = lab.sandbox.app
        sandbox_app.wsgi_app = SlowAnswers(sandbox_app.wsgi_app, "/cloudhub/api/v2/applications",
                                           1.5)
        browser = lab.signed_in("developer")
        env = lab.sandbox.environment_id("Sandbox")
        answer = lab.post_deploy(browser, lab.deploy_fields(browser, env, "slow-answer"),
                             sample_jar)
        assert answer.status_code == 303, answer.text[:500]
    finally:
        lab.stop()


def test_no_answer_after_the_upload_is_not_called_nothing_deployed(tmp_path, sample_jar):
    lab = DeployLab(tmp_path, rp_settings={"UPLOAD_ANSWER_TIMEOUT": "0.5"})
    try:
        sandbox_app = lab.sandbox.app
        sandbox_app.wsgi_app = SlowAnswers(sandbox_app.wsgi_app, "/cloudhub/api/v2/applications",
                                           2.5)
        browser = lab.signed_in("developer")
        env = lab.sandbox.environment_id("Sandbox")
        answer = lab.post_deploy(browser, lab.deploy_fields(browser, env, "no-answer"),
                             sample_jar)
        text = html.unescape(answer.text)
        assert answer.status_code == 504
        assert "cannot tell whether it went through" in text
        assert "nothing was deployed" not in text
    finally:
        lab.stop()
