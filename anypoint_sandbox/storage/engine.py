"""Storage for one sandbox app: a SQLAlchemy engine and a scoped session, created per app.

``init_app(app)`` builds both from ``SANDBOX_DATABASE_URL``, creates the tables, and removes the
request's session at teardown. Views and the Authlib wiring call ``session()`` to get the session of
the current app; nothing is created at import time.
"""

import pathlib

from flask import Flask, current_app
from sqlalchemy import Connection, create_engine, event, make_url, text
from sqlalchemy.orm import Session, scoped_session, sessionmaker
from werkzeug.exceptions import BadRequest

# Every table module, so that the metadata is complete whatever the caller imported first.
from . import accounts, apps, cloudhub, cloudhub_deployments, grants, platform, profiles  # noqa: F401
from .base import Base


class Storage:
    """The engine and scoped session of one app (kept in ``app.extensions["sandbox_storage"]``)."""

    def __init__(self, url: str):
        url = engine_url(url)
        is_sqlite = url.startswith("sqlite")
        database = make_url(url).database if is_sqlite else None
        if database and database != ":memory:":
            pathlib.Path(database).parent.mkdir(parents=True, exist_ok=True)
        if is_sqlite:
            options = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        else:  # a connection the database server dropped is noticed before it is used
            options = {"pool_pre_ping": True}
        self.engine = create_engine(url, **options)
        if is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            event.listen(self.engine, "handle_error", _nul_is_bad_input)
        self.sessions = scoped_session(sessionmaker(bind=self.engine, expire_on_commit=False))

    def create_tables(self) -> None:
        """Create the missing tables. On PostgreSQL, under a lock held to the commit: two
        processes started at once on one database would otherwise both create them."""
        with self.engine.begin() as connection:
            serialized(connection, "create tables")
            Base.metadata.create_all(connection)

    def dispose(self) -> None:
        """Close every connection (tests call it before deleting the database file)."""
        self.sessions.remove()
        self.engine.dispose()


def serialized(connection: Connection | Session, what: str) -> None:
    """Wait until no other transaction that asked to do ``what`` runs, and hold that until this
    transaction ends (PostgreSQL's advisory transaction lock). SQLite, whose writes are one at a
    time anyway, has no such lock and need not wait."""
    bind = connection if isinstance(connection, Connection) else connection.get_bind()
    if bind.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:what))"),
                           {"what": f"anypoint_sandbox {what}"})


def engine_url(url: str) -> str:
    """``url`` with its driver: ``postgresql://`` means psycopg (version 3, a dependency), not
    SQLAlchemy's default psycopg2."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url.removeprefix(plain)
    return url


def _nul_is_bad_input(context) -> None:
    """PostgreSQL's text holds no NUL character (SQLite's does): a value with one that reaches
    the database is bad input, answered 400 in plain words, not a server error."""
    if "NUL (0x00)" in str(context.original_exception):
        raise BadRequest("Text may not contain the NUL character (0x00).")


def _sqlite_pragmas(connection, _record) -> None:
    # WAL lets the threaded server read while a CLI command (seed, rotate-keys) writes.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def init_app(app: Flask) -> Storage:
    """Create the app's storage and tables; remove the scoped session after each request."""
    storage = Storage(app.config["SANDBOX_DATABASE_URL"])
    storage.create_tables()
    app.extensions["sandbox_storage"] = storage

    @app.teardown_appcontext
    def remove_session(_exception=None):
        storage.sessions.remove()

    return storage


def session() -> Session:
    """The current app's SQLAlchemy session (one per thread, removed at app-context teardown)."""
    return current_app.extensions["sandbox_storage"].sessions()
