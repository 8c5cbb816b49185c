"""What CloudHub 1.0 offers that the app needs before asking it: worker sizes, regions, how many
workers, and the rules for an application's name. MuleSoft's published lists (reference §7.1);
the runtimes are not here, they come from the platform (mule-versions). The platform has the last
word on every value; a contract test holds these lists against the sandbox's.
"""

from __future__ import annotations

import re

#: (name as the API spells it, what it is), smallest first.
WORKER_SIZES = (
    ("Micro", "0.1 vCores · 500 MB"), ("Small", "0.2 vCores · 1 GB"),
    ("Medium", "1 vCore · 1.5 GB"), ("Large", "2 vCores · 3.5 GB"),
    ("xLarge", "4 vCores · 7.5 GB"), ("xxLarge", "8 vCores · 15 GB"),
    ("4xLarge", "16 vCores · 32 GB"),
)
REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "us-gov-west-1", "eu-central-1",
    "eu-west-1", "eu-west-2", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1",
    "ca-central-1", "sa-east-1",
)
DEFAULT_REGION = "us-east-1"
MAX_WORKERS = 8
NAME_MIN, NAME_MAX = 3, 42
_NAME = re.compile(r"[a-z][a-z0-9-]*")


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a CloudHub application name (it becomes <name>.cloudhub.io)."""
    if not name:
        return "Give the application a name."
    if not NAME_MIN <= len(name) <= NAME_MAX:
        return f"Use {NAME_MIN} to {NAME_MAX} characters."
    if not _NAME.fullmatch(name) or name.endswith("-"):
        return ("Use lowercase letters, digits and hyphens, starting with a letter and not "
                "ending with a hyphen.")
    return None


_WHOLE_NUMBER = re.compile(r"[0-9]{1,3}")  # ASCII digits only: "²".isdigit() is true


def workers_of(text: str) -> int | None:
    """``text`` as a number of workers (1 to MAX_WORKERS, ASCII digits), or None."""
    if not _WHOLE_NUMBER.fullmatch(text or ""):
        return None
    workers = int(text)
    return workers if 1 <= workers <= MAX_WORKERS else None
