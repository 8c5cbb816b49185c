"""An answer that is not what the platform gives (HTML with 200, a proxy's banner, empty text
where JSON belongs) is a platform error, never a success: not a working token, not a page."""

from __future__ import annotations

import pytest
import requests

from tests.support.fake_platform import platform_app, signed_in_client


def html(status: int = 200) -> requests.Response:
    answer = requests.Response()
    answer.status_code = status
    answer._content = b"<!doctype html><title>Sign in to your proxy</title>"
    answer.headers["Content-Type"] = "text/html; charset=utf-8"
    return answer


@pytest.mark.parametrize("path", ["/", "/deploy"])
def test_html_with_200_for_me_is_the_502_page_not_a_working_token(tmp_path, path):
    """(/access no longer asks /accounts/api/me on a view; its check is the lab's, below.)"""
    app, fake = platform_app(tmp_path)
    fake.answers[("GET", "/accounts/api/me")] = html()
    page = signed_in_client(app).get(path)
    assert page.status_code == 502, page.get_data(as_text=True)[:300]
    assert "Anypoint gave an unexpected answer" in page.get_data(as_text=True)


class HtmlFor:
    """WSGI middleware: the sandbox answers ``path`` with an HTML page and 200."""

    def __init__(self, app, path: str):
        self.app, self.path, self.on = app, path, False

    def __call__(self, environ, start_response):
        if self.on and environ["PATH_INFO"] == self.path:
            start_response("200 OK", [("Content-Type", "text/html")])
            return [b"<!doctype html><title>Sign in to your proxy</title>"]
        return self.app(environ, start_response)


def test_the_lab_records_html_as_an_unexpected_answer_not_a_200(sandbox_lab):
    sandbox = sandbox_lab.sandbox.app
    sandbox.wsgi_app = middleware = HtmlFor(sandbox.wsgi_app, "/accounts/api/me")
    browser = sandbox_lab.signed_in()
    middleware.on = True
    answer = sandbox_lab.post(browser, "/access/lab/probe", page="/access/lab")
    facts = {fact["key"]: fact for fact in answer.json()["probe"]["facts"]}
    assert facts["api"]["value"] == "unexpected answer" and facts["api"]["ok"] is None
    assert "text/html, not JSON" in facts["api"]["detail"]


def test_html_instead_of_the_application_list_is_a_502_for_api_callers(tmp_path):
    app, fake = platform_app(tmp_path)
    fake.answers[("GET", "/cloudhub/api/v2/applications")] = html()
    answer = signed_in_client(app).get("/deploy/env-sbx/applications.json")
    assert answer.status_code == 502 and answer.json["error"] == "bad_gateway"
