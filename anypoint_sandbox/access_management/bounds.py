"""How big and how well-formed what a request sends about a connected app may be: URLs that
parse as absolute http(s) URLs, bounded lengths and list sizes, and values quoted in messages
cut short, so that nothing unbounded is stored or echoed."""

from urllib.parse import urlsplit

#: Bounds on what one app may hold, so that nothing a request sends is stored unbounded.
MAX_URL_LENGTH = 2000
MAX_ITEMS = {"grant_types": 10, "redirect_uris": 100, "scopes": 1000}
MAX_ITEM_LENGTH = {"grant_types": 100, "redirect_uris": MAX_URL_LENGTH, "scopes": 200}


def shown(value, most: int = 60) -> str:
    """``value`` as a message may quote it: at most ``most`` characters, then "…"."""
    text = str(value)
    return text if len(text) <= most else text[:most] + "…"


def url_problem(value: str) -> str | None:
    """What keeps ``value`` from being an absolute http(s) URL without a fragment, of at most
    MAX_URL_LENGTH characters, in words ("is not …"); None when it is one."""
    if len(value) > MAX_URL_LENGTH:
        return f"can be at most {MAX_URL_LENGTH} characters; this one has {len(value)}"
    if any(char.isspace() or not char.isprintable() for char in value):
        return f"'{shown(value)}' contains spaces or control characters"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not one
    except ValueError:
        return f"'{shown(value)}' is not a URL that can be read (check the host and the port)"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"'{shown(value)}' is not an http or https URL with a host"
    if parts.fragment or value.endswith("#"):
        return f"'{shown(value)}' has a #fragment, which a redirect URI cannot have"
    return None
