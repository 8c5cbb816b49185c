"""The revocation lab reuses the relying party's fixtures: ``lab`` (fake OP) and ``sandbox_lab``."""

from tests.rp.conftest import lab, sandbox_lab  # noqa: F401
