"""The req/s baseline: bare Flask + Flask-Session rendering a page with Jinja from the data in
the server-side session, as much of it as the app keeps for a signed-in user (who, the ID token's
claims and check report, userinfo, scopes). No OAuth, no platform call: what any page of a Flask
app with server-side sessions costs on this machine.

    SECRET_KEY=... SESSION_BACKEND=filesystem gunicorn 'bench.baselines.bare_flask:create_app()'

``GET /login`` fills the session (the benchmark's "sign-in"); ``/`` and ``/access`` render it;
``/session.json`` answers part of it as JSON; ``/ping`` touches no session (the generator's
ceiling).
"""

from __future__ import annotations

import secrets
import time

from flask import Flask, jsonify, render_template, session

from .sessions import init_sessions

SCOPES = ["openid", "profile", "email", "offline_access", "view:environment",
          "read:applications"]
CHECKS = ["signature (RS256, kid)", "issuer", "audience", "expiry", "issued at", "nonce",
          "authorized party", "at_hash", "auth_time", "subject"]


def session_data() -> dict:
    """A signed-in session shaped and sized like the app's (about 3 KB serialized)."""
    sub = secrets.token_hex(16)
    now = int(time.time())
    claims = {"iss": "http://127.0.0.1/accounts/api/v2/oauth2", "sub": sub,
              "aud": secrets.token_hex(16), "exp": now + 3600, "iat": now, "auth_time": now,
              "nonce": secrets.token_urlsafe(20), "at_hash": secrets.token_urlsafe(16),
              "name": "Alex Rivera", "given_name": "Alex", "family_name": "Rivera",
              "preferred_username": "admin", "email": "admin@training.example.com",
              "email_verified": True}
    return {
        "browser": secrets.token_urlsafe(24), "trace_id": secrets.token_urlsafe(16),
        "grant_id": secrets.token_urlsafe(24), "started": time.time(), "requested": SCOPES,
        "csrf": secrets.token_urlsafe(32),
        "user": {"sub": sub, "name": "Alex Rivera", "email": "admin@training.example.com"},
        "userinfo": {key: claims[key] for key in ("sub", "name", "given_name", "family_name",
                                                  "preferred_username", "email",
                                                  "email_verified")},
        "id_report": {"ok": True, "claims": claims, "header": {"alg": "RS256",
                                                               "kid": secrets.token_hex(8)},
                      "steps": [{"name": name, "ok": True,
                                 "detail": f"{name} checked against the provider's metadata"}
                                for name in CHECKS]},
        "scopes": SCOPES, "expires_at": now + 3600,
    }


def create_app() -> Flask:
    app = Flask(__name__)
    init_sessions(app, "bare_session")

    @app.get("/login")
    def login():
        session.clear()
        session.update(session_data())
        return jsonify(signed_in=True)

    def page(title: str):
        if "user" not in session:
            return jsonify(error="login_required"), 401
        return render_template("page.html", title=title, user=session["user"],
                               claims=session["id_report"]["claims"],
                               steps=session["id_report"]["steps"],
                               userinfo=session["userinfo"], scopes=session["scopes"])

    app.add_url_rule("/", "index", lambda: page("Dashboard"))
    app.add_url_rule("/access", "access", lambda: page("Your delegated access"))

    @app.get("/session.json")
    def session_json():
        user = session.get("user") or {}
        return jsonify(authenticated=bool(user), sub=user.get("sub"), name=user.get("name"),
                       email=user.get("email"), scopes=session.get("scopes", []),
                       expires_at=session.get("expires_at"))

    @app.get("/ping")
    def ping():
        return "ok"

    return app
