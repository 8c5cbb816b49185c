"""Storage for one sandbox app: a SQLAlchemy engine and a scoped session, created per app.

``init_app(app)`` builds both from ``SANDBOX_DATABASE_URL``, creates the tables, and removes the
request's session at teardown. Views and the Authlib wiring call ``session()`` to get the session of
the current app; nothing is created at import time.
"""

import pathlib

from flask import Flask, current_app
from sqlalchemy import create_engine, event, make_url
from sqlalchemy.orm import Session, scoped_session, sessionmaker

# Every table module, so that the metadata is complete whatever the caller imported first.
from . import accounts, apps, cloudhub, cloudhub_deployments, grants, platform, profiles, throttle  # noqa: F401
from .base import Base


class Storage:
    """The engine and scoped session of one app (kept in ``app.extensions["sandbox_storage"]``)."""

    def __init__(self, url: str):
        is_sqlite = url.startswith("sqlite")
        database = make_url(url).database if is_sqlite else None
        if database and database != ":memory:":
            pathlib.Path(database).parent.mkdir(parents=True, exist_ok=True)
        options = {"connect_args": {"check_same_thread": False, "timeout": 30}} if is_sqlite else {}
        self.engine = create_engine(url, **options)
        if is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = scoped_session(sessionmaker(bind=self.engine, expire_on_commit=False))

    def create_tables(self) -> None:

        Base.metadata.create_all(self.engine)

    def dispose(self) -> None:
        """Close every connection (tests call it before deleting the database file)."""
        self.sessions.remove()
        self.engine.dispose()


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
