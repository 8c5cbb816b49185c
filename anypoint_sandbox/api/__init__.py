"""The platform's JSON APIs at Anypoint's paths: accounts, connected apps, organization
policy, audit, authorize. ``init_app`` registers them all."""

from flask import Flask

from . import accounts, audit, authorize, connected_apps, org_policy


def init_app(app: Flask) -> None:
    """Register every platform API blueprint on ``app``."""
    for area in (accounts, connected_apps, org_policy, audit, authorize):
        app.register_blueprint(area.bp)
