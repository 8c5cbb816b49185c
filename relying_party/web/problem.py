"""A failure explained to the user, raised by views and turned into a page by ``web.errors``."""

from __future__ import annotations


class Problem(Exception):
    """A failure explained to the user: ``status`` (4xx/5xx), ``title``, ``message``, ``code``."""

    def __init__(self, status: int, title: str, message: str, code: str = "error",
                 action: tuple[str, str] | None = None):
        super().__init__(message)
        self.status, self.title, self.message, self.code = status, title, message, code
        self.action = action
