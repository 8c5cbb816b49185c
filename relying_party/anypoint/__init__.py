"""The only code that talks HTTP to the provider and the platform, and what it answers with."""

