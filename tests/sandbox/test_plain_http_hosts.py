"""Authlib refuses OAuth over plain http except on localhost and loopback addresses: a request
that reaches the sandbox's OAuth endpoints over http under another host name is a 400 that
says so, never a 500."""

import pytest

from tests.support.sandbox_client import AUTHORIZE, TOKEN

OAUTH = "/accounts/api/v2/oauth2"
HOSTS = ["evil.example", "sandbox.anypoint.mulesoft.test", "10.0.0.5:8081", "[2001:db8::1]"]


@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize(("method", "path"), [("POST", TOKEN), ("POST", f"{OAUTH}/revoke"),
                                              ("POST", f"{OAUTH}/introspect"),
                                              ("GET", AUTHORIZE)])
def test_plain_http_under_another_host_is_a_400_in_words(client, lab, host, method, path):
    answer = client.open(path, method=method, base_url=f"http://{host}",
                         data={"grant_type": "client_credentials", "token": "x",
                               "client_id": lab["client_id"],
                               "client_secret": lab["client_secret"]})
    assert answer.status_code == 400, answer.data[:300]
    assert answer.json["error"] == "invalid_request"
    assert answer.json["error_description"].startswith("OAuth needs https")


@pytest.mark.parametrize("host", ["localhost:8081", "127.0.0.1", "[::1]:8081"])
def test_localhost_and_loopback_over_plain_http_still_work(client, deployer, host):
    answer = client.post(TOKEN, base_url=f"http://{host}",
                         data={"grant_type": "client_credentials",
                               "client_id": deployer["client_id"],
                               "client_secret": deployer["client_secret"]})
    assert answer.status_code == 200


def test_https_under_another_host_works(client, deployer):
    answer = client.post(TOKEN, base_url="https://sandbox.anypoint.mulesoft.test",
                         data={"grant_type": "client_credentials",
                               "client_id": deployer["client_id"],
                               "client_secret": deployer["client_secret"]})
    assert answer.status_code == 200
