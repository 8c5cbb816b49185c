"""Security headers as data, applied to every response; ``no-store`` on everything not static."""

from __future__ import annotations

from flask import Flask, request

CSP_DIRECTIVES = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def content_security_policy(provider_origins: tuple[str, ...] = ()) -> str:
    """The CSP; forms may also lead to the provider (sign-in, more access, RP-initiated logout)."""
    directives = [
        d + "".join(f" {o}" for o in provider_origins) if d == "form-action 'self'" else d
        for d in CSP_DIRECTIVES
    ]
    return "; ".join(directives)


def init_app(app: Flask, provider_origins: tuple[str, ...] = ()) -> None:
    """Add :data:`HEADERS` and the CSP everywhere, :data:`NO_STORE` on every non-static response."""
    headers = {"Content-Security-Policy": content_security_policy(provider_origins), **HEADERS}
    everywhere, names = list(headers.items()), {name.lower() for name in headers}
    with_no_store = [*everywhere, *NO_STORE.items()]
    names_no_store = names | {name.lower() for name in NO_STORE}

    @app.after_request
    def add_headers(response):
        static = request.endpoint == "static"
        present = {name.lower() for name in response.headers.keys()}
        if present & (names if static else names_no_store):  # a view set one of them itself
            for name, value in everywhere:
                response.headers.setdefault(name, value)
            if not static:
                response.headers.update(NO_STORE)
        else:  # the usual case, in one pass (setdefault on each costs a search of them all)
            response.headers.extend(everywhere if static else with_no_store)
        return response
