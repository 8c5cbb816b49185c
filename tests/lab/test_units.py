"""Pure units: the probe history (what changed, newest first, capped) and the scenario links."""

from __future__ import annotations

import pytest

from relying_party.lab.history import (
    HISTORY_LIMIT,
    after_label,
    diff,
    fact,
    fact_value,
    observation,
    push,
)
from relying_party.lab.probe import ended_reason
from relying_party.lab.scenarios import scenarios
from relying_party.settings import SettingsError, load_settings, provider_page


def probe(api="200", refresh="new tokens", access="fp:aaaa1111", grant="fp:grant001", **kw):
    return observation([
        fact("held_access", "access token probed", access, None),
        fact("api", "access token on API", api, api == "200"),
        fact("refresh", "refresh attempt", refresh, refresh == "new tokens"),
    ], grant=grant, **kw)


def test_first_probe_has_no_changes():
    history = push([], probe())
    assert len(history) == 1 and history[0]["changes"] == []


def test_changes_name_the_fact_and_both_values():
    history = push(push([], probe()), probe(api="401", refresh="invalid_grant"))
    assert history[0]["changes"] == ["access token on API: 200 → 401",
                                     "refresh attempt: new tokens → invalid_grant"]
    assert fact_value(history[0], "api") == "401"
    assert fact_value(history[1], "api") == "200"  # newest first, the older one untouched


def test_identical_probes_change_nothing_and_rotation_shows():
    history = push(push([], probe()), probe())
    assert history[0]["changes"] == []
    history = push(history, probe(access="fp:bbbb2222"))
    assert history[0]["changes"] == ["access token probed: fp:aaaa1111 → fp:bbbb2222"]


def test_a_fact_on_one_side_only_shows_a_dash():
    bare = observation([fact("api", "access token on API", "200", True)], grant="fp:grant001")
    full = probe()
    changes = diff(bare, full)
    assert "access token probed: — → fp:aaaa1111" in changes
    assert "refresh attempt: — → new tokens" in changes


def test_a_new_sign_in_is_said_first():
    changes = diff(probe(), probe(grant="fp:grant002", access="fp:cccc3333"))
    assert changes[0] == "new sign-in: a new delegation since the previous probe"
    assert "access token probed: fp:aaaa1111 → fp:cccc3333" in changes


def test_history_is_capped_newest_first():
    history = []
    for n in range(HISTORY_LIMIT + 5):
        history = push(history, probe(at=float(n)))
    assert len(history) == HISTORY_LIMIT
    assert history[0]["at"] == HISTORY_LIMIT + 4 and history[-1]["at"] == 5.0
    assert len(push([], probe(), limit=1)) == 1


def test_after_is_from_a_fixed_list():
    entry = probe(after="revoked_refresh")
    assert after_label(entry["after"]) == "revoked the refresh token (from this app)"
    assert after_label(probe()["after"]) is None
    with pytest.raises(ValueError):
        probe(after="<script>")


def test_ended_reason_says_what_was_refused():
    entry = probe(api="401", refresh="invalid_grant")
    assert ended_reason(entry) == ("Anypoint refused the access token (401) and refused the "
                                   "refresh token (invalid_grant)")
    no_refresh = probe(api="401", refresh="not tried")
    no_refresh["facts"][-1]["ok"] = None
    assert ended_reason(no_refresh).endswith("the app holds no refresh token")


BASE = {"ANYPOINT_CLIENT_ID": "abc 123", "ANYPOINT_CLIENT_SECRET": "s" * 20,
        "SECRET_KEY": "k" * 20}


def test_provider_pages_derive_from_anypoint_url_and_can_be_overridden():
    settings = load_settings({**BASE, "ANYPOINT_URL": "https://eu1.anypoint.mulesoft.com/"},
                             env_file=None)
    for url in (settings.profile_url, settings.password_url, settings.admin_url):
        assert url.startswith("https://eu1.anypoint.mulesoft.com/accounts/#/")
    sandbox = load_settings({**BASE, "ANYPOINT_URL": "http://localhost:8081"}, env_file=None)
    cards = {card["key"]: card for card in scenarios(sandbox, has_refresh_token=True)}
    assert cards["profile"]["url"] == "http://localhost:8081/console/profile/connected-apps"
    assert cards["password"]["url"] == "http://localhost:8081/console/profile/password"
    assert cards["admin"]["url"] == ("http://localhost:8081/console/access-management/"
                                     "connected-apps/abc%20123/authorizations")
    custom = load_settings({**BASE, "ANYPOINT_PROFILE_URL": "http://localhost:8081/me",
                            "ANYPOINT_ADMIN_URL": "http://localhost:8081/apps/{client_id}"},
                           env_file=None)
    cards = {card["key"]: card for card in scenarios(custom, has_refresh_token=True)}
    assert cards["profile"]["url"] == "http://localhost:8081/me"
    assert cards["admin"]["url"] == "http://localhost:8081/apps/abc%20123"
    assert provider_page("https://x.example/{client_id}/a", "id/1") == "https://x.example/id%2F1/a"


def test_provider_page_settings_are_validated():
    for name in ("ANYPOINT_PROFILE_URL", "ANYPOINT_PASSWORD_URL", "ANYPOINT_ADMIN_URL"):
        with pytest.raises(SettingsError, match=name):
            load_settings({**BASE, name: "javascript:alert(1)"}, env_file=None)
        with pytest.raises(SettingsError, match=name):
            load_settings({**BASE, name: "https://x.example/{secret}"}, env_file=None)


def test_scenarios_cover_every_way_and_disable_refresh_without_one():
    settings = load_settings(BASE, env_file=None)
    cards = scenarios(settings, has_refresh_token=False)
    assert [c["key"] for c in cards] == ["revoked_access", "revoked_refresh", "revoked_both",
                                         "profile", "admin", "password", "expiry"]
    assert next(c for c in cards if c["key"] == "revoked_refresh")["disabled"] is True
    for card in cards:
        assert card["do"] and card["look"] and card["title"]
