"""Only the hosts the app is configured for are served: an untrusted Host (or a forwarded one)
is a 400 in words, and never ends up in an absolute redirect."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

EVIL_HOSTS = ["evil.example", "evil.example:5000", "127.0.0.1.evil.example",
              "127.0.0.2", "localhost@evil.example", "evil.example#127.0.0.1"]


def raw_get(url: str, path: str, headers: dict) -> http.client.HTTPResponse:
    """A request with exactly these headers (requests would set Host itself)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.putrequest("GET", path, skip_host=True)
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders()
    answer = connection.getresponse()
    answer.body = answer.read().decode()
    connection.close()
    return answer


@pytest.mark.parametrize("host", EVIL_HOSTS)
def test_an_untrusted_host_is_refused_in_words(lab, host):
    rp = lab()
    answer = raw_get(rp.url, "/cicd", {"Host": host})  # /cicd would 308 to an absolute URL
    assert answer.status == 400
    assert "not served under the host name" in answer.body
    assert answer.getheader("Location") is None


def test_the_configured_host_is_served_and_redirects_stay_on_it(lab):
    rp = lab()
    host = urlsplit(rp.url).netloc
    answer = raw_get(rp.url, "/cicd", {"Host": host})
    assert answer.status == 308 and answer.getheader("Location") == f"http://{host}/cicd/"


def test_forwarded_hosts_are_ignored_without_a_trusted_proxy(lab):
    rp = lab()
    host = urlsplit(rp.url).netloc
    answer = raw_get(rp.url, "/cicd", {"Host": host, "X-Forwarded-Host": "evil.example",
                                       "X-Forwarded-Proto": "https"})
    assert answer.getheader("Location") == f"http://{host}/cicd/"


def test_behind_a_proxy_the_forwarded_host_must_be_trusted_too(lab):
    rp = lab(TRUSTED_PROXIES="1", TRUSTED_HOSTS="app.example.com 127.0.0.1")
    host = urlsplit(rp.url).netloc
    good = raw_get(rp.url, "/cicd", {"Host": host, "X-Forwarded-Host": "app.example.com",
                                     "X-Forwarded-Proto": "https"})
    assert good.getheader("Location") == "https://app.example.com/cicd/"
    bad = raw_get(rp.url, "/cicd", {"Host": host, "X-Forwarded-Host": "evil.example"})
    assert bad.status == 400 and bad.getheader("Location") is None
