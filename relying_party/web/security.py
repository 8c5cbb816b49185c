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

    @app.after_request
    def add_headers(response):
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        if request.endpoint != "static":
            response.headers.update(NO_STORE)
        return response
