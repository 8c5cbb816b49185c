"""Deploying and redeploying: turning checked input and an uploaded JAR into a stored application.

When appInfoJson leaves a field out, a new application gets mule-maven-plugin's defaults (1 Micro
worker in us-east-1, no properties) and the recommended runtime; a redeploy keeps the current
value. An artifact that needs a newer runtime than chosen is accepted and deployed, and ends in
DEPLOY_FAILED with the reason (as CloudHub fails such an app at startup, not at upload).
"""

from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from ..storage import Environment, Token, session
from ..web.errors import PlatformError
from . import lifecycle, store
from .appinfo import AppInfo
from .exchange_asset import ExchangeAsset
from .runtime import DEFAULT_REGION, DEFAULT_WORKER_TYPE, MULE_RUNTIMES, runtime_mismatch
from .uploads import discard, received_artifact

EXCHANGE_MIN_MULE_VERSION = "4.1.1"
RECOMMENDED_RUNTIME = next(runtime.version for runtime in MULE_RUNTIMES if runtime.recommended)


def _taken(domain: str) -> PlatformError:
    return PlatformError(409, f"An application named {domain} already exists; application "
                              "names are unique across CloudHub, so choose another name.")


def _row(info: AppInfo, env: Environment, token: Token) -> store.Application:
    return store.Application(
        domain=info.domain, environment_id=env.id, organization_id=env.organization_id,
        workers=info.workers or 1, worker_type=info.worker_type or DEFAULT_WORKER_TYPE,
        region=info.region or DEFAULT_REGION,
        mule_version=info.mule_version or RECOMMENDED_RUNTIME,
        properties=info.properties or {}, **_deployer(token))


def _commit_new(app: store.Application, now: float, auto_start: bool) -> None:
    app.deployment = lifecycle.create(now, auto_start=auto_start, failure_reason=_mismatch(app))
    session().add(app)
    try:
        session().commit()
    except IntegrityError:  # another request took the name since the check
        session().rollback()
        raise _taken(app.domain) from None


def new_application(info: AppInfo, part: FileStorage, auto_start: bool, env: Environment,
                    token: Token, now: float) -> store.Application:
    """Store the upload and create the application (committed). Raises PlatformError 409 when
    the name is taken, ArtifactRejected for a bad JAR; nothing stays on disk after an error."""
    if store.find_live(info.domain) is not None:
        raise _taken(info.domain)
    with received_artifact(part, info.domain) as (path, artifact):
        store.drop_deleted(info.domain)
        app = _row(info, env, token)
        _attach(app, path, artifact)
        _commit_new(app, now, auto_start)
    return app


def new_exchange_application(info: AppInfo, asset: ExchangeAsset, auto_start: bool,
                             env: Environment, token: Token, now: float) -> store.Application:
    """Create an application from an Exchange asset (committed). The sandbox has no Exchange
    to fetch it from, so no file is kept and no artifact is checked: the asset's name is the
    file name and Mule 4.1.1 (mule-maven-plugin's floor) its minimum runtime."""
    if store.find_live(info.domain) is not None:
        raise _taken(info.domain)
    store.drop_deleted(info.domain)
    app = _row(info, env, token)
    app.file_path, app.file_name = None, asset.file_name
    app.file_size, app.file_sha256, app.min_mule_version = 0, "", EXCHANGE_MIN_MULE_VERSION
    _commit_new(app, now, auto_start)
    return app


def replace_artifact(app: store.Application, info: AppInfo, part: FileStorage, now: float,
                     deploy_seconds: float, token: Token) -> None:
    """Redeploy `app` with a new JAR and changed settings (committed); the old JAR is removed."""
    old_path = app.file_path
    with received_artifact(part, app.domain) as (path, artifact):
        _attach(app, path, artifact)
        apply_settings(app, info, now, deploy_seconds, token)
    discard(old_path)


def apply_settings(app: store.Application, info: AppInfo, now: float, deploy_seconds: float,
                   token: Token) -> None:
    """Redeploy `app` with the fields `info` sets (the others kept); committed."""
    app.mule_version = info.mule_version or app.mule_version
    app.workers = info.workers or app.workers
    app.worker_type = info.worker_type or app.worker_type
    app.region = info.region or app.region
    if info.properties is not None:
        app.properties = info.properties
    for column, value in _deployer(token).items():
        setattr(app, column, value)
    app.deployment = lifecycle.redeploy(app.deployment, now, deploy_seconds,
                                        failure_reason=_mismatch(app))
    session().commit()


def _attach(app: store.Application, path, artifact) -> None:
    app.file_path, app.file_name = str(path), artifact.file_name
    app.file_size, app.file_sha256 = artifact.size, artifact.sha256
    app.min_mule_version = artifact.min_mule_version


def _mismatch(app: store.Application) -> str | None:
    return runtime_mismatch(app.min_mule_version, app.mule_version)


def _deployer(token: Token) -> dict:
    """Who deployed: the user, or for a client-credentials token the connected app itself."""
    if token.user is not None:
        return {"user_id": token.user.id, "user_name": token.user.username}
    return {"user_id": token.client.client_id, "user_name": token.client.name}
