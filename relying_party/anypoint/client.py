"""The one module that talks HTTP to the OpenID provider and the Anypoint Platform.

One :class:`DirectSession` per app, shared by its threads: its connections to the provider and the
platform are kept open between calls (up to ``POOL_SIZE`` per host) and it keeps no cookies (what
one user's call was told must not ride along with another's). A User-Agent, (connect, read)
timeouts and a whole-call deadline on every call (``deadlines``: no call outlives ``deadline``
seconds or the current budget), and a small exception family that views map to pages (see
``errors.py``):

- :class:`PlatformUnavailable` — unreachable, timed out, 5xx or garbage: a 502/503 page.
- :class:`DelegationEnded` — 401 from an API (or ``invalid_grant`` on refresh): sign in again.
- :class:`MissingScope` — 403 from an API; ``.message`` is the platform's words.
- :class:`OAuthError` — an RFC 6749 error answer (``.error``, ``.description``).
- :class:`PlatformError` — the base class; any other unexpected answer.

Every exchange is handed, redacted, to ``recorder`` (the per-session protocol trace).

Extending (CloudHub deploy, next issue): add a method that calls :meth:`AnypointClient.api` with a
path under ``ANYPOINT_URL``, e.g. ``self.api("POST", "/cloudhub/api/v2/applications", token,
files=..., data=..., headers={"X-ANYPNT-ENV-ID": env_id}, label="deploy")``, and build a frozen
dataclass from the JSON. ``api`` refuses absolute URLs, so access tokens only go to the platform.
"""

from __future__ import annotations

import base64
import http.cookiejar
import os
import re
import time
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import quote, unquote, urlsplit

import requests
from urllib3.exceptions import (
    DecodeError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

from . import deadlines
from .deadlines import DeadlineAdapter
from .errors import (
    DelegationEnded,
    MissingScope,
    NotFound,
    OAuthError,
    PlatformError,
    PlatformUnavailable,
)
from .models import Environment, MalformedAnswer, Me
from .multipart import MultipartBody, UploadInterrupted
from .trace import HARMLESS_FIELDS, Exchange, fingerprint

USER_AGENT = "ConnectedAppLab/0.1 (+relying party; python-requests)"
#: Kept-open connections per host: enough for every thread of a gunicorn worker (APP_THREADS).
POOL_SIZE = 16
T = TypeVar("T")


def parsed(path: str, build: Callable[[object], T], body) -> T:
    """``build(body)``; an answer the models cannot read becomes a PlatformError (502) naming
    ``path`` — the one way every parse of a platform answer fails."""
    try:
        return build(body)
    except MalformedAnswer as error:
        raise PlatformError(f"{path} answered unexpectedly: {error}") from None


def data_list(body) -> list:
    """The ``data`` list of a ``{data, total}`` answer; MalformedAnswer otherwise."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise MalformedAnswer("the answer has no data list")
    return data


_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d{1,10})\"?\s*(?:,|$)", re.I)


def max_age(cache_control: str) -> float | None:
    """Seconds a response may be kept by its ``Cache-Control``; None when it does not say."""
    directives = {part.strip().split("=", 1)[0].lower() for part in cache_control.split(",")}
    if directives & {"no-store", "no-cache"}:
        return 0.0
    found = _MAX_AGE.search(cache_control)
    return float(found.group(1)) if found else None


def _maybe_sent(error: requests.RequestException) -> bool:
    """False when the request surely never reached the platform (no connection was made)."""
    if isinstance(error, requests.ConnectTimeout):
        return False
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return not isinstance(reason, NewConnectionError)


def read_at_most(response: requests.Response, size: int) -> None:
    """Read a streamed answer's body, at most ``size`` bytes of it (decoded), into
    ``response.content``; the rest is never read and the connection is closed. An answer
    already in memory is cut the same way."""
    if response.raw is None:
        response._content = response.content[:size]
        return
    kept = bytearray()
    try:
        for chunk in response.iter_content(64 * 1024):
            kept += chunk
            if len(kept) >= size:
                break
    finally:
        response.close()
    response._content = bytes(kept[:size])  # requests' own store of the read body


def _body(response: requests.Response):
    try:
        return response.json()
    except ValueError:
        return response.text[:2000]


def _under(url: str, base_url: str) -> bool:
    """Whether ``url`` is on ``base_url``'s origin, under its path, with no dot segment or
    backslash (a server would resolve them, maybe out of the path), even percent-encoded."""
    target, base = urlsplit(url), urlsplit(base_url)
    path = unquote(target.path)
    if "\\" in path or {".", ".."} & set(path.split("/")):
        return False
    prefix = base.path.rstrip("/") + "/"
    return ((target.scheme, target.netloc) == (base.scheme, base.netloc)
            and (target.path + "/").startswith(prefix))


class DirectSession(requests.Session):
    """A ``requests.Session`` whose ``request`` sends straight through its adapter: what this
    client never uses is not done on every call — no cookie jar (nothing one user's call was
    told may ride along with another's), no auth objects, hooks or redirects
    (``allow_redirects`` must be False), no environment lookups (proxies and CA bundle are
    passed in). The answer is a ``requests.Response`` as before, its body read unless
    ``stream``, and the exceptions are requests' own."""

    def request(self, method, url, *, params=None, headers=None, data=None, json=None,
                timeout=None, allow_redirects=False, proxies=None, verify=True, stream=False,
                **unsupported):
        if unsupported or allow_redirects:
            raise TypeError(f"DirectSession does not support {sorted(unsupported) or 'redirects'}")
        merged = {**self.headers, **(headers or {})}
        prepared = requests.PreparedRequest()
        prepared.prepare_method(method)
        prepared.prepare_url(url, params)
        prepared.prepare_headers({name: value for name, value in merged.items()
                                  if value is not None})
        prepared.prepare_body(data, None, json)
        response = self.get_adapter(url).send(prepared, stream=stream, timeout=timeout,
                                              verify=verify, proxies=proxies or {}, cert=None)
        if not stream:
            _read_body(response)  # now, inside the call's deadline
        return response


def _read_body(response: requests.Response) -> None:
    """Read the whole body into ``response.content`` at once, raising what requests raises
    when it reads a body in pieces."""
    try:
        response._content = response.raw.read(decode_content=True) or b""
    except ProtocolError as error:
        raise requests.exceptions.ChunkedEncodingError(error) from None
    except DecodeError as error:
        raise requests.exceptions.ContentDecodingError(error) from None
    except ReadTimeoutError as error:
        raise requests.ConnectionError(error) from None
    except SSLError as error:
        raise requests.exceptions.SSLError(error) from None
    response._content_consumed = True
    response.raw.release_conn()


class AnypointClient:
    """HTTP to the provider (endpoints from discovery) and the platform (paths under base_url)."""

    def __init__(self, base_url: str, client_id: str, client_secret: str,
                 timeout: tuple[float, float], recorder: Callable[[Exchange], None],
                 upload_timeout: float | None = None, deadline: float = 15.0):
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self._client_secret = client_secret
        self.timeout = timeout
        #: How long to wait for the answer once an upload is sent (the platform inspects it).
        self.upload_timeout = upload_timeout or timeout[1]
        #: The longest any one call may take, whole (an upload: as long as its budget allows).
        self.deadline = deadline
        self.recorder = recorder
        self.http = DirectSession()
        self.http.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        adapter = DeadlineAdapter(pool_connections=4, pool_maxsize=POOL_SIZE)
        self.http.mount("http://", adapter)
        self.http.mount("https://", adapter)
        self.http.headers["User-Agent"] = USER_AGENT
        self.http.headers["Accept"] = "application/json"
        # The environment's proxies and CA bundle are read once per origin, not on every call
        # (requests otherwise scans the whole environment twice a request).
        self.http.trust_env = False
        self._verify = (os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
                        or True)
        self._proxies: dict[str, dict] = {}

    def _proxies_for(self, url: str) -> dict:
        """The environment's proxies for ``url``'s origin (``*_PROXY`` and ``NO_PROXY``)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._proxies:
            self._proxies[origin] = requests.utils.get_environ_proxies(origin)
        return self._proxies[origin]

    # -- the single choke point -------------------------------------------------------------
    def exchange(self, label: str, method: str, url: str, *, bearer: str | None = None,
                 form: dict | None = None, basic: bool = False, upload: bool = False,
                 limit: int | None = None, **kwargs) -> requests.Response:
        """Send one request, record it (redacted) and return the response. An ``upload``
        waits ``upload_timeout`` for its answer instead of the read timeout. With ``limit``,
        at most ``limit`` + 1 bytes of the answer's body are read (see :func:`read_at_most`),
        within the call's deadline.

        Raises :class:`PlatformUnavailable` when the server cannot be reached or times out; its
        ``sent`` says whether the request may have reached the platform; UploadInterrupted when
        a streamed body could not be read to its end (the request was cut off before it was
        whole). Status codes are left to the caller.
        """
        headers = dict(kwargs.pop("headers", None) or {})
        body = kwargs.pop("data", None)  # a platform API body, e.g. a streamed multipart upload
        secrets = tuple(s for s in (bearer, self._client_secret) if s)
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        if basic:
            pair = f"{quote(self.client_id, safe='')}:{quote(self._client_secret, safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
            secrets += (headers["Authorization"].split()[1],)
        secrets += tuple(v for k, v in (form or {}).items()
                         if isinstance(v, str) and len(v) > 16 and k not in HARMLESS_FIELDS)
        shown = self._shown({**self.http.headers, **headers}, form,
                            body if body is not None else kwargs.get("json"))
        timeout = (self.timeout[0], self.upload_timeout) if upload else self.timeout
        budget_left = deadlines.left()
        if upload:  # as long as its budget allows (the page sized it for the upload)
            allowed = budget_left if budget_left is not None else 24 * 3600.0
        else:
            allowed = self.deadline if budget_left is None else min(self.deadline, budget_left)
        if allowed <= 0:
            self.recorder(Exchange.build(label, method, url, None, 0, request=shown,
                                         error="not sent: the page's time for Anypoint is spent",
                                         secrets=secrets))
            raise PlatformUnavailable(f"{url} not called: no time left", url=url, sent=False)
        started = time.monotonic()
        try:
            with deadlines.Watchdog(allowed) as watchdog:
                response = self.http.request(method, url, headers=headers,
                                             data=form if form is not None else body,
                                             timeout=timeout, allow_redirects=False,
                                             proxies=self._proxies_for(url), verify=self._verify,
                                             stream=limit is not None, **kwargs)
                if limit is not None:
                    read_at_most(response, limit + 1)
        except UploadInterrupted as error:  # cut off before the body was whole: nothing done
            self.recorder(Exchange.build(label, method, url, None,
                                         int((time.monotonic() - started) * 1000),
                                         request=shown, error=f"cut off: {error.message}",
                                         secrets=secrets))
            raise
        except requests.RequestException as error:
            took = int((time.monotonic() - started) * 1000)
            kind = ("took longer than the deadline" if watchdog.fired else
                    "timed out" if isinstance(error, requests.Timeout) else "could not be reached")
            self.recorder(Exchange.build(label, method, url, None, took, request=shown,
                                         error=f"{type(error).__name__}: {kind}",
                                         secrets=secrets))
            sent = watchdog.fired or _maybe_sent(error)
            raise PlatformUnavailable(f"{url} {kind}", url=url, sent=sent) from None
        took = int((time.monotonic() - started) * 1000)
        answer = _body(response)
        if isinstance(answer, dict):
            secrets += tuple(str(answer[k]) for k in ("access_token", "refresh_token", "id_token")
                             if answer.get(k))
        sent = getattr(response.request, "headers", None)
        if sent:  # the headers as really sent (Content-Type, Content-Length, …)
            shown = {**shown, "headers": dict(sent)}
        self.recorder(Exchange.build(label, method, url, response.status_code, took,
                                     request=shown, response=answer, secrets=secrets,
                                     response_headers=response.headers))
        return response

    @staticmethod
    def _shown(headers: dict, form: dict | None, body=None) -> dict:
        """The request as the trace shows it (``Exchange.build`` applies the allow-list)."""
        shown = {"headers": headers} if headers else {}
        if form:
            shown["form"] = form
        if isinstance(body, MultipartBody):  # a streamed upload: its fields and file sizes
            shown["multipart"] = body.described()
        elif body is not None:
            shown["body"] = body if isinstance(body, dict | list) else str(body)[:2000]
        return shown

    # -- the provider (OpenID Connect / OAuth endpoints from discovery) ----------------------
    def get_json(self, label: str, url: str) -> tuple[dict, float | None]:
        """GET public JSON (discovery, JWKS): the document and how long it may be kept
        (``Cache-Control: max-age``; 0 for ``no-store``/``no-cache``; None when not said).
        Non-200 or non-JSON → PlatformUnavailable."""
        response = self.exchange(label, "GET", url)
        body = _body(response)
        if response.status_code != 200 or not isinstance(body, dict):
            raise PlatformUnavailable(f"{url} answered {response.status_code}",
                                      response.status_code, url, http_status=502)
        return body, max_age(response.headers.get("Cache-Control", ""))

    def oauth_post(self, label: str, url: str, form: dict, auth_method: str) -> dict:
        """POST a form to an OAuth endpoint with client authentication; return the JSON answer.

        ``auth_method`` is ``client_secret_basic`` or ``client_secret_post``. Raises
        :class:`OAuthError` for a 4xx RFC 6749 error body, PlatformUnavailable for 5xx/garbage.
        """
        form = dict(form)
        if auth_method == "client_secret_post":
            form.update(client_id=self.client_id, client_secret=self._client_secret)
        response = self.exchange(label, "POST", url, form=form,
                                 basic=auth_method == "client_secret_basic")
        body = _body(response)
        if response.status_code >= 500:
            raise PlatformUnavailable(f"{url} answered {response.status_code}",
                                      response.status_code, url, http_status=502)
        if response.status_code >= 400:
            if isinstance(body, dict) and isinstance(body.get("error"), str):
                raise OAuthError(body["error"], body.get("error_description"),
                                 response.status_code, url)
            raise OAuthError("invalid_response", f"status {response.status_code}",
                             response.status_code, url)
        if response.status_code != 200:
            raise PlatformError(f"{url} answered {response.status_code}", response.status_code, url)
        if not body:
            return {}
        if not isinstance(body, dict):
            raise PlatformUnavailable(f"{url} did not answer JSON", response.status_code, url,
                                      http_status=502)
        return body

    def userinfo(self, url: str, access_token: str) -> dict:
        """GET the discovered userinfo endpoint with the access token."""
        return self._checked(self.exchange("userinfo", "GET", url, bearer=access_token), url,
                             access_token)

    # -- the platform (paths under ANYPOINT_URL only) -----------------------------------------
    def api(self, method: str, path: str, access_token: str, *, label: str = "api", **kwargs):
        """Call a platform API path with the access token; return the decoded body.

        ``path`` must start with ``/``: tokens never go anywhere but ``ANYPOINT_URL``.
        Raises DelegationEnded (401), MissingScope (403), NotFound (404), PlatformUnavailable,
        PlatformError. A 304 (nothing to change) is an answer, not an error.
        """
        if not path.startswith("/") or path.startswith("//"):
            raise ValueError("platform calls take a path under ANYPOINT_URL, not a URL")
        url = self.base_url + path
        return self._checked(self.exchange(label, method, url, bearer=access_token, **kwargs), url,
                             access_token)

    def call(self, method: str, path: str, access_token: str, *, limit: int,
             headers: dict[str, str] | None = None, json_body=None) -> requests.Response:
        """Any call to a platform path (the API explorer), with the access token; the answer
        whatever its status, its body at most ``limit`` + 1 bytes (more than ``limit``: it was
        cut). The same deadline and trace as every call; raises PlatformUnavailable.

        ``path`` (with its query) must stay under ``ANYPOINT_URL`` once requests has
        prepared it, or ValueError: the token never goes to another origin or path.
        """
        url = self.base_url + path
        prepared = requests.PreparedRequest()
        prepared.prepare_url(url, None)
        if not path.startswith("/") or path.startswith("//") or not _under(
                prepared.url, self.base_url):
            raise ValueError("platform calls take a path under ANYPOINT_URL, not a URL")
        return self.exchange("explore", method, url, bearer=access_token, limit=limit,
                             headers=headers, json=json_body)

    def me(self, access_token: str) -> Me:
        """GET /accounts/api/me as a :class:`Me`."""
        path = "/accounts/api/me"
        return parsed(path, Me.from_json, self.api("GET", path, access_token, label="me"))

    def environments(self, access_token: str, org_id: str) -> list[Environment]:
        """GET /accounts/api/organizations/{org_id}/environments as a list of Environment."""
        path = f"/accounts/api/organizations/{quote(org_id, safe='')}/environments"
        body = self.api("GET", path, access_token, label="environments")
        return parsed(path, lambda answer: [Environment.from_json(item)
                                            for item in data_list(answer)], body)

    @staticmethod
    def _checked(response: requests.Response, url: str, access_token: str):
        body = _body(response)
        status = response.status_code
        if 200 <= status < 300 or status == 304:  # 304: there was nothing to change
            if isinstance(body, str) and body.strip():  # an HTML page, a proxy's banner…
                kind = response.headers.get("Content-Type", "no content type").split(";")[0]
                raise PlatformError(f"{url} answered {status} with {kind}, not JSON", status, url)
            return body
        message = body.get("message") if isinstance(body, dict) else None
        message = message or (body.get("error_description") if isinstance(body, dict) else None)
        message = message or (body if isinstance(body, str) and body else f"status {status}")
        if status == 401:
            raise DelegationEnded(str(message), status, url, fingerprint(access_token))
        if status == 403:
            raise MissingScope(str(message), status, url)
        if status == 404:
            raise NotFound(str(message), status, url)
        if status >= 500:
            raise PlatformUnavailable(str(message), status, url, http_status=502)
        raise PlatformError(str(message), status, url)
