"""PostgreSQL databases of a test's own, on the machine's PostgreSQL (127.0.0.1:5432, trust auth),
which other programs share: every database made here is named ``cal_<pid>_<random>``, made from a
connection to the ``test`` database, and only databases made here are dropped.

    name = create_database()                 # or create_database(template="cal_…")
    url = database_url(name)                 # postgresql://postgres@127.0.0.1:5432/cal_…
    drop_database(name)

Tests that need PostgreSQL call :func:`require` first: it skips on a laptop without PostgreSQL and
fails loudly under CI=true.
"""

import os
import secrets

import psycopg
from psycopg import sql

from tests.support.tools import missing

HOST, PORT, USER = "127.0.0.1", 5432, "postgres"
ADMIN_DATABASE = "test"


def database_url(name: str) -> str:
    """The sandbox's SANDBOX_DATABASE_URL for the database ``name``."""
    return f"postgresql://{USER}@{HOST}:{PORT}/{name}"


def _admin() -> psycopg.Connection:
    return psycopg.connect(host=HOST, port=PORT, user=USER, dbname=ADMIN_DATABASE,
                           autocommit=True, connect_timeout=3)


def reachable() -> bool:
    try:
        with _admin() as connection:
            connection.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def require() -> None:
    """Skip (outside CI) or fail (CI=true) when PostgreSQL does not answer."""
    if not reachable():
        missing("PostgreSQL", f"nothing accepts {USER}@{HOST}:{PORT}/{ADMIN_DATABASE}")


def new_name(kind: str = "") -> str:
    return f"cal_{os.getpid()}_{kind}{secrets.token_hex(5)}"


def create_database(template: str | None = None, name: str | None = None) -> str:
    """Create a database of this process's own (a copy of ``template`` when given); its name."""
    name = name or new_name()
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with _admin() as connection:
        connection.execute(statement)
    return name


def drop_database(name: str) -> None:
    """Drop ``name`` (one made by :func:`create_database`), ending whatever is still connected."""
    if not name.startswith("cal_"):
        raise ValueError(f"not a database of the tests' own: {name!r}")
    with _admin() as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                           .format(sql.Identifier(name)))
