"""Fixtures every layer shares: the browser, Redis, the clock, a folder for screenshots,
hello-mule's JAR with its builder, and the labs (the app beside the fake OP, the sandbox, fast
CloudHub). Registered for the whole suite by tests/conftest.py."""

import os
import pathlib
import uuid

import pytest
import redis

from tests.support.clock import clock  # noqa: F401 - the sandbox's and the app's clock
from tests.support.jars import load_builder
from tests.support.labs import DeployLab, Lab, LabOnSandbox
from tests.support.tools import CHROMIUM, CHROMIUM_ARGS, missing, redis_reachable

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output"


@pytest.fixture(scope="session")
def screenshots() -> pathlib.Path:
    """Where browser tests save the screenshots a person looks at before an issue is resolved."""
    folder = OUTPUT / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not os.path.exists(CHROMIUM):
        missing("Chromium", f"{CHROMIUM} not found (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # pragma: no cover - the dev extra installs it
        missing("Playwright", str(error))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    """A fresh browser context (own cookies) and page per test."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The machine's Redis, shared with other programs: tests keep to their own key prefix."""
    if not redis_reachable():
        missing("Redis", "nothing answers PING at 127.0.0.1:6379")
    return "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_prefix(redis_url) -> str:
    """A key prefix of this test's own; its keys (and only they) are deleted afterwards."""
    prefix = f"cal-test-{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=prefix + "*", count=500):
        client.delete(key)
    client.close()


@pytest.fixture(scope="session")
def jar_builder():
    """samples/hello-mule/build_jar.py: ``jar_builder.build(path, ...)`` makes a JAR."""
    return load_builder()


@pytest.fixture(scope="session")
def sample_jar(jar_builder, tmp_path_factory):
    """hello-mule's deployable JAR (a few kB, minMuleVersion 4.4.0), built once per session."""
    folder = tmp_path_factory.mktemp("jars")
    return jar_builder.build(folder / "hello-mule-1.0.0-mule-application.jar")


@pytest.fixture
def lab(tmp_path):
    """``lab(**settings)`` → a :class:`Lab`: the app against the fake OP (several per test)."""
    labs = []

    def make(**extra) -> Lab:
        instance = Lab(tmp_path / f"lab{len(labs)}", **extra)
        labs.append(instance)
        return instance

    yield make
    for instance in labs:
        instance.stop()


@pytest.fixture
def sandbox_lab(tmp_path):
    """The app as the real sandbox's "Connected App Lab" (signs in as the admin)."""
    instance = LabOnSandbox(tmp_path)
    yield instance
    instance.stop()


@pytest.fixture
def deploy_lab(tmp_path):
    """The sandbox with CloudHub deploys of 0.3 s and the app (signs in as the developer)."""
    instance = DeployLab(tmp_path)
    yield instance
    instance.stop()
