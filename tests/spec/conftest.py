"""The specs, loaded once per test process (parsing access-management.yaml takes a second;
its parse is cached as JSON in pytest's cache folder)."""

import pathlib

import pytest

from tests.support.specs import load_specs


@pytest.fixture(scope="session")
def anypoint_specs(pytestconfig):
    """MuleSoft's three specs by name (skips, or fails under CI=true, when they are absent)."""
    cache = getattr(pytestconfig, "cache", None)  # absent with -p no:cacheprovider
    return load_specs(pathlib.Path(cache.mkdir("anypoint-specs")) if cache else None)
