"""CloudHub 1.0 application names ("domains"), which become `<domain>.cloudhub.io`.

MuleSoft's documentation says a name has 3 to 42 characters, letters, digits and dashes only; the
CloudHub OpenAPI states no pattern (the domain check answers 400 "Domain name is invalid"). As the
name is a DNS label, and to keep uniqueness unambiguous, the sandbox also requires: lowercase only,
a letter first, and no dash last. Uniqueness itself is the caller's check against its store.
"""

import re

MIN_LENGTH = 3
MAX_LENGTH = 42
CLOUDHUB_SUFFIX = "cloudhub.io"
_ALLOWED = re.compile(r"[a-z0-9-]*")


def validate_domain(name: str) -> str | None:
    """The first problem with `name` as a CloudHub application name, in plain words, or None."""
    if not isinstance(name, str) or not name:
        return "Give the application a name."
    if len(name) < MIN_LENGTH:
        return f"The application name must have at least {MIN_LENGTH} characters."
    if len(name) > MAX_LENGTH:
        return f"The application name must have at most {MAX_LENGTH} characters."
    if name != name.lower() and _ALLOWED.fullmatch(name.lower()):
        return "The application name must be lowercase."
    if not _ALLOWED.fullmatch(name):
        return (
            "The application name may contain only lowercase letters, digits and hyphens "
            "(no spaces, dots or underscores)."
        )
    if not name[0].isalpha():
        return "The application name must start with a letter."
    if name.endswith("-"):
        return "The application name must not end with a hyphen."
    return None


def full_domain(name: str) -> str:
    """The public host name of an application, e.g. 'hello-mule.cloudhub.io'."""
    return f"{name}.{CLOUDHUB_SUFFIX}"
