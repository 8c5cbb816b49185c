"""Storage: creating the tables creates every table, whatever the caller imported first, on
SQLite and on PostgreSQL; processes started at once on one new PostgreSQL database create the
tables, the secret key and the first signing key once between them."""

import json
import subprocess
import sys

import pytest

from tests.support import postgres

CREATE_ONLY = """
from sqlalchemy import inspect
from anypoint_sandbox.storage import Storage
storage = Storage("{url}")
storage.create_tables()
print(" ".join(sorted(inspect(storage.engine).get_table_names())))
"""

EVERY_TABLE = ("allowlist_entries audit_entries authorization_codes authorization_policies "
               "cloudhub_applications cloudhub_deployments connected_app_scopes connected_apps "
               "consents environments organization_ownerships organization_preferences "
               "organizations pending_authorizations settings signing_keys tokens user_rights "
               "users")

START = """
import json
from anypoint_sandbox import create_app
from anypoint_sandbox.oauth import keys
from anypoint_sandbox.storage import session
app = create_app({{"SANDBOX_DATABASE_URL": "{url}"}})
with app.app_context():
    print(json.dumps([app.secret_key, keys.jwks(session(), 60)]))
"""


@pytest.fixture
def empty_postgres():
    """The URL of an empty PostgreSQL database of this test's own."""
    postgres.require()
    name = postgres.create_database()
    yield postgres.database_url(name)
    postgres.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 's.db'}"
    return request.getfixturevalue("empty_postgres")


def test_creating_the_tables_in_a_fresh_process_creates_every_table(empty_database):
    done = subprocess.run([sys.executable, "-c", CREATE_ONLY.format(url=empty_database)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == EVERY_TABLE.split()


def test_the_database_folder_is_made_when_the_database_is_first_opened(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'folder' / 's.db'}"
    done = subprocess.run([sys.executable, "-c", CREATE_ONLY.format(url=url)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "new" / "folder" / "s.db").is_file()


def test_processes_started_at_once_on_one_postgres_database_share_what_they_make(
        empty_postgres, tmp_path):
    starts = [subprocess.Popen([sys.executable, "-c", START.format(url=empty_postgres)],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True) for _ in range(2)]
    answers = [start.communicate(timeout=120) for start in starts]
    for start, (_out, err) in zip(starts, answers, strict=True):
        assert start.returncode == 0, err
    said = {out for out, _err in answers}
    assert len(said) == 1  # one secret key and one JWKS between them
    assert len(json.loads(said.pop())[1]["keys"]) == 1
