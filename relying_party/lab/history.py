"""The revocation lab's probe history: observations, what changed between two, newest first.

Pure functions, no Flask. An observation is a JSON-able dict::

    {"at": 1700000000.0, "after": "revoked_refresh", "grant": "fp:1a2b3c4d", "ended": False,
     "facts": [{"key": "api", "label": "access token on API", "value": "200", "ok": True,
                "detail": "GET /accounts/api/me"}, ...],
     "changes": ["access token on API: 200 → 401", ...]}

``facts`` say only what was observed. ``changes`` is filled by :func:`push` by comparing each
fact's ``value`` with the previous (older) observation's.
"""

from __future__ import annotations

from .. import clock

HISTORY_LIMIT = 25
HELD = "held_"  # facts naming the tokens probed (fingerprints), not an answer

#: What preceded a probe. Keys come from the lab's forms; free text is never recorded.
AFTER = {
    "": None,
    "revoked_access": "revoked the access token (from this app)",
    "revoked_refresh": "revoked the refresh token (from this app)",
    "revoked_both": "revoked both tokens (from this app)",
    "profile": "you revoked the app under your profile (as you said)",
    "admin": "an org admin revoked the app for everyone (as you said)",
    "password": "you changed your password (as you said)",
    "expiry": "you waited for the access token to expire (as you said)",
    "detected": "Delegated access found the access token rejected",
}


def fact(key: str, label: str, value: str, ok: bool | None, detail: str = "") -> dict:
    """One observed fact: ``ok`` True (works), False (refused) or None (neutral, e.g. a token)."""
    return {"key": key, "label": label, "value": value, "ok": ok, "detail": detail}


def observation(facts: list[dict], *, after: str = "", grant: str = "", ended: bool = False,
                at: float | None = None) -> dict:
    """A new observation; raises ``ValueError`` for an ``after`` not in :data:`AFTER`."""
    if after not in AFTER:
        raise ValueError(f"unknown preceding action {after!r}")
    return {"at": clock.now() if at is None else at, "after": after or None, "grant": grant,
            "ended": ended, "facts": list(facts), "changes": []}


def after_label(key: str | None) -> str | None:
    """The words for an observation's ``after`` key (``None`` for a plain probe)."""
    return AFTER.get(key or "")


def diff(previous: dict | None, current: dict) -> list[str]:
    """What changed from ``previous`` to ``current``, as ``"label: old → new"`` lines.

    A fact present on one side only shows as ``—`` on the other. A different ``grant`` (a new
    sign-in) is said first, so changed fingerprints are not mistaken for a refresh.
    """
    if previous is None:
        return []
    changes = []
    if previous.get("grant") != current.get("grant"):
        changes.append("new sign-in: a new delegation since the previous probe")
    before = {f["key"]: f for f in previous.get("facts", [])}
    now = {f["key"]: f for f in current.get("facts", [])}
    keys = list(dict.fromkeys([*now, *before]))
    # Answers first, then which tokens were probed (a rotation is context, not a result).
    for key in sorted(keys, key=lambda k: k.startswith(HELD)):
        old, new = before.get(key), now.get(key)
        old_value = old["value"] if old else "—"
        new_value = new["value"] if new else "—"
        if old_value != new_value:
            label = (new or old)["label"]
            changes.append(f"{label}: {old_value} → {new_value}")
    return changes


def push(history: list[dict] | None, current: dict, limit: int = HISTORY_LIMIT) -> list[dict]:
    """``current`` with its ``changes`` against the newest entry, prepended; capped at ``limit``."""
    history = list(history or [])
    entry = {**current, "changes": diff(history[0] if history else None, current)}
    return [entry, *history][:limit]


def fact_value(entry: dict, key: str) -> str | None:
    """The value of fact ``key`` in an observation, or ``None`` when it was not observed."""
    return next((f["value"] for f in entry.get("facts", []) if f["key"] == key), None)
