"""Signing in again in the same browser ends the previous delegation: its tokens are revoked at
the provider (RFC 7009) and forgotten, so no refresh token stays active with nobody holding it."""

from __future__ import annotations

import requests


def grants_saved(app) -> list:
    """Every (grant id, token set) the app stores from now on."""
    saved, tokens = [], app.extensions["connected_app_lab"].tokens
    original = tokens.save
    tokens.save = lambda grant_id, token_set: (saved.append((grant_id, token_set)),
                                               original(grant_id, token_set))
    return saved


def test_signing_in_again_revokes_the_previous_tokens_and_forgets_them(lab):
    rp = lab()
    saved = grants_saved(rp.app)
    rp.sign_in()
    first_grant, first = saved[-1]
    assert first.refresh_token in rp.op.refresh
    rp.sign_in()  # the same browser, again
    assert first.refresh_token not in rp.op.refresh and first.access_token not in rp.op.access
    assert rp.op.calls["revoke"] == 2  # the refresh token first, then the access token
    assert rp.app.extensions["connected_app_lab"].tokens.load(first_grant) is None
    _second_grant, second = saved[-1]
    assert second.refresh_token in rp.op.refresh and rp.session()["authenticated"] is True


def test_a_provider_that_cannot_revoke_still_leaves_nothing_stored(lab, caplog):
    rp = lab()
    saved = grants_saved(rp.app)
    rp.sign_in()
    first_grant, first = saved[-1]
    rp.op.knobs["revoke_status"] = 503
    rp.sign_in()  # the new sign-in works all the same
    assert rp.app.extensions["connected_app_lab"].tokens.load(first_grant) is None
    assert first.refresh_token in rp.op.refresh  # left to expire at the provider
    assert "previous delegation's tokens were not revoked" in caplog.text


def test_asking_for_more_access_ends_the_narrower_grant_at_the_sandbox(sandbox_lab):
    lab = sandbox_lab
    saved = grants_saved(lab.app)
    browser = lab.signed_in()
    lab.sign_in(browser, scope="openid profile offline_access view:environment full")
    (first_grant, first), (_second_grant, second) = saved[0], saved[-1]
    app = lab.sandbox.app_named("Connected App Lab")

    def active(token: str) -> bool:
        return requests.post(lab.sandbox.issuer + "/introspect", timeout=20, data={
            "token": token, "client_id": app["client_id"],
            "client_secret": app["client_secret"]}).json()["active"]

    assert not active(first.refresh_token) and not active(first.access_token)
    assert active(second.refresh_token)
    assert lab.app.extensions["connected_app_lab"].tokens.load(first_grant) is None
