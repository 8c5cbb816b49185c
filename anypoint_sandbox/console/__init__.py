"""The console pages, signed in with the sandbox's own session."""

