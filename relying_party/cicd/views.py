"""``cicd.index``: deploying from a CI/CD pipeline with a client-credentials connected app.

The page compares the two connected-app types, says how to create the pipeline's app in Anypoint,
and turns the choices of a GET form into mule-maven-plugin's ``<cloudHubDeployment>``, the Maven
command and the equivalent ``flask deploy`` command (see :mod:`.cicd_config`). It works without a
sign-in; signed in with ``view:environment``, the environment is picked from the user's own.
Bad choices answer 400 with the message next to the field. Nothing secret is ever rendered.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..anypoint.catalogue import MAX_WORKERS, REGIONS, WORKER_SIZES
from ..anypoint.errors import PlatformError
from ..deploy.support import delegation
from ..pipeline.run import TOKEN_PATH
from ..services import services
from ..web.guards import signed_in
from .config import RUNTIMES, flask_command, maven_command, pom_plugin, validate

bp = Blueprint("cicd", __name__, url_prefix="/cicd")

#: The scopes the pipeline's app needs in each target environment (reference §2.2, §4.2).
PIPELINE_SCOPES = (
    ("Runtime Manager", "Read Applications", "read:applications"),
    ("Runtime Manager", "Create Applications", "create:applications"),
    ("Runtime Manager", "Manage Settings", "manage:application_settings"),
    ("Runtime Manager", "Delete Applications", "delete:applications"),
    ("General", "View Environment", "view:environment"),
)


def _environment_names() -> list[str]:
    """The signed-in user's environment names; [] (free text) when not signed in or not
    allowed to list them, or when Anypoint does not answer."""
    if not signed_in():
        return []
    try:
        user = delegation()
        return [env.name for env in user.environments()] if user.may_list_environments() else []
    except PlatformError:
        return []


@bp.get("/")
def index():
    """The page, with the generated set-up for the chosen (or default) values; 400 with
    field messages when a choice is not valid."""
    environments = _environment_names()
    args = request.args.to_dict()
    if not args.get("environment") and environments:
        args["environment"] = "Sandbox" if "Sandbox" in environments else environments[0]
    choices, errors, values = validate(args, environments)
    generated = None
    if choices:
        anypoint_url = services().settings.anypoint_url
        generated = {"pom": pom_plugin(choices, anypoint_url), "maven": maven_command(),
                     "flask": flask_command(choices)}
    body = render_template(
        "cicd/index.html", values=values, errors=errors, generated=generated,
        environments=environments, runtimes=RUNTIMES, worker_sizes=WORKER_SIZES,
        regions=REGIONS, max_workers=MAX_WORKERS, scopes=PIPELINE_SCOPES,
        token_path=TOKEN_PATH)
    return body, 400 if errors else 200
