"""The platform's JSON APIs at Anypoint's paths: accounts, connected apps, organization
policy, audit. ``init_app`` registers them all."""

from flask import Flask

from . import accounts, audit, connected_apps, org_policy


def init_app(app: Flask) -> None:
    """Register every platform API blueprint on ``app``."""
    for area in (accounts, connected_apps, org_policy, audit):
        app.register_blueprint(area.bp)
