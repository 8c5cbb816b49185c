"""Shared test machinery: servers on threads, and the rules for tests that need a tool."""
