"""Rendered parts of pages, kept by what they show: a part whose every input is in its key is
rendered once and served again while the key stays the same (a decoded ID token, say, until a
refresh brings another or a time on it reads differently: "in 59 min" becomes "in 58 min").

Per process, at most :data:`LIMIT` parts, the least recently used going first. A key holds
what the part shows; keys and parts live only in this process's memory, never in the store.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app, get_template_attribute, request
from markupsafe import Markup

LIMIT = 512


class Fragments:
    def __init__(self, limit: int = LIMIT):
        self.limit = limit
        self._parts: OrderedDict[Hashable, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, render: Callable[[], str]) -> Markup:
        """The part kept under ``key``, or ``render()`` kept under it."""
        with self._lock:
            part = self._parts.get(key)
            if part is not None:
                self._parts.move_to_end(key)
                return part
        part = Markup(render())  # outside the lock: two threads may both render it, once each
        with self._lock:
            self._parts[key] = part
            while len(self._parts) > self.limit:
                self._parts.popitem(last=False)
        return part


def fragment(template: str, macro: str, key: tuple, arguments: Callable[[], tuple]) -> Markup:
    """``macro`` of ``template`` called with ``arguments()``, kept for this app under the
    macro, ``key`` (everything the part shows that its arguments hold) and the request's
    script root (parts hold links). The arguments are worked out only when it is rendered."""
    return current_app.extensions["fragments"].get(
        (request.script_root, template, macro, *key),
        lambda: get_template_attribute(template, macro)(*arguments()))


def init_app(app) -> None:
    app.extensions["fragments"] = Fragments()
