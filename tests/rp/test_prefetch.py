"""Discovery and the provider's keys are fetched when the app starts, in the background, so a
cold sign-in asks the provider for nothing a warm one does not; a provider that does not answer
at start stops nothing; what was fetched opens each new protocol trace; documents are kept as
their Cache-Control says."""

from __future__ import annotations

import logging

import pytest

from relying_party import create_app
from relying_party.anypoint.client import max_age
from tests.support.calls import Calls
from tests.support.labs import LabOnSandbox

DISCOVERY = "/accounts/api/v2/oauth2/.well-known/openid-configuration"
KEYS = "/accounts/api/v2/oauth2/keys"


@pytest.fixture
def lab(tmp_path):
    instance = LabOnSandbox(tmp_path)
    yield instance
    instance.stop()


def test_a_cold_sign_in_asks_no_discovery_and_no_keys(lab):
    provider = lab.app.extensions["connected_app_lab"].provider
    provider.prefetching.join(20)
    calls = Calls(lab.sandbox.app)
    browser = lab.signed_in()
    asked = calls.paths("/accounts/api/v2/oauth2/")
    assert DISCOVERY not in asked and KEYS not in asked
    assert asked.count("/accounts/api/v2/oauth2/token") == 1
    trace = browser.get(lab.url + "/activity.json").json()["exchanges"]
    labels = [entry["label"] for entry in reversed(trace)]  # oldest first
    assert labels[:3] == ["discovery", "jwks", "authorize redirect"]
    assert trace[-1]["url"].endswith(DISCOVERY) and trace[-1]["status"] == 200


def test_a_provider_that_does_not_answer_at_start_stops_nothing(lab, tmp_path, caplog):
    settings = {**lab.settings, "ANYPOINT_URL": "http://127.0.0.1:9",
                "INSTANCE_PATH": str(tmp_path / "other")}
    with caplog.at_level(logging.WARNING):
        app = create_app(settings, env_file=None)
        app.extensions["connected_app_lab"].provider.prefetching.join(20)
    assert "not fetched at start" in caplog.text
    answer = app.test_client().get("/login", base_url=lab.url)
    assert answer.status_code == 503  # asked again at the first sign-in, still not answering


@pytest.mark.parametrize("header, seconds", [
    ("public, max-age=600", 600.0), ("max-age=0", 0.0), ("no-store", 0.0),
    ("private, no-cache", 0.0), ("max-age=\"30\", must-revalidate", 30.0), ("", None),
    ("max-age=abc", None), ("s-maxage=50", None),
])
def test_cache_control_is_read(header, seconds):
    assert max_age(header) == seconds


def test_documents_are_kept_as_their_cache_control_says(lab, monkeypatch):
    provider = lab.app.extensions["connected_app_lab"].provider
    provider.prefetching.join(20)
    client = provider.client
    original, asked = client.get_json, []

    def answering(label, url):
        asked.append(label)
        doc, _said = original(label, url)
        return doc, 120.0  # the provider says: keep it two minutes

    monkeypatch.setattr(client, "get_json", answering)
    now = [1000.0]
    monkeypatch.setattr("relying_party.oidc.provider.time.monotonic", lambda: now[0])
    provider._metadata = None
    provider.metadata()
    now[0] += 100
    provider.metadata()
    assert asked == ["discovery"]
    now[0] += 30  # 130 s: past what it said
    provider.metadata()
    assert asked == ["discovery", "discovery"]
