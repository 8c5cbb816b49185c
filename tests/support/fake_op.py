"""A small, deliberately misbehaving OpenID provider for the relying party's rejection tests.

``FakeOP(url)`` is a Flask app whose behaviour is steered by ``op.knobs`` (a dict; see DEFAULTS).
It signs ID tokens with RS256 keys from joserfc, serves discovery/JWKS/token/userinfo/revoke/
introspect, approves every authorization request at once, and keeps codes one-time with PKCE.
Serve it with ``tests.support.live.serve(lambda url: FakeOP(url).app)``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from urllib.parse import urlencode

from flask import Flask, Response, jsonify, redirect, request
from joserfc import jwk, jws

CLIENT_ID = "lab-client"
CLIENT_SECRET = "lab-client-secret-0123456789"

DEFAULTS = {
    "discovery_issuer": None,      # issuer in discovery (None: the real one)
    "advertise_iss": True,         # authorization_response_iss_parameter_supported
    "iss_param": "correct",        # correct | wrong | missing
    "claims": {},                  # merged into the ID token claims; value None deletes a claim
    "signing": "good",             # good | bad_signature | none
    "userinfo_sub": None,          # override userinfo's sub
    "token_status": 200,           # e.g. 500
    "token_hang": 0.0,             # seconds the token endpoint sleeps
    "revoke_status": 200,          # e.g. 503: the revocation endpoint fails
    "trickle": 0.0,                # seconds between the bytes of userinfo's and introspect's
                                   # answers (each read gets a byte in time; the whole never)
    "auth_methods": ["client_secret_basic", "client_secret_post"],
    "end_session": False,
    "expires_in": 3600,
    "rotate_refresh": True,
    "sign_with": None,             # a joserfc key that JWKS does not publish
}


class FakeOP:
    """State: ``knobs``, ``codes``, live ``access``/``refresh`` tokens, ``calls`` per endpoint."""

    def __init__(self, url: str):
        self.url = url
        self.issuer = url + "/op"
        self.knobs = dict(DEFAULTS)
        self.keys = [jwk.RSAKey.generate_key(2048, parameters={"kid": "key-1", "use": "sig"})]
        self.codes: dict[str, dict] = {}
        self.access: dict[str, str] = {}
        self.refresh: dict[str, str] = {}
        self.calls: dict[str, int] = {}
        self.app = self._build()

    def rotate_key(self) -> None:
        """Sign with a new key (new kid) from now on; JWKS serves both."""
        n = len(self.keys) + 1
        params = {"kid": f"key-{n}", "use": "sig"}
        self.keys.append(jwk.RSAKey.generate_key(2048, parameters=params))

    def answer(self, response: Response) -> Response:
        """``response``, or, with the ``trickle`` knob, the same bytes one by one, slowly."""
        if not self.knobs["trickle"]:
            return response
        body, pause = response.get_data() + b" " * 2000, self.knobs["trickle"]

        def slowly():
            for byte in body:
                time.sleep(pause)
                yield bytes([byte])

        return Response(slowly(), status=response.status_code, direct_passthrough=True,
                        headers={"Content-Type": "application/json",
                                 "Content-Length": str(len(body))})

    def _count(self, name):
        self.calls[name] = self.calls.get(name, 0) + 1

    def id_token(self, sub: str, nonce: str | None) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "sub": sub, "iat": now, "exp": now + 600,
                  "name": "Ada Lovelace", "email": "ada@example.com"}
        if nonce:
            claims["nonce"] = nonce
        for name, value in self.knobs["claims"].items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        key = self.knobs["sign_with"] or self.keys[-1]
        if self.knobs["signing"] == "none":
            def b64(data: bytes) -> str:
                return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
            return (b64(json.dumps({"alg": "none"}).encode()) + "." +
                    b64(json.dumps(claims).encode()) + ".")
        token = jws.serialize_compact({"alg": "RS256", "kid": key.kid}, json.dumps(claims), key)
        if self.knobs["signing"] == "bad_signature":
            head, body, sig = token.split(".")
            token = f"{head}.{body}.{sig[:-6]}AAAAAA"
        return token

    def _build(self) -> Flask:
        app = Flask("fake_op")
        op = self

        @app.get("/op/.well-known/openid-configuration")
        def discovery():
            op._count("discovery")
            doc = {
                "issuer": op.knobs["discovery_issuer"] or op.issuer,
                "authorization_endpoint": op.url + "/op/authorize",
                "token_endpoint": op.url + "/op/token",
                "userinfo_endpoint": op.url + "/op/userinfo",
                "jwks_uri": op.url + "/op/jwks",
                "revocation_endpoint": op.url + "/op/revoke",
                "introspection_endpoint": op.url + "/op/introspect",
                "response_types_supported": ["code"],
                "scopes_supported": ["openid", "profile", "email", "offline_access"],
                "token_endpoint_auth_methods_supported": op.knobs["auth_methods"],
                "code_challenge_methods_supported": ["S256"],
                "id_token_signing_alg_values_supported": ["RS256", "none"],
                "authorization_response_iss_parameter_supported": op.knobs["advertise_iss"],
            }
            if op.knobs["end_session"]:
                doc["end_session_endpoint"] = op.url + "/op/logout"
            return jsonify(doc)

        @app.get("/op/jwks")
        def keys():
            op._count("jwks")
            return jsonify({"keys": [k.as_dict(private=False) for k in op.keys]})

        @app.get("/op/authorize")
        def authorize():
            op._count("authorize")
            args = request.args
            code = secrets.token_urlsafe(16)
            op.codes[code] = {"nonce": args.get("nonce"), "challenge": args.get("code_challenge"),
                              "scope": args.get("scope", ""), "redirect_uri": args["redirect_uri"]}
            params = {"code": code, "state": args.get("state")}
            if op.knobs["iss_param"] == "correct":
                params["iss"] = op.issuer
            elif op.knobs["iss_param"] == "wrong":
                params["iss"] = op.url + "/evil"
            return redirect(args["redirect_uri"] + "?" + urlencode(params))

        def client_ok() -> bool:
            """Client authentication, only by the methods discovery advertises."""
            offered = op.knobs["auth_methods"]
            auth = request.authorization
            if auth and auth.type == "basic":
                return ("client_secret_basic" in offered and auth.username == CLIENT_ID
                        and auth.password == CLIENT_SECRET)
            return ("client_secret_post" in offered
                    and request.form.get("client_id") == CLIENT_ID
                    and request.form.get("client_secret") == CLIENT_SECRET)

        def issue(sub: str, scope: str, nonce: str | None, with_id: bool = True) -> dict:
            access = secrets.token_urlsafe(24)
            op.access[access] = sub
            body = {"access_token": access, "token_type": "Bearer", "scope": scope,
                    "expires_in": op.knobs["expires_in"]}
            if "offline_access" in scope.split():
                refresh = secrets.token_urlsafe(24)
                op.refresh[refresh] = sub
                body["refresh_token"] = refresh
            if with_id:
                body["id_token"] = op.id_token(sub, nonce)
            return body

        @app.post("/op/token")
        def token():
            op._count("token")
            if op.knobs["token_hang"]:
                time.sleep(op.knobs["token_hang"])
            if op.knobs["token_status"] != 200:
                return jsonify(error="server_error"), op.knobs["token_status"]
            if not client_ok():
                return jsonify(error="invalid_client"), 401
            form = request.form
            if form.get("grant_type") == "authorization_code":
                grant = op.codes.pop(form.get("code", ""), None)
                if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
                    return jsonify(error="invalid_grant"), 400
                verifier = form.get("code_verifier", "")
                digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                if digest.rstrip(b"=").decode() != grant["challenge"]:
                    return jsonify(error="invalid_grant", error_description="PKCE"), 400
                return jsonify(issue("user-42", grant["scope"], grant["nonce"]))
            if form.get("grant_type") == "refresh_token":
                old = form.get("refresh_token", "")
                sub = op.refresh.get(old)
                if sub is None:
                    return jsonify(error="invalid_grant"), 400
                body = issue(sub, "openid profile email offline_access", None, with_id=False)
                if op.knobs["rotate_refresh"]:
                    op.refresh.pop(old)
                else:
                    op.refresh.pop(body["refresh_token"])
                    body.pop("refresh_token")
                return jsonify(body)
            return jsonify(error="unsupported_grant_type"), 400

        @app.get("/op/userinfo")
        def userinfo():
            op._count("userinfo")
            token = (request.headers.get("Authorization") or "").removeprefix("Bearer ")
            if token not in op.access:
                return jsonify(error="invalid_token"), 401
            return op.answer(jsonify(sub=op.knobs["userinfo_sub"] or op.access[token],
                                     name="Ada Lovelace", email="ada@example.com"))

        @app.post("/op/revoke")
        def revoke():
            op._count("revoke")
            if not client_ok():
                return jsonify(error="invalid_client"), 401
            if op.knobs["revoke_status"] != 200:
                return jsonify(error="temporarily_unavailable"), op.knobs["revoke_status"]
            value = request.form.get("token", "")
            op.access.pop(value, None)
            if op.refresh.pop(value, None) is not None:
                op.access.clear()  # revoking the refresh token ends the whole grant
            return "", 200

        @app.post("/op/introspect")
        def introspect():
            op._count("introspect")
            if not client_ok():
                return jsonify(error="invalid_client"), 401
            value = request.form.get("token", "")
            return op.answer(jsonify(active=value in op.access or value in op.refresh))

        return app
