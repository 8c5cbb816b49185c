"""The app survives real Anypoint answers: every platform answer it parses (me, organizations,
environments, applications, mule-versions, deployments and their logs) is built from the specs'
own example answers, read from the spec files; the pages that show them render; and an answer
with a field missing, an extra field or a value of another type is read or refused as malformed
(MalformedAnswer, the 502 page), never a crash. The app parses no profile, connected-app or
audit answer."""

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relying_party.anypoint.client import data_list
from relying_party.anypoint.models import (
    Application,
    Deployment,
    Environment,
    LogLine,
    MalformedAnswer,
    Me,
    MuleVersion,
    Organization,
)
from tests.support.fake_platform import platform_app, response, signed_in_client
from tests.support.specs import example

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=3), max_leaves=6)


@pytest.fixture(scope="module")
def examples(anypoint_specs) -> dict:
    am, ch = anypoint_specs["access-management"], anypoint_specs["cloudhub"]
    return {
        "me": example(am, "/me"), "organization": example(am, "/organizations/{organizationId}"),
        "environments": example(am, "/organizations/{organizationId}/environments"),
        "environment": example(am, "/organizations/{organizationId}/environments/"
                                   "{environmentId}"),
        "applications": example(ch, "/v2/applications"),
        "application": example(ch, "/v2/applications/{domain}"),
        "created": example(ch, "/v2/applications", "post"),
        "redeployed": example(ch, "/v2/applications/{domain}", "put"),
        "mule-versions": example(ch, "/mule-versions"),
        "mule-version": example(ch, "/mule-versions/{version}"),
        "deployments": example(ch, "/v2/applications/{domain}/deployments"),
        "deployment-logs": example(ch, "/v2/applications/{domain}/deployments/{deploymentId}/"
                                       "logs"),
    }


def _bare_list(doc) -> list:
    """CloudHub's application list is a bare array (as ``CloudHub.applications`` checks)."""
    if not isinstance(doc, list):
        raise MalformedAnswer("the answer is not a list")
    return doc


#: How the app reads each answer (as its client does: ``{data}`` lists item by item).
READERS = {
    "me": Me.from_json, "organization": Organization.from_json,
    "environments": lambda doc: [Environment.from_json(item) for item in data_list(doc)],
    "environment": Environment.from_json,
    "applications": lambda doc: [Application.from_json(item) for item in _bare_list(doc)],
    "application": Application.from_json, "created": Application.from_json,
    "redeployed": Application.from_json,
    "mule-versions": lambda doc: [MuleVersion.from_json(item) for item in data_list(doc)],
    "mule-version": MuleVersion.from_json,
    "deployments": lambda doc: [Deployment.from_json(item) for item in data_list(doc)],
    "deployment-logs": lambda doc: [LogLine.from_json(item) for item in data_list(doc)],
}
LENIENT = settings(max_examples=60, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_the_models_read_every_example_answer(examples):
    me = Me.from_json(examples["me"])
    assert (me.username, me.full_name) == ("sundaycmordue", "Chris Mordue")
    assert me.organization.id == examples["me"]["user"]["organizationId"]
    assert me.organization.is_root and [group.name for group in me.business_groups] == [
        "Mordue's Sundays testing"]
    organization = Organization.from_json(examples["organization"])
    assert (organization.name, organization.is_root) == ("MuleSoft Inc", True)
    environments = READERS["environments"](examples["environments"])
    assert [(env.name, env.is_production) for env in environments] == [("Development", True)]
    assert Environment.from_json(examples["environment"]).type == "sandbox"
    for name in ("application", "created", "redeployed"):
        app = Application.from_json(examples[name])
        assert (app.domain, app.status, app.workers, app.worker_type, app.mule_version) == (
            "example-app", "STARTED", 1, "Medium", "4.4.0")
    assert [app.domain for app in READERS["applications"](examples["applications"])] == [
        "example-app"]
    runtimes = READERS["mule-versions"](examples["mule-versions"])
    assert runtimes[0].version == "3.8.2" and runtimes[0].recommended
    assert MuleVersion.from_json(examples["mule-version"]).end_of_support == 1507230009.992
    deployments = READERS["deployments"](examples["deployments"])
    assert [item.id for item in deployments][:2] == ["566f011be4b06b370949daff",
                                                     "566f00c2e4b06b3709496e0d"]
    assert deployments[0].created == 1450115355.731 and deployments[0].state == "ended"
    assert deployments[0].instances[0].id == "566f011be4b06b370949daff-0"
    lines = READERS["deployment-logs"](examples["deployment-logs"])
    assert [(line.at, line.priority) for line in lines][0] == (1450128121.85, "INFO")
    assert "org.mule.DefaultMuleMessage" in lines[0].message


def _nodes(doc, path=()):
    """Every (path, container) in a JSON document."""
    if isinstance(doc, dict | list):
        yield path, doc
        items = doc.items() if isinstance(doc, dict) else enumerate(doc)
        for key, value in items:
            yield from _nodes(value, (*path, key))


@st.composite
def mutated(draw, answer):
    """``answer`` with one field removed, replaced by another JSON value, or added."""
    doc = copy.deepcopy(answer)
    path, node = draw(st.sampled_from(list(_nodes(doc))))
    keys = list(node) if isinstance(node, dict) else list(range(len(node)))
    move = draw(st.sampled_from(["drop", "replace", "add"] if keys else ["add"]))
    if move == "add" and isinstance(node, dict):
        node[draw(st.text(max_size=12))] = draw(JSON_VALUES)
    elif move == "add":
        node.append(draw(JSON_VALUES))
    else:
        key = draw(st.sampled_from(keys))
        if move == "drop":
            del node[key]
        else:
            node[key] = draw(JSON_VALUES)
    return doc


@pytest.mark.parametrize("name", sorted(READERS))
@LENIENT
@given(data=st.data())
def test_a_changed_answer_is_read_or_refused_as_malformed(examples, name, data):
    doc = data.draw(mutated(examples[name]))
    try:
        READERS[name](doc)
    except MalformedAnswer:
        pass  # the client turns it into a PlatformError: the 502 page, never a 500


def _answer_with(fake, examples, answers: dict) -> tuple[str, str]:
    """Point the fake platform at the examples (``answers`` replaces some); (env id, domain)."""
    me, envs = answers.get("me", examples["me"]), answers.get("environments",
                                                               examples["environments"])
    org = examples["me"]["user"]["organization"]["id"]
    env = examples["environments"]["data"][0]["id"]
    apps = answers.get("applications", examples["applications"])
    fake.answers.update({
        ("GET", "/accounts/api/me"): response(200, me),
        ("GET", f"/accounts/api/organizations/{org}/environments"): response(200, envs),
        ("GET", "/cloudhub/api/v2/applications"): response(200, apps),
        ("GET", "/cloudhub/api/v2/applications/example-app"): response(
            200, answers.get("application", examples["application"])),
        ("GET", "/cloudhub/api/mule-versions"): response(
            200, answers.get("mule-versions", examples["mule-versions"])),
        ("GET", "/cloudhub/api/v2/applications/example-app/deployments"): response(
            200, answers.get("deployments", examples["deployments"])),
        ("GET", "/cloudhub/api/v2/applications/example-app/deployments/"
                "566f011be4b06b370949daff/logs"): response(
            200, answers.get("deployment-logs", examples["deployment-logs"])),
    })
    return env, "example-app"


def _pages(env: str, domain: str) -> list[str]:
    return ["/", "/deploy", f"/deploy?environment={env}", f"/deploy/{env}/applications.json",
            f"/deploy/{env}/{domain}", f"/deploy/{env}/{domain}/status.json",
            f"/deploy/{env}/{domain}/logs", f"/deploy/{env}/{domain}/logs.json", "/cicd/"]


def test_every_page_shows_the_example_answers(tmp_path, examples):
    app, fake = platform_app(tmp_path)
    client = signed_in_client(app)
    env, domain = _answer_with(fake, examples, {})
    shown = {path: client.get(path) for path in _pages(env, domain)}
    assert {path: page.status_code for path, page in shown.items()} == dict.fromkeys(shown, 200)
    assert "Mordue" in shown["/"].get_data(as_text=True)
    assert "Development" in shown[f"/deploy?environment={env}"].get_data(as_text=True)
    assert "example-app" in shown[f"/deploy/{env}/{domain}"].get_data(as_text=True)
    assert "3.8.2" in shown[f"/deploy?environment={env}"].get_data(as_text=True)
    assert "correlationId=&lt;not set&gt;" in shown[f"/deploy/{env}/{domain}/logs"].get_data(
        as_text=True)
    assert shown[f"/deploy/{env}/{domain}/logs.json"].get_json()["total"] == 3


PAGE_ANSWERS = ("me", "environments", "applications", "application", "mule-versions",
                "deployments", "deployment-logs")


@settings(LENIENT, max_examples=40)
@given(data=st.data())
def test_pages_never_fail_on_a_changed_answer(tmp_path_factory, examples, data):
    app, fake = platform_app(tmp_path_factory.mktemp("app"))
    client = signed_in_client(app)
    name = data.draw(st.sampled_from(PAGE_ANSWERS))
    env, domain = _answer_with(fake, examples, {name: data.draw(mutated(examples[name]))})
    for path in _pages(env, domain):
        status = client.get(path).status_code
        assert status < 500 or status == 502, (name, path, status)
