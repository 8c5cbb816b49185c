"""The sign-in baseline: a plain Flask + Authlib relying party, as Authlib's documentation and its
``flask-google-login`` example show it — ``OAuth(app)``, ``oauth.register(...,
server_metadata_url=...)``, ``authorize_redirect``, ``authorize_access_token`` (which checks the
ID token), the token kept in the session — against the same sandbox, registered as another
redirect URI of "Connected App Lab".

Its ``/`` calls ``/accounts/api/me`` through the registered client with the token from the session
(``fetch_token``), so Authlib's documented auto-refresh applies: an expired token is refreshed
with its refresh token and ``update_token`` puts the new one in the session. Unlike the docs it
keeps sessions server-side (Flask-Session, ``SESSION_BACKEND``) so that two processes share them
(the refresh storm) and so that its sessions cost what the app's cost.

    ANYPOINT_URL=... ANYPOINT_CLIENT_ID=... ANYPOINT_CLIENT_SECRET=... SECRET_KEY=... \
        gunicorn 'bench.baselines.authlib_rp:create_app()'
"""

from __future__ import annotations

import os

from authlib.integrations.flask_client import OAuth
from flask import Flask, jsonify, redirect, session, url_for

from .sessions import init_sessions

DISCOVERY = "/accounts/api/v2/oauth2/.well-known/openid-configuration"
SCOPE = "openid profile email offline_access"


def fetch_token(name):
    return session.get("token")


def update_token(name, token, refresh_token=None, access_token=None):
    session["token"] = dict(token)


def create_app() -> Flask:
    app = Flask(__name__)
    init_sessions(app, "authlib_session")
    anypoint_url = os.environ["ANYPOINT_URL"]
    oauth = OAuth(app, fetch_token=fetch_token, update_token=update_token)
    oauth.register(
        name="anypoint",
        client_id=os.environ["ANYPOINT_CLIENT_ID"],
        client_secret=os.environ["ANYPOINT_CLIENT_SECRET"],
        server_metadata_url=anypoint_url + DISCOVERY,
        api_base_url=anypoint_url,
        client_kwargs={"scope": SCOPE},
    )

    @app.route("/")
    def homepage():
        user = session.get("user")
        if not user:
            return jsonify(authenticated=False)
        resp = oauth.anypoint.get("/accounts/api/me")
        resp.raise_for_status()
        return jsonify(authenticated=True, user=user, me=resp.json())

    @app.route("/login")
    def login():
        redirect_uri = url_for("auth", _external=True)
        return oauth.anypoint.authorize_redirect(redirect_uri)

    @app.route("/auth")
    def auth():
        token = oauth.anypoint.authorize_access_token()
        session["user"] = dict(token["userinfo"])
        session["token"] = {key: value for key, value in token.items() if key != "userinfo"}
        return redirect("/")

    return app
