"""Storage: creating the tables creates every table, whatever the caller imported first."""

import subprocess
import sys

CREATE_ONLY = """
from sqlalchemy import inspect
from anypoint_sandbox.storage import Storage
storage = Storage("sqlite:///{path}")
storage.create_tables()
print(" ".join(sorted(inspect(storage.engine).get_table_names())))
"""

EVERY_TABLE = ("allowlist_entries audit_entries authorization_codes authorization_policies "
               "cloudhub_applications cloudhub_deployments connected_app_scopes connected_apps "
               "consents environments failure_counts organization_ownerships "
               "organization_preferences organizations pending_authorizations settings "
               "signing_keys tokens user_rights users")


def test_creating_the_tables_in_a_fresh_process_creates_every_table(tmp_path):
    done = subprocess.run([sys.executable, "-c", CREATE_ONLY.format(path=tmp_path / "s.db")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == EVERY_TABLE.split()


def test_the_database_folder_is_made_when_the_database_is_first_opened(tmp_path):
    done = subprocess.run([sys.executable, "-c", CREATE_ONLY.format(
        path=tmp_path / "new" / "folder" / "s.db")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "new" / "folder" / "s.db").is_file()
