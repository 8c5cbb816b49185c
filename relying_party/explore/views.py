"""The API explorer: ``explore.index`` (the form, filled by a preset or by ``method``, ``path``
and ``environment`` in the query) and ``explore.send`` (POST: the call, made with the delegated
token, and its raw request and answer).

A form that cannot be sent answers 400 with the words next to each field and calls nothing.
A call that was made answers 303 to the page that shows it (``?result=``, kept for an hour in
the store, for this browser only), so reloading that page shows the result again instead of
sending the call again; whatever Anypoint said, that page answers 200. A 401 or 403 names the
scope the path needs (or the right the user lacks) with "Ask for more access" for exactly it.
No answer at all is a 503 (never sent) or 504 (may have arrived) in plain words.
"""

from __future__ import annotations

import json
import secrets as random
import time
from dataclasses import asdict

from flask import Blueprint, redirect, render_template, request, session, url_for

from .. import clock
from ..anypoint.client import USER_AGENT
from ..anypoint.errors import DelegationEnded, MissingScope, PlatformError, PlatformUnavailable
from ..anypoint.scopes import ENVIRONMENT_SCOPES, allows
from ..anypoint.trace import fingerprint
from ..delegation.profile import Profile
from ..deploy.support import refusal
from ..services import services
from ..web.guards import require_delegation, signed_in
from ..web.problem import Problem
from ..web.sessions import browser_id
from . import form as explore_form
from .answer import MAX_ANSWER_BYTES, Shown, shown
from .presets import BY_NAME, PRESETS, filled, needed_scope

bp = Blueprint("explore", __name__, url_prefix="/explore")
PURPOSE = "to call Anypoint's APIs with the access you delegated"
EMPTY = {"method": "GET", "path": "", "environment": "", "headers": "", "body": ""}
#: How long the page of a call's result can be shown again (reloaded, or come back to).
RESULT_SECONDS = 3600


def _delegation():
    """The token set and profile; a signed-out visitor is asked to sign in and comes back to
    this very page (``next``)."""
    if not signed_in() and not session.get("ended"):
        here = request.full_path.rstrip("?") if request.method == "GET" else url_for(
            "explore.index")
        raise Problem(401, "Please sign in", f"Sign in {PURPOSE}.", "login_required",
                      (url_for("auth.login", next=here), "Sign in with Anypoint"))
    tokens = require_delegation(PURPOSE)
    if not services().provider.is_anypoint:  # a plain OpenID provider keeps no profile
        return tokens, Profile(fetched_at=0.0)
    try:
        return tokens, services().profiles.get(session["grant_id"], tokens)
    except DelegationEnded:
        raise
    except PlatformError:  # the explorer works without them: no environments to pick
        return tokens, Profile(fetched_at=0.0)


def _default_environment(profile) -> str:
    envs = list(profile.environments or ())
    chosen = next((env for env in envs if env.type == "sandbox"), envs[0] if envs else None)
    return chosen.id if chosen else ""


def _page(tokens, profile, values: dict, status: int = 200, **context):
    return render_template(
        "explore/index.html", presets=PRESETS, values=values, tokens=tokens,
        environments=list(profile.environments or ()), base_url=services().client.base_url,
        environments_refused=profile.environments_refused,
        may_list_environments=allows(tokens.scopes, ENVIRONMENT_SCOPES),
        ask_environments=url_for("auth.login", scope=" ".join(
            dict.fromkeys([*tokens.scopes, ENVIRONMENT_SCOPES[0]])), next=url_for(
                "explore.index")),
        methods=explore_form.METHODS, errors=context.pop("errors", {}),
        token_fingerprint=fingerprint(tokens.access_token), **context), status


@bp.get("")
def index():
    """The form: empty, filled by ``?preset=`` (400 for an unknown one), or by ``method``,
    ``path`` and ``environment`` (an "Ask for more access" brings the user back with them)."""
    tokens, profile = _delegation()
    if "result" in request.args:
        return _result_page(tokens, profile, request.args["result"])
    name = request.args.get("preset")
    if name is not None:
        preset = BY_NAME.get(name)
        if preset is None:
            raise Problem(400, "No such preset", f"There is no preset called {name[:60]!r}. "
                          "Pick one of the buttons above the form.", "invalid_request",
                          (url_for("explore.index"), "Back to the explorer"))
        values = filled(preset, profile.org_id, _default_environment(profile), clock.now())
        return _page(tokens, profile, values, preset=preset.name)
    values = {**EMPTY, **{key: request.args.get(key, "")[:2000]
                          for key in ("method", "path", "environment") if key in request.args}}
    values["method"] = values["method"].upper() or "GET"
    return _page(tokens, profile, values)


@bp.post("")
def send():
    """Send the form's call (CSRF-checked by ``web.csrf`` before this runs)."""
    tokens, profile = _delegation()
    values = {key: request.form.get(key, "") for key in EMPTY}
    known = [env.id for env in profile.environments or ()]
    call, errors = explore_form.read(request.form, services().client.base_url, known)
    if call is None:
        return _page(tokens, profile, values, 400, errors=errors)
    headers = dict(call.headers)
    if call.environment:
        headers["X-ANYPNT-ENV-ID"] = call.environment
    client = services().client
    started = time.monotonic()
    try:
        response = client.call(call.method, call.path, tokens.access_token,
                               limit=MAX_ANSWER_BYTES, headers=headers, json_body=call.body)
    except ValueError:  # the client's own last check of where the token goes
        return _page(tokens, profile, values, 400, errors={
            "path": "That path does not stay under the platform's address once sent."})
    except PlatformUnavailable as error:
        return _page(tokens, profile, values, 504 if error.sent else 503,
                     unavailable=_unavailable(error))
    took = int((time.monotonic() - started) * 1000)
    sent = {"User-Agent": USER_AGENT, "Accept": "application/json", **headers,
            "Authorization": f"Bearer {tokens.access_token}"}
    secrets = tuple(s for s in (tokens.access_token, tokens.refresh_token, tokens.id_token,
                                services().settings.client_secret.get_secret_value()) if s)
    result = shown(response, call.method, client.base_url + call.path, sent, call.body,
                   secrets, took)
    kept = random.token_urlsafe(9)
    services().store.set(_result_key(kept), {
        "values": values, "result": asdict(result),
        "refusal": _refusal(tokens, call, response, result)}, RESULT_SECONDS)
    return redirect(url_for("explore.index", result=kept), 303)


def _result_key(kept: str) -> str:
    """Where a result is kept: this browser's own (another's id finds nothing)."""
    return f"explore:{browser_id()}:{kept[:40]}"


def _result_page(tokens, profile, kept: str):
    """The page of a call already made, as it was answered; the form again, with words,
    once the result is no longer kept."""
    data = services().store.get(_result_key(kept))
    if not isinstance(data, dict):
        return _page(tokens, profile, dict(EMPTY), 404, gone=(
            "That result is no longer kept (results are kept for an hour, in the browser that "
            "asked). Send the call again."))
    fields = data["result"]
    result = Shown(**{**fields, "request_headers": tuple(map(tuple, fields["request_headers"])),
                      "response_headers": tuple(map(tuple, fields["response_headers"]))})
    return _page(tokens, profile, {**EMPTY, **data["values"]}, result=result,
                 refusal=data["refusal"])


def _unavailable(error: PlatformUnavailable) -> str:
    if not error.sent:
        return ("Anypoint could not be reached, so the call was not made. Try again in a "
                "minute.")
    return ("Anypoint did not answer within the app's deadline for a call (it gives up after "
            f"{services().settings.platform_deadline_seconds:g} s), so this app cannot tell "
            "whether the call arrived. Nothing more was sent.")


def _refusal(tokens, call, response, result) -> dict | None:
    """The panel for a 401 or 403: the scope the path needs (when not granted: "Ask for more
    access", coming back to this call), the right the user lacks (when it is granted), or, for
    a 401 with the scope granted, the token itself refused."""
    if response.status_code not in (401, 403):
        return None
    scope, known = needed_scope(call.method, call.path)
    message = _platform_words(result)
    back = url_for("explore.index", method=call.method, path=call.path,
                   environment=call.environment or "")
    panel = refusal(tokens, scope, MissingScope(message or "", response.status_code), back)
    panel.update(status=response.status_code, known=known, message=message)
    if response.status_code == 401 and panel["kind"] == "right":
        panel["kind"] = "token"
    return panel


def _platform_words(result) -> str | None:
    """The ``message`` (or ``error_description``) of a JSON error answer, as Anypoint said it."""
    if result.body_kind != "json":
        return None
    try:
        body = json.loads(result.body)
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    words = body.get("message") or body.get("error_description") or body.get("error")
    return str(words)[:500] if words else None
