"""Deployments and their logs, derived from what was asked and the clock (like the status).

Each deploy, redeploy, start or restart opens a deployment; a stop or delete is a move within the
latest one. A move writes a few realistic lines at once ("Deploying application…") and the rest
when it completes, ``SANDBOX_DEPLOY_SECONDS`` later ("Started app…", or the DEPLOY_FAILED
reason); a line is shown only once the clock has reached it, and a completion that a later move
overtook is never written. Every line has its own millisecond, so a reader that asks for lines
after the last one it saw (MuleSoft's CLI ``tail-logs``) misses none.

Shapes (CloudHub API): a deployment ``{deploymentId, createTime, startTime?, endTime?,
instances: [{instanceId, publicIPAddress, status, region}]}`` (instances only while it runs,
ids ``<deploymentId>-<n>``), a line ``{loggerName, threadName, timestamp (ms), message,
priority, instanceId}``.
"""

from datetime import UTC, datetime

from sqlalchemy import select

from ..storage import CloudHubApplication, CloudHubDeployment, session
from .context import iso_ms

OPENING = ("deploy", "start", "restart")
SYSTEM = "System"
MULE_LOGGER = "org.mule.runtime.core.internal.logging.LogUtil"
DEPLOYER = "org.mule.runtime.module.deployment.impl.internal.application.DefaultMuleApplication"


def record(app: CloudHubApplication, kind: str, now: float,
           failure_reason: str | None = None) -> None:
    """Note a move (``deploy``, ``start``, ``restart``, ``stop`` or ``delete``); the caller
    commits. Opening moves start a deployment; the others join the latest, if there is one."""
    if kind in OPENING:
        session().add(CloudHubDeployment(application_id=app.id, created_at=now,
                                         workers=app.workers, region=app.region,
                                         mule_version=app.mule_version,
                                         events=[[kind, now, failure_reason]]))
        return
    latest = newest(app)
    if latest is not None:
        latest.events = [*latest.events, [kind, now, None]]


def history(app: CloudHubApplication) -> list[CloudHubDeployment]:
    """The application's deployments, oldest first."""
    return list(session().scalars(select(CloudHubDeployment).where(
        CloudHubDeployment.application_id == app.id).order_by(CloudHubDeployment.created_at)))


def newest(app: CloudHubApplication) -> CloudHubDeployment | None:
    found = history(app)
    return found[-1] if found else None


def _times(deployment: CloudHubDeployment, successor: CloudHubDeployment | None,
           now: float, seconds: float) -> tuple[float | None, float | None]:
    """(started, ended) moments as of ``now``: started when the opening move completed without
    failing; ended when a stop completed, a delete came, the start failed, or the next
    deployment took over."""
    kind, at, failure = deployment.events[0]
    started = ended = None
    if at + seconds <= now:
        started, ended = (None, at + seconds) if failure else (at + seconds, None)
    for kind, at, _failure in deployment.events[1:]:
        if kind == "delete" or at + seconds <= now:
            ended = min(ended or now, at if kind == "delete" else at + seconds)
    if successor is not None:
        takeover = successor.created_at + seconds
        if takeover <= now:
            ended = min(ended or takeover, takeover)
    return started, ended


def deployment_json(app: CloudHubApplication, deployment: CloudHubDeployment,
                    successor: CloudHubDeployment | None, now: float, seconds: float) -> dict:
    started, ended = _times(deployment, successor, now, seconds)
    body = {"deploymentId": deployment.id, "createTime": iso_ms(deployment.created_at)}
    if started is not None:
        body["startTime"] = iso_ms(started)
    if ended is not None:
        body["endTime"] = iso_ms(ended)
    status = "STARTED" if started is not None else "DEPLOYING"
    body["instances"] = [] if ended is not None else [
        {"instanceId": f"{deployment.id}-{n}", "publicIPAddress": f"203.0.113.{10 + n}",
         "status": status, "region": deployment.region} for n in range(deployment.workers)]
    return body


def deployments_json(app: CloudHubApplication, now: float, seconds: float) -> list[dict]:
    """Every deployment of ``app`` as CloudHub shows it, oldest first."""
    found = history(app)
    return [deployment_json(app, item, found[n + 1] if n + 1 < len(found) else None, now,
                            seconds) for n, item in enumerate(found)]


def _script(kind: str, app: CloudHubApplication, workers: int, failure: str | None):
    """The lines of one move: (fraction of the move's time, priority, logger, message,
    per worker)."""
    name = app.domain
    if kind == "stop":
        return [(0, "SYSTEM", SYSTEM, f"Stopping application {name}", False),
                (1, "INFO", MULE_LOGGER, f"Stopped app '{name}'", True),
                (1, "SYSTEM", SYSTEM, "Application was stopped.", False)]
    if kind == "delete":
        return [(0, "SYSTEM", SYSTEM, f"Deleting application {name}", False)]
    opening = {"deploy": f"Deploying application {name} ({app.file_name}) to {workers} "
                         f"{app.worker_type} worker(s) in {app.region}",
               "start": f"Starting application {name}",
               "restart": f"Restarting application {name}"}[kind]
    lines = [(0, "SYSTEM", SYSTEM, opening, False),
             (0.2, "SYSTEM", SYSTEM, "Provisioning CloudHub worker...", True),
             (0.5, "SYSTEM", SYSTEM, f"Starting your application on Mule {app.mule_version}...",
              True)]
    if failure:
        return [*lines, (1, "ERROR", DEPLOYER, f"Deployment failed: {failure}", True),
                (1, "SYSTEM", SYSTEM, "Your application has failed to start.", False)]
    banner = f"\n{'*' * 60}\n* Started app '{name}'\n{'*' * 60}"
    return [*lines, (1, "INFO", MULE_LOGGER, banner, True),
            (1, "SYSTEM", SYSTEM, "Your application is started.", False)]


def log_lines(app: CloudHubApplication, deployment: CloudHubDeployment, now: float,
              seconds: float) -> list[dict]:
    """The deployment's lines written by ``now``, oldest first."""
    lines, events = [], deployment.events
    for index, (kind, at, failure) in enumerate(events):
        overtaken_at = events[index + 1][1] if index + 1 < len(events) else None
        step = 0
        for fraction, priority, logger, message, per_worker in _script(
                kind, app, deployment.workers, failure):
            moment = at + fraction * seconds
            if moment > now or (fraction and overtaken_at is not None and moment > overtaken_at):
                continue
            for worker in range(deployment.workers if per_worker else 1):
                step += 1
                lines.append({"loggerName": logger, "threadName": f"worker-{worker}",
                              "timestamp": int(moment * 1000) + step, "message": message,
                              "priority": priority, "instanceId": f"{deployment.id}-{worker}"})
    return sorted(lines, key=lambda line: line["timestamp"])


def previous_mule_version(app: CloudHubApplication) -> str | None:
    """The runtime of the deployment before the latest, if there was one."""
    found = history(app)
    return found[-2].mule_version if len(found) > 1 else None


def find(app: CloudHubApplication, deployment_id: str) -> CloudHubDeployment | None:
    return next((item for item in history(app) if item.id == deployment_id), None)


def find_instance(app: CloudHubApplication, instance_id: str) -> CloudHubDeployment | None:
    """The deployment an instance id (``<deploymentId>-<n>``) belongs to."""
    deployment_id, _, number = instance_id.rpartition("-")
    found = find(app, deployment_id)
    if found is None or not (number.isascii() and number.isdigit()) or int(
            number) >= found.workers:
        return None
    return found


def log_file(lines: list[dict]) -> str:
    """Lines as a worker's log file: ``[2015-12-14 17:52:33.412] INFO    logger [thread]: msg``."""
    def stamp(ms: int) -> str:
        return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]

    return "".join(f"[{stamp(line['timestamp'])}] {line['priority']:<7} {line['loggerName']} "
                   f"[{line['threadName']}]: {line['message']}\n" for line in lines)
