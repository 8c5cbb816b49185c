"""The protocol trace as Playground shows it: exchanges as raw HTTP, grouped by what caused
them (recorded with each entry), newest group first and oldest first within one, failures
marked; a failed sign-in's error page links to its trace; sign-out offers the download first."""

from __future__ import annotations

import html
import json
import re

from relying_party.activity import failed, grouped, pretty, raw_request, raw_response
from relying_party.anypoint.trace import Exchange
from relying_party.web.trace import cause_of
from tests.support.fake_platform import platform_app, signed_in_client

JSON = {"Accept": "application/json"}


def post(rp, path, **data):
    return rp.browser.post(rp.url + path, data={"csrf_token": rp.csrf(), **data}, headers=JSON)


def groups_of(page: str) -> list[tuple[str, str, bool]]:
    """(id, title, failed) of each group section, in page order."""
    found = re.findall(r'<section class="card trace-group( trace-group-failed)?" id="([^"]+)" '
                       r'data-cause="([^"]+)">', page)
    return [(ident, cause, bool(bad)) for bad, ident, cause in found]


def labels_in(page: str, group_id: str) -> list[str]:
    section = page.split(f'id="{group_id}"', 1)[1].split("</section>", 1)[0]
    return [html.unescape(label) for label in
            re.findall(r'<details class="exchange[^"]*" data-label="([^"]+)">', section)]


def test_each_entry_is_recorded_with_its_cause(lab):
    rp = lab()
    rp.sign_in()
    post(rp, "/access/refresh")
    post(rp, "/access/check")
    post(rp, "/access/revoke", token="access")
    entries = rp.browser.get(rp.url + "/activity.json").json()["exchanges"]
    by_label: dict[str, set] = {}
    for entry in entries:
        by_label.setdefault(entry["label"], set()).add(entry["cause"])
        assert entry["request_id"] and "endpoint" in entry  # the shape grew, nothing left
        assert {"label", "method", "url", "status", "request", "response", "at"} <= set(entry)
    assert by_label["authorize redirect"] == by_label["callback"] == {"sign-in"}
    assert by_label["discovery"] == {"provider-metadata"}  # fetched before the trace began
    assert by_label["refresh"] == {"refresh", "revoke"}  # Refresh now; the revocation's probe
    assert by_label["revoke"] == {"revoke"}
    assert "probe" in by_label["introspect"] and "revoke" in by_label["introspect"]
    assert by_label["app's answer"] == {"sign-in"}
    token = next(e for e in entries if e["label"] == "token")
    assert token["cause"] == "sign-in" and token["endpoint"] == "auth.callback"
    assert token["response_headers"]["Content-Type"] == "application/json"
    assert token["request"]["form"]["grant_type"] == "authorization_code"  # in clear
    assert token["request"]["form"]["redirect_uri"] == rp.url + "/auth/callback"


def test_an_automatic_refresh_is_a_refresh_whatever_page_made_it(lab):
    rp = lab()
    rp.op.knobs["expires_in"] = 30  # inside the 60 s margin: due at once
    rp.sign_in()
    rp.browser.get(rp.url + "/")
    entries = rp.browser.get(rp.url + "/activity.json").json()["exchanges"]
    refresh = next(e for e in entries if e["label"] == "refresh")
    assert refresh["endpoint"] == "dashboard.index" and refresh["cause"] == "refresh"


def test_causes_by_view_and_kind_of_call():
    def entry(label, form=None):
        return {"label": label, "request": {"form": form} if form else None}

    assert cause_of(entry("deploy"), "deploy.create") == "deploy"
    assert cause_of(entry("api"), "explore.call") == "explore"
    assert cause_of(entry("me"), "dashboard.index") == "profile"
    assert cause_of(entry("token", {"grant_type": "refresh_token"}), "deploy.show") == "refresh"
    assert cause_of(entry("revoke"), "auth.callback") == "sign-in"  # the previous delegation's
    assert cause_of(entry("revoke"), "auth.logout_revoke") == "sign-out"
    assert cause_of(entry("refresh"), "lab.probe") == "probe"  # the probe's refresh attempt
    assert cause_of(entry("jwks"), "access.show") == "provider-metadata"
    assert cause_of(entry("me"), "access.show") == "page"


def test_the_page_groups_newest_first_and_each_group_oldest_first(lab):
    rp = lab()
    rp.sign_in()
    post(rp, "/access/refresh")
    post(rp, "/access/check")
    post(rp, "/access/revoke", token="access")
    page = rp.browser.get(rp.url + "/activity").text
    groups = groups_of(page)
    assert [cause for _id, cause, _bad in groups] == [
        "revoke", "probe", "refresh", "sign-in", "provider-metadata"]
    assert labels_in(page, "latest-sign-in") == [
        "authorize redirect", "callback", "token", "jwks", "userinfo", "app's answer"]
    revoke_id = groups[0][0]
    assert labels_in(page, revoke_id)[0] == "revoke"  # the revocation, then its probes
    assert groups[0][2] is True  # the probes' refused userinfo call is a failure
    assert groups[3][2] is False
    assert "✗ 401 failed" in page  # in words, not only in red
    assert 'class="exchange-toggle"' in page  # rows look expandable
    only = rp.browser.get(rp.url + "/activity", params={"cause": "refresh"}).text
    assert [cause for _id, cause, _bad in groups_of(only)] == ["refresh"]
    assert rp.browser.get(rp.url + "/activity", params={"cause": "nothing"}).status_code == 400


def test_exchanges_are_shown_as_raw_http_with_secrets_fingerprinted(lab):
    rp = lab()
    rp.sign_in()
    page = html.unescape(rp.browser.get(rp.url + "/activity").text)
    request = re.search(r'<pre class="http http-request">(POST /op/token HTTP/1\.1.*?)</pre>',
                        page, re.S).group(1)
    head, _, body = request.partition("\n\n")
    assert "Host: " + rp.op.url.split("//")[1] in head
    assert "Authorization: Basic fp:" in head
    assert "Content-Type: application/x-www-form-urlencoded" in head
    assert body.startswith("grant_type=authorization_code&code=fp:")
    assert "redirect_uri=" + rp.url + "/auth/callback" in body
    assert "code_verifier=fp:" in body
    assert "HTTP/1.1 200 OK\n" in page and '"id_token": "fp:' in page
    for secret in [*rp.op.access, *rp.op.refresh, "lab-client-secret-0123456789"]:
        assert secret not in page


def test_raw_http_of_a_json_body_and_of_an_unanswered_call():
    sent = Exchange.build("deploy", "POST", "https://anypoint.test/cloudhub/api/x?name=a", None,
                          15000, request={"headers": {"Content-Type": "application/json"},
                                          "body": {"domain": "orders", "token": "s3cret"}},
                          error="ReadTimeout: timed out").to_dict()
    assert raw_request(sent) == ("POST /cloudhub/api/x?name=a HTTP/1.1\nHost: anypoint.test\n"
                                 "Content-Type: application/json\n\n{\n  \"domain\": \"orders\",\n"
                                 f"  \"token\": \"{sent['request']['body']['token']}\"\n}}")
    assert "s3cret" not in raw_request(sent)
    assert raw_response(sent) == "(no answer: ReadTimeout: timed out)"
    assert failed(sent)
    answered = Exchange.build("me", "GET", "https://anypoint.test/accounts/api/me", 403, 4,
                              response={"message": "no"},
                              response_headers={"Set-Cookie": "sid=abc"}).to_dict()
    assert raw_response(answered).startswith("HTTP/1.1 403 Forbidden\nSet-Cookie: fp:")
    assert failed(answered)


def test_entries_kept_before_causes_still_group():
    older = [{"label": "userinfo", "method": "GET", "url": "https://op/userinfo", "status": 200},
             {"label": "discovery", "method": "GET", "url": "https://op/.well-known",
              "status": 200}]
    groups = grouped(older)  # newest first, as stored
    assert [group.cause for group in groups] == ["page", "provider-metadata"]


def test_a_refused_code_exchange_links_its_trace_from_the_error_page(lab):
    rp = lab()
    callback = rp.start_login()
    rp.op.codes.clear()  # the provider refuses the code: invalid_grant
    error = rp.browser.get(callback)
    assert error.status_code == 400 and "would not exchange the sign-in code" in error.text
    link = re.search(r'<p class="trace-link" id="sign-in-trace">.*?<a href="([^"]+)"',
                     error.text, re.S).group(1)
    assert link == "/activity#latest-sign-in"
    page = rp.browser.get(rp.url + link.split("#")[0]).text
    groups = groups_of(page)
    assert groups[0] == ("latest-sign-in", "sign-in", True)
    assert labels_in(page, "latest-sign-in") == [
        "authorize redirect", "callback", "token", "app's answer"]
    section = page.split('id="latest-sign-in"', 1)[1].split("</section>", 1)[0]
    assert section.count("exchange exchange-failed") == 2  # the token call and the answer
    assert "✗ 400 failed" in section and "invalid_grant" in section


def test_a_state_mismatch_links_its_trace_and_is_marked_failed(lab):
    rp = lab()
    callback = rp.start_login()
    tampered = re.sub(r"state=[^&]+", "state=forged", callback)
    error = rp.browser.get(tampered)
    assert error.status_code == 400 and 'id="sign-in-trace"' in error.text
    page = rp.browser.get(rp.url + "/activity").text
    assert groups_of(page)[0] == ("latest-sign-in", "sign-in", True)
    assert labels_in(page, "latest-sign-in") == ["authorize redirect", "callback", "app's answer"]
    assert rp.browser.get(callback, allow_redirects=False).status_code == 303  # still works


def test_an_error_page_elsewhere_has_no_trace_link(lab):
    rp = lab()
    rp.sign_in()
    page = rp.browser.get(rp.url + "/activity", params={"cause": "nothing"})
    assert page.status_code == 400 and "sign-in-trace" not in page.text
    visitor = rp.app.test_client()  # no trace: no link
    stray = visitor.get("/auth/callback?code=x&state=y", base_url=rp.url)
    assert stray.status_code == 400 and b"sign-in-trace" not in stray.data


def test_sign_out_offers_the_trace_download_first(lab):
    rp = lab()
    rp.sign_in()
    home = rp.browser.get(rp.url + "/").text
    assert re.search(r'<a href="/logout"[^>]*id="sign-out"', home)
    page = rp.browser.get(rp.url + "/logout")
    assert page.status_code == 200 and rp.session()["authenticated"] is True  # nothing ended
    text = page.text
    assert text.index('id="signout-download"') < text.index('id="confirm-sign-out"')
    assert 'href="/activity.json"' in text
    assert 'action="/logout"' in text and 'action="/logout/revoke"' in text
    download = rp.browser.get(rp.url + "/activity.json")
    assert any(e["label"] == "token" for e in download.json()["exchanges"])
    rp.browser.post(rp.url + "/logout", data={"csrf_token": rp.csrf()})
    assert rp.browser.get(rp.url + "/activity.json").json()["exchanges"] == []
    gone = rp.browser.get(rp.url + "/logout", allow_redirects=False)
    assert gone.status_code == 303 and gone.headers["Location"] == "/signed-out"


def test_a_callback_after_an_answered_sign_in_is_another_sign_in():
    def entry(label, request_id):
        return {"label": label, "method": "GET", "url": "https://app/x", "status": 200,
                "cause": "sign-in", "request_id": request_id}

    oldest_first = [entry("authorize redirect", "a"), entry("callback", "b"),
                    entry("token", "b"), entry("app's answer", "b"),
                    entry("callback", "c"), entry("app's answer", "c")]
    groups = grouped(oldest_first[::-1])
    assert [[e["label"] for e in group.entries] for group in groups] == [
        ["callback", "app's answer"],
        ["authorize redirect", "callback", "token", "app's answer"]]


def test_answers_are_indented_two_levels_deep_and_stay_json():
    answer = {"data": [{"id": "e1", "name": "Sandbox"}, {"id": "e2", "name": "Prod"}],
              "total": 2, "nested": {"a": {"b": [1, 2]}}}
    text = pretty(answer)
    assert json.loads(text) == answer
    assert '\n    {"id": "e1", "name": "Sandbox"},\n' in text  # one item a line
    assert '\n    "a": {"b": [1, 2]}\n' in text


def test_deploy_pages_and_the_labs_probe_record_their_cause(tmp_path, lab):
    app, _fake = platform_app(tmp_path)
    client = signed_in_client(app)
    with client.session_transaction() as session:
        session["trace_id"] = "deploy-trace"
    assert client.get("/deploy").status_code == 200
    entries = client.get("/activity.json").get_json()["exchanges"]
    assert entries and {(e["cause"], e["endpoint"]) for e in entries} == {
        ("deploy", "deploy.index")}
    rp = lab()
    rp.sign_in()
    post(rp, "/access/lab/probe", after="")
    probed = [e for e in rp.browser.get(rp.url + "/activity.json").json()["exchanges"]
              if e["endpoint"] == "lab.probe"]
    assert {e["label"] for e in probed} >= {"introspect", "userinfo", "refresh"}
    assert {e["cause"] for e in probed} == {"probe"}
