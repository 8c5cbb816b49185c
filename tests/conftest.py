"""The suite's shared fixtures live in tests/support/fixtures.py; test folders' conftests add
only their own, and every helper comes from tests/support."""

pytest_plugins = ["tests.support.fixtures", "tests.support.databases"]
