"""The sandbox's tests on SQLite and on PostgreSQL: a conftest names the test modules that run
on both (the others run on SQLite only, to keep the suite's time) and calls :func:`on_both` from
its ``pytest_generate_tests``; the ``db_kind`` and ``database`` fixtures are registered for the
whole suite by tests/conftest.py."""

import pytest

from tests.support.sandbox import own_database


def on_both(metafunc, modules: set[str]) -> None:
    """Run the tests of ``modules`` (by module name) that use ``db_kind`` on both databases."""
    if "db_kind" in metafunc.fixturenames and \
            metafunc.module.__name__.rsplit(".", 1)[-1] in modules:
        metafunc.parametrize("db_kind", ["sqlite", "postgresql"])


@pytest.fixture
def db_kind() -> str:
    """The database the sandbox runs on; the modules :func:`on_both` names run on both."""
    return "sqlite"


@pytest.fixture
def database(tmp_path, db_kind) -> tuple:
    """This test's copy of the seeded database: (SQLite path or PostgreSQL URL, the seed)."""
    with own_database(db_kind, tmp_path) as pair:
        yield pair
