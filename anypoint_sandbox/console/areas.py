"""The platform's other two sides of delegation, registered in one call: the console pages
(Access Management › Connected Apps and Authorization policy, Profile, Audit log) and the JSON
APIs behind them (connected applications, organization policy and authorizations, audit query).
"""

from datetime import UTC, datetime

from flask import Flask


def when(epoch: int | None) -> str:
    """Epoch seconds as "3 May 2025, 14:03 UTC"; "Never" for None."""
    if not epoch:
        return "Never"
    moment = datetime.fromtimestamp(epoch, UTC)
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def init_app(app: Flask) -> None:
    """Register every console and management-API blueprint on ``app`` (and the ``when``
    template filter their pages use)."""
    app.add_template_filter(when)
    from ..api import (
        audit as api_audit,
    )
    from ..api import (
        connected_apps as api_connected_apps,
    )
    from ..api import (
        org_policy as api_org_policy,
    )
    from . import (
        apps as console_apps,
    )
    from . import (
        audit as console_audit,
    )
    from . import (
        front as console,
    )
    from . import (
        policy as console_policy,
    )
    from . import (
        profile as console_profile,
    )

    for area in (console, console_apps, console_policy, console_profile, console_audit,
                 api_connected_apps, api_org_policy, api_audit):
        app.register_blueprint(area.bp)
