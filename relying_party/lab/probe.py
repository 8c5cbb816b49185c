"""Probing a delegation for the revocation lab, and keeping the probe history per browser session.

:func:`observe` runs every probe of ``probes.py`` in a fixed order — introspection of each token
and the API call first (they must not change anything), the refresh attempt last (a success is a
real refresh that rotates the tokens, so it is recorded as such). :func:`confirm` follows
/access's **Check with the provider**: when its API call was refused, the full probe runs (so
"401, then ``invalid_grant`` on refresh" is observed and kept before the tokens go). Each
probe's API call is also the delegation's last check, which /access shows.

The history lives in the server-side store under ``lab:<trace id>`` — not in the cookie, and not
under the delegation, so it survives the token wipe when the delegation ends and is dropped at
sign-out (see ``lab.forget_history``).
"""

from __future__ import annotations

from flask import session

from .. import clock
from ..anypoint.errors import DelegationEnded, PlatformError, PlatformUnavailable
from ..anypoint.models import TokenSet
from ..anypoint.trace import fingerprint
from ..delegation import probes
from ..delegation.tokens import NO_TOKENS
from ..services import Services
from ..web.trace import trace_key
from .history import fact, observation, push

HISTORY_SECONDS = 24 * 3600


def history_key() -> str:
    """This browser session's history key (shares the trace's id: kept across the token wipe)."""
    return "lab:" + trace_key().removeprefix("trace:")


def load_history(svc: Services) -> list[dict]:
    if "trace_id" not in session:
        return []
    return svc.store.get(history_key()) or []


def remember(svc: Services, entry: dict) -> list[dict]:
    """Add ``entry`` to this session's history (marking what changed); return the history."""
    return svc.store.update(history_key(), lambda old: push(old, entry), HISTORY_SECONDS)


def _api_fact(svc: Services, tokens: TokenSet) -> dict:
    try:
        row = probes.api_probe(svc, tokens)
    except PlatformUnavailable:
        raise
    except PlatformError as error:  # an answer nobody expected (404, 400, HTML…) is still one
        answered = error.status is not None and not 200 <= error.status < 300
        return fact("api", "access token on API",
                    str(error.status) if answered else "unexpected answer", None, error.message)
    if row.get("status") is None:  # nothing to call (no userinfo endpoint): not an answer
        return fact("api", "access token on API", "not checked", None, row["detail"])
    return fact("api", "access token on API", str(row["status"]), row["works"],
                f"{row['check']}: {row['detail']}")


def _introspection_facts(svc: Services, tokens: TokenSet) -> list[dict]:
    rows = {row["token"]: row for row in probes.introspect(svc, tokens)}
    offered = bool(svc.provider.metadata().introspection_endpoint)
    facts = []
    for kind in ("access", "refresh"):
        label = f"{kind} token introspection"
        if not offered:
            facts.append(fact(f"introspect_{kind}", label, "not offered", None,
                              "the provider advertises no introspection endpoint"))
        elif kind in rows:
            row = rows[kind]
            facts.append(fact(f"introspect_{kind}", label, row["detail"], row["works"]))
        else:
            facts.append(fact(f"introspect_{kind}", label, "no token held", None))
    return facts


def _refresh_fact(svc: Services, grant_id: str, tokens: TokenSet) -> dict:
    if not tokens.refresh_token:
        return fact("refresh", "refresh attempt", "not tried", None, "no refresh token held")
    row = probes.refresh_probe(svc, grant_id)
    if not row["works"]:
        return fact("refresh", "refresh attempt", row.get("error") or "refused", False,
                    row["detail"])
    renewed = svc.tokens.load(grant_id) or tokens
    rotated = renewed.refresh_token != tokens.refresh_token
    detail = (f"now access {fingerprint(renewed.access_token)}, refresh "
              + (f"{fingerprint(renewed.refresh_token)} (rotated)" if rotated
                 else "unchanged (not rotated)"))
    return fact("refresh", "refresh attempt", "new tokens", True, detail)


def observe(svc: Services, grant_id: str, after: str = "") -> dict:
    """Probe the delegation ``grant_id`` now and return the observation (not yet stored).

    ``ended`` is true when the access token was refused and no refresh token gave a new one.
    Raises DelegationEnded when the app holds no tokens, PlatformUnavailable when nobody answers.
    """
    tokens = svc.tokens.load(grant_id)
    if tokens is None:
        raise DelegationEnded(NO_TOKENS)
    facts = [
        fact("held_access", "access token probed", fingerprint(tokens.access_token), None),
        fact("held_refresh", "refresh token probed",
             fingerprint(tokens.refresh_token) if tokens.refresh_token else "none", None),
        *_introspection_facts(svc, tokens),
        _api_fact(svc, tokens),
        _refresh_fact(svc, grant_id, tokens),
    ]
    api, refresh = facts[-2], facts[-1]
    ended = api["ok"] is False and refresh["ok"] is not True
    if api["ok"] is not None:
        session["last_check"] = {"at": clock.now(), "how": "the revocation lab's probe",
                                 "works": api["ok"], "detail": api["detail"] or api["value"]}
    return observation(facts, after=after, grant=fingerprint(grant_id), ended=ended)


def ended_reason(entry: dict) -> str:
    """What the app saw, in words, for an observation whose delegation ended."""
    facts = {f["key"]: f for f in entry["facts"]}
    refresh = facts["refresh"]
    said = f"Anypoint refused the access token ({facts['api']['value']})"
    if refresh["ok"] is False:
        return f"{said} and refused the refresh token ({refresh['value']})"
    return f"{said} and the app holds no refresh token"


def confirm(svc: Services, grant_id: str, api: dict) -> None:
    """After an API call with the access token (``api``, its probe row): when it was refused,
    run the full probe (recorded in the lab history with ``after="detected"``), which
    refreshes when it can. Raises DelegationEnded with what was observed when nothing works
    any more."""
    if api["works"] or api.get("status") is None:
        return
    entry = observe(svc, grant_id, after="detected")
    remember(svc, entry)
    if entry["ended"]:
        raise DelegationEnded(ended_reason(entry))
