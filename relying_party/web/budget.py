"""Every request of the app gets PLATFORM_DEADLINE_SECONDS for all its calls to the platform
together (``anypoint.deadlines``): no page waits longer, however many calls it makes or repeats
on its error path. An upload sizes its own budget (``deploy.support.upload_budget``)."""

from __future__ import annotations

from flask import Flask, g

from ..anypoint import deadlines


def init_app(app: Flask, seconds: float) -> None:
    @app.before_request
    def open_budget():
        g.platform_budget = deadlines.open_budget(seconds)

    @app.teardown_request
    def close_budget(_error=None):
        token = g.pop("platform_budget", None)
        if token is not None:
            deadlines.close_budget(token)
