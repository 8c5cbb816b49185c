"""Tokens as jwt.io shows them, never the token itself: the ID token's parts colour-coded and
cut short, each claim with its meaning, times in UTC and relative by the app's clock, booleans
as words; after a refresh, old → new fingerprints and what rotated; the curl line under
"Reveal access token"; the dashboard's role, times and words with only ``openid``."""

from __future__ import annotations

import base64
import html
import re

from relying_party.anypoint.trace import fingerprint
from relying_party.oidc.claims import (
    claim_rows,
    moments,
    relative,
    segments,
    shown_value,
    token_view,
)
from relying_party.web.fragments import Fragments

NOW = 1_764_650_000.0  # 2025-12-02 04:33:20 UTC
JSON = {"Accept": "application/json"}


def rows_of(page: str, table_id: str) -> dict[str, tuple[str, str]]:
    """{claim: (value, meaning)} of a claims table, as text."""
    table = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    found = re.findall(r'<tr data-claim="([^"]+)">.*?<td class="jwt-value">(.*?)</td>\s*'
                       r'<td class="small muted">(.*?)</td>', table, re.S)
    return {name: (html.unescape(re.sub(r"<[^>]+>", " ", value)).strip(), html.unescape(meaning))
            for name, value, meaning in found}


def test_times_are_utc_and_relative_by_the_given_clock():
    assert shown_value("exp", NOW + 59 * 60, NOW) == "2025-12-02 05:32:20 UTC (in 59 min)"
    assert shown_value("iat", NOW - 180, NOW) == "2025-12-02 04:30:20 UTC (3 min ago)"
    assert shown_value("auth_time", NOW - 2, NOW).endswith("(just now)")
    assert shown_value("updated_at", NOW - 3 * 86400, NOW).endswith("(3 d ago)")
    assert relative(NOW + 2 * 3600 + 300, NOW) == "in 2 h 5 min"
    assert shown_value("exp", "soon", NOW) == "soon"  # not a number: as sent
    assert shown_value("nonce", 1_700_000_000, NOW) == "1700000000"  # not a time claim


def test_booleans_are_words_and_every_claim_has_a_meaning():
    rows = {row.name: row for row in claim_rows(
        {"email_verified": True, "phone_number_verified": False, "aud": ["a", "b"],
         "address": {"country": "NZ"}, "org": "x"}, NOW)}
    assert rows["email_verified"].shown == "yes" and rows["phone_number_verified"].shown == "no"
    assert rows["email_verified"].meaning.startswith("Whether the provider checked")
    assert rows["aud"].shown == "a, b" and rows["address"].shown == '{"country": "NZ"}'
    assert rows["org"].meaning == "Not a standard claim: the provider's own"


def test_a_token_is_shown_only_by_its_parts_first_characters():
    payload = base64.urlsafe_b64encode(b'{"sub": "user-42", "pad": "' + b"x" * 60 + b'"}')
    token = "eyJhbGciOiJSUzI1NiJ9." + payload.decode().rstrip("=") + "." + "s" * 342
    parts = segments(token)
    assert [(p.name, p.length) for p in parts] == [
        ("header", 20), ("payload", len(payload.decode().rstrip("="))), ("signature", 342)]
    assert all(len(p.start) == 12 for p in parts)
    view = token_view(token, NOW)
    assert view["fingerprint"] == fingerprint(token)
    assert [row.name for row in view["header"]] == ["alg"]
    assert view["claims"][0].shown == "user-42"
    assert token not in repr(view)
    assert segments("not-a-jwt") == [] and token_view(None, NOW) is None


def test_the_dashboard_decodes_the_id_token_by_the_apps_clock(lab, clock):
    rp = lab()
    rp.op.knobs["claims"] = {"email_verified": True}
    rp.sign_in()
    clock.advance(200)  # the fake OP dates the token by the real clock, a moment later
    page = rp.browser.get(rp.url + "/").text
    tokens = rp.saved_token_sets()[-1]
    assert tokens.id_token not in page and tokens.access_token not in page
    head, payload, signature = tokens.id_token.split(".")
    assert f'<span class="jwt-h" title="header, {len(head)} characters">{head[:12]}…</span>' \
        in page
    assert payload[:12] + "…" in page and signature[:12] + "…" in page
    assert fingerprint(tokens.id_token) in page
    claims = rows_of(page, "jwt-payload")
    assert "UTC (3 min ago)" in claims["iat"][0] and "UTC (in 6 min)" in claims["exp"][0]  # 600 s
    assert claims["email_verified"][0] == "yes"
    assert claims["sub"] == ("user-42", "Subject: your stable, unique id at the issuer")
    assert rows_of(page, "jwt-header")["kid"][0] == "key-1"


def test_the_kept_card_reads_as_time_passes_and_names_the_refreshes(lab, clock):
    """The decoded ID token is rendered once and kept (``web.fragments``), but never shown
    stale: a minute later its times read a minute later; after a refresh it says so."""
    rp = lab()
    rp.sign_in()
    clock.advance(200)
    first = rows_of(rp.browser.get(rp.url + "/").text, "jwt-payload")
    assert rows_of(rp.browser.get(rp.url + "/").text, "jwt-payload") == first
    clock.advance(60)
    later = rows_of(rp.browser.get(rp.url + "/").text, "jwt-payload")
    assert "UTC (4 min ago)" in later["iat"][0] and "UTC (in 5 min)" in later["exp"][0]
    assert later["sub"] == first["sub"]
    rp.browser.post(rp.url + "/access/refresh", data={"csrf_token": rp.csrf()})
    assert "the newest, after 1 refresh" in rp.browser.get(rp.url + "/").text


def test_a_tokens_moments_are_what_its_view_changes_with():
    payload = base64.urlsafe_b64encode(
        b'{"sub": "u", "iat": %d, "exp": %d, "updated_at": 1e300}' % (NOW - 30, NOW + 3600))
    token = "eyJhbGciOiJSUzI1NiJ9." + payload.decode().rstrip("=") + ".sig"
    assert moments(token, NOW) == ("in 1 h", "30 s ago")  # exp, iat; not an impossible time
    assert moments(token, NOW + 1) == ("in 59 min", "31 s ago")
    assert moments(None, NOW) == () and moments("not-a-jwt", NOW) == ()


def test_kept_parts_are_bounded_and_the_least_recently_used_goes_first():
    parts = Fragments(limit=2)
    rendered = []

    def render(text):
        rendered.append(text)
        return f"<p>{text}</p>"

    assert parts.get("a", lambda: render("a")) == "<p>a</p>"
    parts.get("b", lambda: render("b"))
    parts.get("a", lambda: render("never"))  # kept: not rendered again, and now the newest
    parts.get("c", lambda: render("c"))  # over the limit: "b" goes
    parts.get("b", lambda: render("b"))
    assert rendered == ["a", "b", "c", "b"]


def test_a_refresh_shows_old_and_new_fingerprints_and_the_newest_claims(lab):
    rp = lab()
    rp.sign_in()
    before = rp.saved_token_sets()[-1]
    page = rp.browser.post(rp.url + "/access/refresh", data={"csrf_token": rp.csrf()}).text
    after = rp.saved_token_sets()[-1]
    diff = page.split('id="refresh-diff"', 1)[1].split("</table>", 1)[0]
    for name, old, new in (("access token", before.access_token, after.access_token),
                           ("refresh token", before.refresh_token, after.refresh_token)):
        row = diff.split(f'data-token="{name}"', 1)[1].split("</tr>", 1)[0]
        assert fingerprint(old) in row and fingerprint(new) in row and "rotated" in row
    id_row = diff.split('data-token="id token"', 1)[1].split("</tr>", 1)[0]
    assert id_row.count(fingerprint(before.id_token)) == 2 and "no new ID token" in id_row
    assert re.search(r'id="refresh-rotated"><strong>Rotated:</strong> access token, refresh '
                     r"token\. <strong>Kept:</strong> ID token\.", page)
    assert rows_of(page, "refresh-claims")["sub"][0] == "user-42"
    assert "this refresh brought none" in page
    summary = rp.browser.post(rp.url + "/access/refresh", data={"csrf_token": rp.csrf()},
                              headers=JSON).json()
    assert summary["before"]["access_token"] == fingerprint(after.access_token)


def test_the_revealed_token_comes_with_a_whole_curl_command_and_a_copy_button(lab):
    rp = lab()
    rp.sign_in()
    tokens = rp.saved_token_sets()[-1]
    page = rp.browser.post(rp.url + "/access/reveal", data={"csrf_token": rp.csrf()}).text
    command = html.unescape(re.search(r'<pre id="curl-command"[^>]*>(.*?)</pre>', page).group(1))
    assert command == (f'curl -sS -H "Authorization: Bearer {tokens.access_token}" '
                       f"{rp.op.url}/accounts/api/me")
    assert 'class="btn btn-small copy-button" data-copy="curl-command"' in page
    assert "/static/copy.js" in page
    assert tokens.access_token not in rp.browser.get(rp.url + "/access").text  # once only
    assert rp.browser.get(rp.url + "/static/copy.js").status_code == 200


def test_the_dashboard_names_the_role_anypoint_gives(sandbox_lab):
    admin = sandbox_lab.signed_in("admin")
    page = admin.get(sandbox_lab.url + "/").text
    role = page.split('id="role"', 1)[1].split("</td>", 1)[0]
    assert "Organization administrator" in role and "owner of Training" in role
    developer = sandbox_lab.signed_in("developer")
    role = developer.get(sandbox_lab.url + "/").text.split('id="role"', 1)[1].split("</td>")[0]
    assert "Member of Training" in role and "Not its owner" in role
    assert "Signed in</th><td>" in page and "UTC (just now)" in page


def test_with_only_openid_the_dashboard_does_not_contradict_itself(sandbox_lab):
    browser = sandbox_lab.signed_in("developer", scope="openid")
    page = browser.get(sandbox_lab.url + "/").text
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
    assert "may not call Anypoint's platform APIs" in text and ".." not in text
    assert "acts for you with the permissions below" not in text
    assert "not shared (the email scope was not granted)" in text
    assert "needs the profile scope, which you did not grant" in text
    assert "Ask for more access" in text
    assert 'id="environments"' not in page  # nothing said about environments it cannot read
    assert rows_of(page, "jwt-payload")["aud"][0]  # the ID token is there all the same


def test_without_a_refresh_token_refresh_now_is_not_offered_and_refusing_keeps_you_in(
        sandbox_lab):
    browser = sandbox_lab.signed_in("developer", scope="openid profile")
    page = browser.get(sandbox_lab.url + "/access").text
    assert "Refresh now" not in page.split('id="no-refresh"')[0].split('id="tokens"')[1]
    assert "holds no refresh token" in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    refused = browser.post(sandbox_lab.url + "/access/refresh", data={"csrf_token": csrf},
                           allow_redirects=False)
    assert refused.status_code == 409 and "no refresh token" in refused.text
    assert browser.get(sandbox_lab.url + "/session.json").json()["authenticated"] is True
