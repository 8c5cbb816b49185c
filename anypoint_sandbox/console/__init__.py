"""The console pages, signed in with the sandbox's own session: Access Management › Connected
Apps and Authorization policy, Profile, Audit log. ``init_app`` registers them all."""

from datetime import UTC, datetime

from flask import Flask

from . import apps, audit, front, policy, profile


def when(epoch: int | None) -> str:
    """Epoch seconds as "3 May 2025, 14:03 UTC"; "Never" for None."""
    if not epoch:
        return "Never"
    moment = datetime.fromtimestamp(epoch, UTC)
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def init_app(app: Flask) -> None:
    """Register every console blueprint on ``app`` and the ``when`` filter its pages use."""
    app.add_template_filter(when)
    for area in (front, apps, policy, profile, audit):
        app.register_blueprint(area.bp)
