"""Driving a sandbox app with Flask's test client: its OAuth endpoints' paths, ``SignIn`` (the
authorize → sign-in → consent → code → token steps, one call each) and ``Console`` (the console
pages with their CSRF tokens). Over real HTTP, see ``tests.support.sandbox``."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

from tests.support.pages import csrf_of

CALLBACK = "http://localhost:5000/auth/callback"
AUTHORIZE = "/accounts/api/v2/oauth2/authorize"
TOKEN = "/accounts/api/v2/oauth2/token"
ISSUER = "http://localhost:8081/accounts/api/v2/oauth2"


def query_of(location: str) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class SignIn:
    """Drives the sandbox's pages with the Flask test client."""

    def __init__(self, client, seed, lab):
        self.client, self.seed, self.lab = client, seed, lab

    def password(self, username: str) -> str:
        return next(u["password"] for u in self.seed["users"] if u["username"] == username)

    def authorize(self, scope="openid profile email offline_access", **params):
        query = {"client_id": self.lab["client_id"], "response_type": "code",
                 "redirect_uri": CALLBACK, "scope": scope, "state": "st-1",
                 "nonce": secrets.token_urlsafe(12)}
        query.update(params)
        return self.client.get(AUTHORIZE, query_string={k: v for k, v in query.items()
                                                         if v is not None})

    def login(self, location: str, username="admin", password=None):
        page = self.client.get(location)
        return self.client.post(location, data={
            "csrf_token": csrf_of(page.text), "username": username,
            "password": password if password is not None else self.password(username)})

    def decide(self, location: str, decision="allow"):
        page = self.client.get(location)
        return self.client.post(location, data={"csrf_token": csrf_of(page.text),
                                                "decision": decision})

    def code(self, username="admin", scope="openid profile email offline_access", **params):
        """Authorize, sign in, allow; returns the callback's query parameters."""
        response = self.authorize(scope=scope, **params)
        if "/login" in response.headers.get("Location", ""):
            response = self.login(response.headers["Location"], username)
        if "/consent" in response.headers.get("Location", ""):
            response = self.decide(response.headers["Location"])
        assert response.headers["Location"].startswith(CALLBACK), response.headers["Location"]
        return query_of(response.headers["Location"])

    def tokens(self, username="admin", scope="openid profile email offline_access", **params):
        """A full code exchange (form body, client_secret_post); returns the token response."""
        code = self.code(username, scope, **params)["code"]
        response = self.client.post(TOKEN, data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
            "client_id": self.lab["client_id"], "client_secret": self.lab["client_secret"]})
        assert response.status_code == 200, response.json
        return response.json


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


ADMIN_SCOPE = "openid profile full offline_access"
APPS_API = "/accounts/api/connectedApplications"


def org_api(seed, path: str = "") -> str:
    """``/accounts/api/organizations/{root}/connectedApplications{path}``."""
    return f"/accounts/api/organizations/{seed['organization']['id']}/connectedApplications{path}"


class Console:
    """Drives the console pages with the test client: sign in, GET, and POST a form with the
    CSRF token of the page it came from."""

    def __init__(self, client, seed):
        self.client, self.seed = client, seed

    def sign_in(self, username="admin", password=None, next_path=None):
        password = password or next(u["password"] for u in self.seed["users"]
                                    if u["username"] == username)
        url = "/console/sign-in" + (f"?next={next_path}" if next_path else "")
        page = self.client.get(url)
        return self.client.post(url, data={"csrf_token": csrf_of(page.text),
                                           "username": username, "password": password})

    def post(self, page_path: str, action: str | None = None, data=None):
        """POST ``data`` (plus the CSRF token of ``page_path``) to ``action`` (default: the
        page itself)."""
        page = self.client.get(page_path)
        assert page.status_code == 200, page.text
        return self.client.post(action or page_path,
                                data={"csrf_token": csrf_of(page.text), **(data or {})})
