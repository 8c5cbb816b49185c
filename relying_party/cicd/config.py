"""The /cicd page's generator: checked choices in, the pom's ``<plugin>`` block, the Maven command
and the equivalent ``flask deploy`` command out. Pure Python, no Flask.

The credentials are never values here: the pom says ``${client.id}`` / ``${client.secret}``
(Maven properties) and both commands read them from the pipeline's environment variables, so the
page has nothing secret to render. The XML is built with ElementTree (every text escaped) and the
commands with :func:`shlex.quote`, so any environment name or value is safe to copy and paste.
"""

from __future__ import annotations

import re
import shlex
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..anypoint.catalogue import MAX_WORKERS, REGIONS, WORKER_SIZES, name_problem, workers_of

RUNTIMES = ("4.9.0", "4.8.0", "4.6.0", "4.4.0")  # suggestions; any x.y.z is accepted
#: mule-maven-plugin's <workerType> spelling (reference §7.1) for each API worker size.
POM_WORKER_TYPES = {size: size.upper() for size, _ in WORKER_SIZES}
CLIENT_ID_ENV, CLIENT_SECRET_ENV = "ANYPOINT_CI_CLIENT_ID", "ANYPOINT_CI_CLIENT_SECRET"
_VERSION = re.compile(r"\d+\.\d+\.\d+")
_ENVIRONMENT = re.compile(r"[^\x00-\x1f\x7f]{1,60}")
DEFAULTS = {"environment": "Sandbox", "name": "hello-mule", "runtime": "4.6.0", "workers": "1",
            "worker_size": "Micro", "region": "us-east-1"}


@dataclass(frozen=True)
class PipelineChoices:
    environment: str
    name: str
    runtime: str
    workers: int
    worker_size: str  # as the API spells it: Micro, Small…
    region: str


def validate(args: Mapping[str, str], environments: Sequence[str] = ()
             ) -> tuple[PipelineChoices | None, dict[str, str], dict[str, str]]:
    """``(choices, {}, values)`` when every field is good, else ``(None, errors, values)``;
    ``values`` are the trimmed inputs (defaults for absent ones) to show in the form again.
    ``environments``, when given, are the only environment names accepted."""
    values = {key: (args.get(key) or default).strip() for key, default in DEFAULTS.items()}
    errors: dict[str, str] = {}
    if environments and values["environment"] not in environments:
        errors["environment"] = "Choose one of your environments."
    elif not _ENVIRONMENT.fullmatch(values["environment"]):
        errors["environment"] = "Give the environment's name (1 to 60 characters, one line)."
    if problem := name_problem(values["name"]):
        errors["name"] = problem
    if not _VERSION.fullmatch(values["runtime"]):
        errors["runtime"] = "Give a Mule runtime version like 4.6.0."
    workers = workers_of(values["workers"])
    if workers is None:
        errors["workers"] = f"Choose 1 to {MAX_WORKERS} workers."
    if values["worker_size"] not in POM_WORKER_TYPES:
        errors["worker_size"] = "Choose a worker size."
    if values["region"] not in REGIONS:
        errors["region"] = "Choose a region."
    if errors:
        return None, errors, values
    return PipelineChoices(values["environment"], values["name"], values["runtime"], workers,
                           values["worker_size"], values["region"]), {}, values


def pom_plugin(choices: PipelineChoices, anypoint_url: str) -> str:
    """The mule-maven-plugin ``<plugin>`` element with its ``<cloudHubDeployment>``."""
    plugin = ET.Element("plugin")
    _text(plugin, groupId="org.mule.tools.maven", artifactId="mule-maven-plugin",
          version="${mule.maven.plugin.version}", extensions="true")
    deployment = ET.SubElement(ET.SubElement(plugin, "configuration"), "cloudHubDeployment")
    _text(deployment, uri=anypoint_url, muleVersion=choices.runtime,
          connectedAppClientId="${client.id}", connectedAppClientSecret="${client.secret}",
          connectedAppGrantType="client_credentials", applicationName=choices.name,
          environment=choices.environment, region=choices.region, workers=str(choices.workers),
          workerType=POM_WORKER_TYPES[choices.worker_size], objectStoreV2="true")
    ET.indent(plugin, space="    ")
    return ET.tostring(plugin, encoding="unicode")


def _text(parent: ET.Element, **children: str) -> None:
    for tag, text in children.items():
        ET.SubElement(parent, tag).text = text


def maven_command() -> str:
    """``mvn clean deploy -DmuleDeploy`` with the pom's placeholders from the environment."""
    return ("mvn clean deploy -DmuleDeploy \\\n"
            f'    -Dclient.id="${{{CLIENT_ID_ENV}}}" \\\n'
            f'    -Dclient.secret="${{{CLIENT_SECRET_ENV}}}"')


def flask_command(choices: PipelineChoices, jar: str = "target/*-mule-application.jar") -> str:
    """The equivalent ``flask --app app deploy`` (credentials from the environment, not here)."""
    words = [("--environment", choices.environment), ("--name", choices.name),
             ("--runtime", choices.runtime), ("--workers", str(choices.workers)),
             ("--worker-size", choices.worker_size), ("--region", choices.region)]
    lines = [f"flask --app app deploy {jar}"]
    lines += [f"    {option} {shlex.quote(value)}" for option, value in words]
    return " \\\n".join(lines)
