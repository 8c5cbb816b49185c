"""What the sandbox's CloudHub offers: Mule runtime versions, worker types and regions.

Shapes follow the CloudHub API (`GET /cloudhub/api/mule-versions` items, `workers.type` in an
application). Worker sizes and regions are MuleSoft's published list (reference §7.1). The runtime
catalogue is the sandbox's choice: real version lines, but the support dates are illustrative, not
MuleSoft's published dates. Versions compare on MAJOR.MINOR.PATCH; a `-qualifier` is ignored.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

VERSION_PATTERN = re.compile(r"(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.]+)?")


def _epoch_ms(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp() * 1000)


@dataclass(frozen=True)
class MuleRuntime:
    """One entry of the mule-versions catalogue."""

    version: str
    release_channel: str  # EDGE, LTS or NONE, as the API's releaseChannel
    java_version: str
    recommended: bool
    end_of_support: str  # ISO date
    latest_patch: str  # ISO date of the latest patch (its release, and `updateVersion`)
    state: str = "ACTIVE"

    @property
    def update_id(self) -> str:
        """The latest patch's id (`latestUpdate.id`; an application's `muleVersion.updateId`),
        24 hex digits as CloudHub's, stable for a version and patch date."""
        return hashlib.sha256(f"{self.version}/{self.latest_patch}".encode()).hexdigest()[:24]

    @property
    def update_version(self) -> str:
        """The patch as an application's `muleVersion.updateVersion` names it (DD-MM-YYYY)."""
        year, month, day = self.latest_patch.split("-")
        return f"{day}-{month}-{year}"

    def dates(self) -> dict:
        """End of standard support, and end of life a year later (epoch ms)."""
        support = _epoch_ms(self.end_of_support)
        return {"endOfSupportDate": support, "endOfLifeDate": support + 365 * 24 * 3600 * 1000}

    def as_json(self) -> dict:
        """The item as `GET /cloudhub/api/mule-versions` lists it."""
        return {
            "version": self.version,
            "displayName": self.version,
            "state": self.state,
            "recommended": self.recommended,
            "releaseChannel": self.release_channel,
            "javaVersion": self.java_version,
            **self.dates(),
            "latestUpdate": {"id": self.update_id, "name": f"{self.version} patch "
                             f"{self.update_version}", "releaseDate": _epoch_ms(self.latest_patch),
                             "flags": dict(PATCH_FLAGS)},
            "default": self.recommended,
        }


#: What every offered patch supports (CloudHub's `latestUpdate.flags`).
PATCH_FLAGS = {"performLog4jReplacement": False, "skipMMCPairing": True, "log4j1Used": False,
               "usingMuleAgent": True, "vpnSupported": True, "monitoringSupported": True,
               "objectStoreV1": False, "loggingNgSupported": True, "diagnosticsSupported": True,
               "persistentQueuesSupported": True}


@dataclass(frozen=True)
class WorkerType:
    """A CloudHub 1.0 worker size, as `workers.type` in an application."""

    name: str
    weight: float
    cpu: str
    memory: str

    def as_json(self) -> dict:
        return {"name": self.name, "weight": self.weight, "cpu": self.cpu, "memory": self.memory}


# Newest first: the API returns the most recent recommended version first, the oldest last.
MULE_RUNTIMES = (
    MuleRuntime("4.9.0", "LTS", "17", recommended=True, end_of_support="2026-02-28",
                latest_patch="2025-05-06"),
    MuleRuntime("4.8.0", "EDGE", "17", recommended=False, end_of_support="2025-06-30",
                latest_patch="2025-01-14"),
    MuleRuntime("4.6.0", "LTS", "17", recommended=False, end_of_support="2025-08-31",
                latest_patch="2025-04-01"),
    MuleRuntime("4.4.0", "NONE", "8", recommended=False, end_of_support="2025-06-30",
                latest_patch="2024-10-01"),
)

WORKER_TYPES = (
    WorkerType("Micro", 0.1, "0.1 vCores", "500 MB memory"),
    WorkerType("Small", 0.2, "0.2 vCores", "1 GB memory"),
    WorkerType("Medium", 1, "1 vCore", "1.5 GB memory"),
    WorkerType("Large", 2, "2 vCores", "3.5 GB memory"),
    WorkerType("xLarge", 4, "4 vCores", "7.5 GB memory"),
    WorkerType("xxLarge", 8, "8 vCores", "15 GB memory"),
    WorkerType("4xLarge", 16, "16 vCores", "32 GB memory"),
)
DEFAULT_WORKER_TYPE = "Micro"

REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "us-gov-west-1", "eu-central-1",
    "eu-west-1", "eu-west-2", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1",
    "ca-central-1", "sa-east-1",
)  # fmt: skip
DEFAULT_REGION = "us-east-1"
REGION_NAMES = {
    "us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)", "us-west-2": "US West (Oregon)",
    "us-gov-west-1": "AWS GovCloud (US-West)", "eu-central-1": "EU (Frankfurt)",
    "eu-west-1": "EU (Ireland)", "eu-west-2": "EU (London)",
    "ap-southeast-1": "Asia Pacific (Singapore)", "ap-southeast-2": "Asia Pacific (Sydney)",
    "ap-northeast-1": "Asia Pacific (Tokyo)", "ca-central-1": "Canada (Central)",
    "sa-east-1": "South America (Sao Paulo)",
}


def parse_version(text: str) -> tuple[int, int, int]:
    """(major, minor, patch) of a version like '4.4.0' or '4.4.0-20230320'; ValueError otherwise."""
    match = VERSION_PATTERN.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not a Mule version like 4.4.0")
    return int(match[1]), int(match[2]), int(match[3])


def version_at_least(available: str, required: str) -> bool:
    """True when runtime `available` is `required` or newer. ValueError if either is malformed."""
    return parse_version(available) >= parse_version(required)


def find_runtime(version: str) -> MuleRuntime | None:
    """The catalogue entry for exactly `version`, or None when the sandbox does not offer it."""
    return next((runtime for runtime in MULE_RUNTIMES if runtime.version == version), None)


def find_worker_type(name: str) -> WorkerType | None:
    """The worker type called `name`, case-insensitively ('MICRO' as the Maven plugin writes it)."""
    wanted = name.lower() if isinstance(name, str) else None
    return next((kind for kind in WORKER_TYPES if kind.name.lower() == wanted), None)


def runtime_mismatch(min_mule_version: str, runtime_version: str) -> str | None:
    """Why an app needing `min_mule_version` cannot start on `runtime_version`, or None if it can.

    The words are the DEPLOY_FAILED reason shown to the user.
    """
    if version_at_least(runtime_version, min_mule_version):
        return None
    return (
        f"The application needs Mule runtime {min_mule_version} or newer "
        f"(minMuleVersion in mule-artifact.json), but it was deployed to {runtime_version}."
    )
