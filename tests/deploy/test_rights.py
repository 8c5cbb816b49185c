"""Scope versus right, end to end against the live sandbox: before any upload the deploy pages
know from the platform (``POST /accounts/api/authorize``) what the user may do in the chosen
environment, say so, and switch off the rest — the viewer's Deploy, Stop and Delete, the
developer's Deploy in Production — and nothing is sent to the platform when tried anyway."""

from __future__ import annotations

import re

from tests.support.calls import Calls

AUTHORIZE = "/accounts/api/authorize"
APPLICATIONS = "/cloudhub/api/v2/applications"


def deploy_fieldset(page: str) -> str:
    return re.search(r'<fieldset class="deploy-fields" id="deploy-fields"[^>]*>', page).group(0)


def right_of(page: str, scope: str) -> str | None:
    row = re.search(rf'<tr [^>]*data-scope="{scope}">(.*?)</tr>', page, re.S).group(1)
    found = re.search(r'<td class="cell-right"><span class="badge [^"]+">([^<]+)</span>', row)
    return found and found.group(1)


def test_the_viewer_is_told_before_uploading_and_nothing_is_sent(deploy_lab, sample_jar):
    lab = deploy_lab
    browser = lab.signed_in("viewer")
    sandbox = lab.sandbox.environment_id("Sandbox")
    calls = Calls(lab.sandbox.app)
    page = browser.get(lab.url + "/deploy").text
    assert calls.paths(AUTHORIZE) == [AUTHORIZE] * 4  # read, deploy, manage, delete
    assert 'id="deploy-refusal" data-kind="right" data-scope="create:applications"' in page
    assert "Your user (viewer) may not deploy applications in Sandbox." in page
    assert "disabled" in deploy_fieldset(page)
    assert right_of(page, "read:applications") == "yours"
    assert right_of(page, "create:applications") == "not yours"
    assert right_of(page, "delete:applications") == "not yours"

    calls.clear()
    browser.get(lab.url + "/deploy")
    assert calls.paths(AUTHORIZE) == []  # kept with the delegation's profile

    answer = lab.post_deploy(browser, lab.deploy_fields(browser, sandbox, "viewer-app"),
                             sample_jar)
    assert answer.status_code == 403 and 'value="viewer-app"' in answer.text
    assert {method for method, path in calls.seen if path == APPLICATIONS} == {"GET"}  # no upload


def test_the_viewer_cannot_stop_or_delete_and_is_told_why(deploy_lab, sample_jar):
    lab = deploy_lab
    developer = lab.signed_in("developer")
    sandbox = lab.sandbox.environment_id("Sandbox")
    assert lab.post_deploy(developer, lab.deploy_fields(developer, sandbox, "shared-app"),
                           sample_jar).status_code == 303
    assert 'id="manage-off"' not in developer.get(f"{lab.url}/deploy/{sandbox}/shared-app").text

    viewer = lab.signed_in("viewer")
    app_url = f"{lab.url}/deploy/{sandbox}/shared-app"
    page = viewer.get(app_url).text
    assert 'id="manage-off" data-kind="right"' in page
    assert "Your user (viewer) may not start, stop or redeploy applications in Sandbox." in page
    assert re.search(r'<button type="button" class="btn btn-danger-outline" id="delete" disabled',
                     page)
    assert re.search(r'<fieldset class="deploy-fields" disabled', page)  # redeploy
    calls = Calls(lab.sandbox.app)
    token = lab.csrf(viewer, f"/deploy/{sandbox}/shared-app")
    stopped = viewer.post(app_url + "/stop", data={"csrf_token": token}, allow_redirects=False)
    assert stopped.status_code == 403 and 'id="action-refusal" data-kind="right"' in stopped.text
    deleted = viewer.post(app_url + "/delete", data={"csrf_token": token, "confirm": "shared-app"})
    assert deleted.status_code == 403
    assert not [path for method, path in calls.seen
                if method in ("POST", "DELETE", "PUT") and path.startswith("/cloudhub")]
    confirm = viewer.get(app_url + "/delete").text
    assert 'id="delete-off"' in confirm and 'id="confirm-delete-button"' not in confirm


def test_the_developer_may_deploy_to_sandbox_but_not_production(deploy_lab):
    lab = deploy_lab
    browser = lab.signed_in("developer")
    production = lab.sandbox.environment_id("Production")
    sandbox_page = browser.get(lab.url + "/deploy").text
    assert 'id="deploy-refusal"' not in sandbox_page
    assert "disabled" not in deploy_fieldset(sandbox_page)
    assert right_of(sandbox_page, "create:applications") == "yours"
    page = browser.get(lab.url + "/deploy", params={"environment": production}).text
    assert "Your user (developer) may not deploy applications in Production." in page
    assert "disabled" in deploy_fieldset(page)
    assert right_of(page, "create:applications") == "not yours"
    assert right_of(page, "read:applications") == "not yours"


def test_when_the_platform_will_not_say_the_page_is_as_before(deploy_lab):
    lab = deploy_lab
    refuse = RefuseAuthorize(lab.sandbox.app)
    browser = lab.signed_in("viewer")
    page = browser.get(lab.url + "/deploy").text
    assert refuse.asked and 'id="deploy-refusal"' not in page
    assert "disabled" not in deploy_fieldset(page)
    assert right_of(page, "create:applications") is None


class RefuseAuthorize:
    """Sandbox middleware: POST /accounts/api/authorize answers 403, as a platform that will
    not say might."""

    def __init__(self, app):
        self.app, self.asked = app.wsgi_app, 0
        app.wsgi_app = self

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"] == AUTHORIZE:
            self.asked += 1
            start_response("403 Forbidden", [("Content-Type", "application/json")])
            return [b'{"message": "Not for you."}']
        return self.app(environ, start_response)
