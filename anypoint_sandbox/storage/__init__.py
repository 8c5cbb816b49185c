"""The sandbox's tables and its SQLAlchemy engine and session."""

