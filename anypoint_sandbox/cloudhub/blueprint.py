"""The CloudHub 1.0 API's blueprint (``/cloudhub/api``), its error handlers and what its views
share: the deploy time, the clock, the environment's live application, its JSON."""

from flask import Blueprint, current_app
from werkzeug.exceptions import RequestEntityTooLarge

from ..web.errors import PlatformError, platform_error_response
from . import context, lifecycle, store
from .appinfo import InvalidAppInfo
from .archive import ArtifactRejected, size_in_words
from .context import current_environment
from .uploads import close_spooled

bp = Blueprint("cloudhub", __name__, url_prefix="/cloudhub/api")
bp.teardown_request(close_spooled)


@bp.errorhandler(ArtifactRejected)
@bp.errorhandler(InvalidAppInfo)
def bad_input(error: ValueError):
    return platform_error_response(400, str(error))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    limit = size_in_words(current_app.config["SANDBOX_MAX_UPLOAD_MB"] * 1024 * 1024)
    return platform_error_response(413, f"The upload is larger than the {limit} limit.")


def deploy_seconds() -> float:
    return current_app.config["SANDBOX_DEPLOY_SECONDS"]


def shown(app: store.Application) -> dict:
    """The application's JSON as of now."""
    return store.as_json(app, context.clock(), deploy_seconds())


def not_found(domain: str) -> PlatformError:
    return PlatformError(404, f"Application {domain[:64]} not found in environment "
                              f"'{current_environment().name}'.")


def live_application(domain: str) -> store.Application:
    """The environment's application called ``domain``, not deleted; PlatformError 404
    otherwise."""
    found = store.find_shown(domain, current_environment().id, context.clock(), deploy_seconds())
    if found is None or found.action == lifecycle.Action.DELETE:
        raise not_found(domain)
    return found


def shown_application(domain: str) -> store.Application:
    """As ``live_application``, but a deleted one is found during its DELETED moment."""
    found = store.find_shown(domain, current_environment().id, context.clock(), deploy_seconds())
    if found is None:
        raise not_found(domain)
    return found
