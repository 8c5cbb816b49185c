"""``flask --app app deploy``: deploy a Mule application to CloudHub 1.0 from a CI/CD pipeline.

A Flask CLI plugin command (entry point ``flask.commands`` in pyproject.toml), so Flask finds it
without loading the app: a pipeline needs only the client-credentials connected app's settings
(``settings.CiSettings``), never the web app's. The sequence is :mod:`.run`'s.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path
from typing import NoReturn

import click

from ..anypoint import deadlines
from ..anypoint.catalogue import MAX_WORKERS, REGIONS, WORKER_SIZES, name_problem
from ..anypoint.client import AnypointClient
from ..settings import SettingsError, load_ci_settings
from .jar import NotDeployable, check_jar
from .progress import progress_for
from .run import ExitCode, Outcome, Plan
from .run import deploy as run_deploy

HTTP_TIMEOUT = (5.0, 120.0)  # (connect, read) seconds; a large upload's answer can take a while
_KEY = re.compile(r"[^\s=]+")

HELP = """Deploy the Mule application JAR to CloudHub 1.0 as a client-credentials connected app,
the way mule-maven-plugin does (`mvn clean deploy -DmuleDeploy`): a new application is created,
an existing one in that environment is redeployed, then started and watched until it runs.

\b
Credentials come from the environment or .env, never from the command line:
  ANYPOINT_CI_CLIENT_ID      the connected app's client id
  ANYPOINT_CI_CLIENT_SECRET  its client secret
  ANYPOINT_URL               default https://anypoint.mulesoft.com

\b
Exit status:
  0  the application is STARTED (with --no-wait: the deployment was accepted)
  1  the deployment failed (DEPLOY_FAILED; the reason is printed)
  2  usage or configuration error (bad option, missing setting or file, not a
     Mule deployable, unknown environment, name taken or rejected)
  3  authentication or authorization error (bad client id or secret, missing
     scope: the message names it)
  4  Anypoint unreachable or unavailable, or --timeout reached

Progress goes to standard error; --json prints one JSON object on standard output."""


class Seconds(click.ParamType):
    """A finite number of seconds from 1 to a day (``nan``, ``inf`` and negatives refused)."""

    name = "seconds"

    def convert(self, value, param, ctx) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(seconds) or not 1 <= seconds <= 86400:
            self.fail(f"{value!r} must be a number of seconds from 1 to 86400", param, ctx)
        return seconds


def _worker_size(_ctx, _param, value: str | None) -> str | None:
    if value is None:
        return None
    sizes = {size.lower(): size for size, _ in WORKER_SIZES}
    if value.lower() not in sizes:
        raise click.BadParameter(f"choose one of {', '.join(sizes.values())}")
    return sizes[value.lower()]


def _name(_ctx, _param, value: str) -> str:
    if problem := name_problem(value):
        raise click.BadParameter(f"{value!r}: {problem}")
    return value


def _properties(_ctx, _param, values: tuple[str, ...]) -> dict[str, str] | None:
    if not values:
        return None
    properties: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not _KEY.fullmatch(key) or "\n" in value:
            raise click.BadParameter(f"{item!r} is not key=value (one line, no spaces in key)")
        if key in properties:
            raise click.BadParameter(f"{key!r} is given twice")
        properties[key] = value.strip()
    return properties


@click.command("deploy", help=HELP, short_help="Deploy a Mule JAR to CloudHub from a pipeline.")
@click.argument("jar", type=click.Path(path_type=Path))
@click.option("--environment", required=True, help="Environment name, e.g. Sandbox.")
@click.option("--name", required=True, callback=_name,
              help="Application name (becomes NAME.cloudhub.io).")
@click.option("--runtime", help="Mule runtime, e.g. 4.6.0 (default: the recommended one).")
@click.option("--workers", type=click.IntRange(1, MAX_WORKERS), help="Number of workers (1).")
@click.option("--worker-size", callback=_worker_size,
              help=f"{', '.join(size for size, _ in WORKER_SIZES)} (Micro).")
@click.option("--region", type=click.Choice(REGIONS), metavar="REGION",
              help="CloudHub region, e.g. eu-west-1 (us-east-1).")
@click.option("--property", "properties", multiple=True, callback=_properties,
              metavar="KEY=VALUE", help="Application property; repeatable.")
@click.option("--wait/--no-wait", default=True, show_default=True,
              help="Wait until the application is STARTED or failed.")
@click.option("--timeout", type=Seconds(), default=600, show_default=True, metavar="SECONDS",
              help="How long the whole deployment may take, calls to Anypoint included.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")
def deploy(jar: Path, environment: str, name: str, runtime: str | None, workers: int | None,
           worker_size: str | None, region: str | None, properties: dict | None, wait: bool,
           timeout: float, as_json: bool) -> None:
    plan = Plan(jar, environment, name, runtime, workers, worker_size, region, properties,
                wait, timeout)
    try:
        check_jar(jar)
        settings = load_ci_settings()
    except (NotDeployable, SettingsError) as error:
        _finish(Outcome(ExitCode.USAGE, plan, error=str(error)), as_json)
    progress = progress_for()
    client = AnypointClient(settings.anypoint_url, settings.client_id,
                            settings.client_secret.get_secret_value(),
                            HTTP_TIMEOUT, progress.call)
    try:
        with deadlines.budget(timeout):  # every call, the upload and the wait: all in time
            outcome = run_deploy(client, plan, progress)
    finally:
        client.http.close()
    _finish(outcome, as_json)


def _finish(outcome: Outcome, as_json: bool) -> NoReturn:
    """Print the result (JSON on stdout, or a sentence) and exit with the outcome's code."""
    if as_json:
        click.echo(json.dumps(outcome.as_json()))
    if outcome.error:
        click.echo(f"Error: {outcome.error}", file=sys.stderr)
    elif not as_json:
        app, plan = outcome.application, outcome.plan
        where = f" at {app.full_domain}" if app and app.full_domain else ""
        click.echo(f"{plan.name} {outcome.action} in {plan.environment} and "
                   f"{app.status if app else 'accepted'}{where} ({outcome.seconds:.1f} s)")
    click.get_current_context().exit(int(outcome.code))
