"""The relying party served beside a provider, each over real HTTP on a port of its own, and the
one way tests sign in to it with a ``requests`` session (as a person with a browser would):

- :class:`Lab` — the app against the misbehaving fake OP (``tests.support.fake_op``);
- :class:`LabOnSandbox` — the app configured as the real sandbox's seeded "Connected App Lab";
- :class:`DeployLab` — the same with CloudHub deploys that take 0.3 s;
- :class:`CiSandbox` — the sandbox alone, for the pipeline command (the CI Deployer).

``sign_in`` always checks that the sign-in worked (``/session.json`` says so); ``try_sign_in``
is for the tests whose sign-in must fail.
"""

from __future__ import annotations

import json

import requests
from flask import Flask

from relying_party import create_app
from tests.support.fake_op import CLIENT_ID, CLIENT_SECRET, FakeOP
from tests.support.live import serve
from tests.support.pages import csrf_of, submit_form
from tests.support.sandbox import fast_cloudhub, run_sandbox
from tests.support.sandbox_client import TOKEN, bearer

SECRET_KEY = "test-secret-key-0123456789"
JSON = {"Accept": "application/json"}
RUNTIME_MANAGER = ("read:applications", "create:applications", "manage:application_settings",
                   "delete:applications")
DEPLOY_SCOPES = " ".join(("openid", "profile", "email", "offline_access", "view:environment",
                          *RUNTIME_MANAGER))


class _App:
    """What every lab offers about its relying party (``url``, ``app``)."""

    url: str
    app: Flask

    def session(self, browser: requests.Session) -> dict:
        return browser.get(self.url + "/session.json", timeout=10).json()

    def csrf(self, browser: requests.Session, path: str = "/access") -> str:
        """The CSRF token of a page of the app (the session's one token)."""
        return csrf_of(browser.get(self.url + path, timeout=20).text)

    def post(self, browser: requests.Session, path: str, *, page: str = "/access",
             as_json: bool = True, **data) -> requests.Response:
        """POST ``data`` with the CSRF token of ``page`` (JSON answer unless ``as_json`` is
        false: then the redirect is not followed)."""
        data = {"csrf_token": self.csrf(browser, page), **data}
        if as_json:
            return browser.post(self.url + path, data=data, headers=JSON, timeout=20)
        return browser.post(self.url + path, data=data, allow_redirects=False, timeout=20)

    def signed_in_check(self, browser: requests.Session, page: requests.Response):
        assert page.status_code == 200, page.text[:500]
        assert self.session(browser)["authenticated"] is True, page.text[:500]
        return page


def rp_config(op_url: str, rp_url: str, tmp_path, **extra) -> dict:
    """The relying party's settings against the fake OP at ``op_url``. Discovery is not
    fetched at start (PROVIDER_PREFETCH): these tests change the OP after the app started
    and watch the first sign-in ask it."""
    return {
        "PROVIDER_PREFETCH": "false",
        "ANYPOINT_URL": op_url,
        "OIDC_DISCOVERY_URL": op_url + "/op/.well-known/openid-configuration",
        "ANYPOINT_CLIENT_ID": CLIENT_ID, "ANYPOINT_CLIENT_SECRET": CLIENT_SECRET,
        "ANYPOINT_REDIRECT_URI": rp_url + "/auth/callback",
        "ANYPOINT_POST_LOGOUT_REDIRECT_URI": rp_url + "/",
        "ANYPOINT_SCOPES": "openid profile email offline_access",
        "SECRET_KEY": SECRET_KEY, "INSTANCE_PATH": str(tmp_path / "instance"),
        "HTTP_TIMEOUT": "2", **extra,
    }


class Lab(_App):
    """The fake OP and the relying party; ``browser`` is a requests session of its own, and
    ``saved`` every token set the app stored."""

    def __init__(self, tmp_path, **extra):
        holder = {}

        def build_op(url):
            holder["op"] = FakeOP(url)
            return holder["op"].app

        self.op_server = serve(build_op)
        self.op: FakeOP = holder["op"]
        self.rp_server = serve(lambda url: create_app(
            rp_config(self.op_server.url, url, tmp_path, **extra), env_file=None))
        self.url = self.rp_server.url
        self.app = self.rp_server.app
        self.browser = requests.Session()
        self.saved: list = []
        tokens = self.app.extensions["connected_app_lab"].tokens
        original = tokens.save

        def recording_save(grant_id, token_set):
            self.saved.append(token_set)
            original(grant_id, token_set)

        tokens.save = recording_save

    def stop(self):
        self.browser.close()
        self.rp_server.stop()
        self.op_server.stop()

    def start_login(self, browser=None, **params) -> str:
        """GET /login and the OP's authorize; return the callback URL (not yet visited)."""
        browser = browser or self.browser
        first = browser.get(self.url + "/login", params=params, allow_redirects=False, timeout=10)
        assert first.status_code == 302, first.text
        second = browser.get(first.headers["Location"], allow_redirects=False, timeout=10)
        assert second.status_code == 302
        return second.headers["Location"]

    def try_sign_in(self, browser=None, **params) -> requests.Response:
        """The whole sign-in, whatever its outcome: the page the browser ends on."""
        browser = browser or self.browser
        return browser.get(self.start_login(browser, **params), timeout=20)

    def sign_in(self, browser=None, **params) -> requests.Response:
        """Sign in and check it worked; the page the browser ends on."""
        browser = browser or self.browser
        return self.signed_in_check(browser, self.try_sign_in(browser, **params))

    def session(self, browser=None) -> dict:
        return super().session(browser or self.browser)

    def csrf(self, browser=None, path="/access") -> str:
        return super().csrf(browser or self.browser, path)

    def saved_token_sets(self) -> list:
        """Every token set the RP stored since it started (recorded by a wrapper)."""
        return self.saved


def sign_in_at(browser: requests.Session, app_url: str, user: dict, scope: str | None = None,
               **params) -> requests.Response:
    """Sign in to the app at ``app_url`` as the sandbox's ``user``, through the sandbox's own
    pages (each only when the sandbox asks: it remembers the person and their consent); the
    page the browser ends on."""
    query = {**({"scope": scope} if scope else {}), **params}
    page = browser.get(app_url + "/login", params=query, timeout=20)
    if 'name="password"' in page.text:
        page = submit_form(browser, page, username=user["username"], password=user["password"])
    if 'name="decision"' in page.text:
        page = submit_form(browser, page, decision="allow")
    return page


class LabOnSandbox(_App):
    """The relying party configured as the sandbox's seeded "Connected App Lab", and the
    sandbox. ``rp_settings`` adds relying-party settings, ``sandbox_config`` sandbox ones;
    ``role`` and ``scope`` are whom :meth:`sign_in` signs in by default, and with what."""

    role = "admin"
    scope: str | None = None

    def __init__(self, tmp_path, rp_settings: dict | None = None, **sandbox_config):
        def build_rp(url: str) -> Flask:
            # The app's URL exists before the app: the sandbox registers its callback first.
            self.sandbox = run_sandbox(tmp_path / "sandbox.db",
                                       redirect_uris=[url + "/auth/callback"], **sandbox_config)
            client = self.sandbox.app_named("Connected App Lab")
            self.settings = {
                "ANYPOINT_URL": self.sandbox.url,
                "ANYPOINT_CLIENT_ID": client["client_id"],
                "ANYPOINT_CLIENT_SECRET": client["client_secret"],
                "ANYPOINT_REDIRECT_URI": url + "/auth/callback",
                "ANYPOINT_POST_LOGOUT_REDIRECT_URI": url + "/",
                "SECRET_KEY": SECRET_KEY, "INSTANCE_PATH": str(tmp_path / "rp-instance"),
                **(rp_settings or {}),
            }
            return create_app(self.settings, env_file=None)

        self.rp_server = serve(build_rp)
        self.url = self.rp_server.url
        self.app = self.rp_server.app
        self.user = self.sandbox.user(self.role)
        self.browsers: list[requests.Session] = []
        self.others: list = []

    def another_process(self):
        """The same app again, on a port of its own, sharing the store (Redis, or the same
        instance folder): what a second worker process is. A browser's cookie works on both
        (cookies are per host, not per port)."""
        server = serve(lambda _url: create_app(self.settings, env_file=None))
        self.others.append(server)
        return server

    def sign_in(self, browser: requests.Session, role: str | None = None, scope: str | None = None,
                **params) -> requests.Response:
        """Through the sandbox's own pages: /login → sign-in form (unless the sandbox remembers
        the person) → consent (unless remembered) → the app. Checks it worked; the last page."""
        page = sign_in_at(browser, self.url, self.sandbox.user(role or self.role),
                          scope or self.scope, **params)
        return self.signed_in_check(browser, page)

    def signed_in(self, role: str | None = None, scope: str | None = None) -> requests.Session:
        """A new requests session signed in as the seeded user with ``role``."""
        browser = requests.Session()
        self.browsers.append(browser)
        self.sign_in(browser, role, scope)
        return browser

    def stop(self) -> None:
        for browser in self.browsers:
            browser.close()
        for server in [*self.others, self.rp_server]:
            server.stop()
        self.sandbox.stop()


class DeployLab(LabOnSandbox):
    """The lab with fast CloudHub deploys (``fast_cloudhub``); signs in as the developer with
    the Runtime Manager scopes."""

    role = "developer"
    scope = DEPLOY_SCOPES

    def __init__(self, tmp_path, rp_settings: dict | None = None, **sandbox_config):
        super().__init__(tmp_path, rp_settings, **fast_cloudhub(tmp_path, **sandbox_config))

    def csrf(self, browser, path: str = "/deploy") -> str:
        return super().csrf(browser, path)

    def deploy_fields(self, browser, env_id: str, name: str, **extra) -> dict:
        """The deploy form's fields, filled in (``extra`` replaces or adds some)."""
        return {"csrf_token": self.csrf(browser), "environment": env_id, "name": name,
                "runtime": "4.9.0", "worker_size": "Micro", "workers": "1",
                "region": "us-east-1",
                "properties": "greeting=hello\n# a comment\nhttp.port = 8081", **extra}

    def post_deploy(self, browser, fields: dict, jar_path, filename: str | None = None):
        """POST the deploy form with the JAR at ``jar_path``; the answer, not followed."""
        with open(jar_path, "rb") as jar:
            return browser.post(self.url + "/deploy", data=fields, allow_redirects=False,
                                timeout=30, files={"file": (filename or jar_path.name, jar,
                                                            "application/java-archive")})


class CiSandbox:
    """The sandbox with fast deploys, and what a test asks it as the CI Deployer."""

    def __init__(self, tmp_path, **config):
        self.handle = run_sandbox(tmp_path / "sandbox.db", **fast_cloudhub(tmp_path, **config))
        self.url = self.handle.url
        self.deployer = self.handle.app_named("CI Deployer")
        self.http = self.handle.app.test_client()

    def env(self, secret: str | None = None) -> dict[str, str]:
        """The command's settings for the CI Deployer (``secret`` replaces the real one)."""
        return {"ANYPOINT_URL": self.url, "ANYPOINT_CI_CLIENT_ID": self.deployer["client_id"],
                "ANYPOINT_CI_CLIENT_SECRET": secret or self.deployer["client_secret"]}

    def application(self, name: str, environment: str = "Sandbox") -> dict:
        """The application as the CloudHub API shows it to the CI Deployer."""
        token = self.http.post(TOKEN, data={
            "grant_type": "client_credentials", "client_id": self.deployer["client_id"],
            "client_secret": self.deployer["client_secret"]}).json["access_token"]
        response = self.http.get(f"/cloudhub/api/v2/applications/{name}", headers={
            **bearer(token), "X-ANYPNT-ENV-ID": self.handle.environment_id(environment)})
        assert response.status_code == 200, response.json
        return response.json

    def stop(self) -> None:
        self.handle.stop()


def parsed(stdout: str) -> dict:
    """The one JSON object ``flask deploy --json`` prints (and proof it is exactly one)."""
    return json.loads(stdout)
