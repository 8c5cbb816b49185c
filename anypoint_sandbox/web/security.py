"""Security headers of the sandbox's pages, as data: never cached, never framed, no script."""

from flask import Blueprint

PAGE_HEADERS = {
    "Cache-Control": "no-store", "Pragma": "no-cache", "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
}
CSP = "default-src 'self'; script-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
#: The console's forms post only to the sandbox; sign-in and consent also lead back to the app.
CONSOLE_FORMS = "form-action 'self'"
INTERACTION_FORMS = "form-action 'self' http: https:"


def secure(blueprint: Blueprint, form_action: str = CONSOLE_FORMS) -> None:
    """Every response of ``blueprint`` gets :data:`PAGE_HEADERS` and the CSP."""
    headers = {**PAGE_HEADERS, "Content-Security-Policy": CSP + form_action}

    @blueprint.after_request
    def add_headers(response):
        response.headers.update(headers)
        return response
