"""An ``applicationSource`` of a JSON deploy: a Mule application published in Exchange."""

from dataclasses import dataclass

from .appinfo import InvalidAppInfo

MAX_COORDINATE = 255


@dataclass(frozen=True)
class ExchangeAsset:
    group_id: str
    artifact_id: str
    version: str

    @property
    def file_name(self) -> str:
        return f"{self.artifact_id}-{self.version}-mule-application.jar"


def parse_source(source) -> ExchangeAsset:
    """The Exchange coordinates of ``applicationSource``; InvalidAppInfo in plain words for
    anything else (a ``SANDBOX`` source names a file CloudHub stored earlier, which the sandbox
    never has: it keeps only applications' own JARs)."""
    if not isinstance(source, dict):
        raise InvalidAppInfo("applicationSource must be a JSON object naming an Exchange asset "
                             '({"source": "EXCHANGE", "groupId", "artifactId", "version"}).')
    kind = source.get("source")
    if kind == "SANDBOX":
        raise InvalidAppInfo("The sandbox keeps no files apart from applications' JARs; deploy "
                             "the JAR as multipart/form-data, or name an Exchange asset.")
    if kind != "EXCHANGE":
        raise InvalidAppInfo("applicationSource.source must be EXCHANGE or SANDBOX.")
    coordinates = []
    for key in ("groupId", "artifactId", "version"):
        value = source.get(key)
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_COORDINATE:
            raise InvalidAppInfo(f"applicationSource.{key} must be text of 1 to "
                                 f"{MAX_COORDINATE} characters.")
        coordinates.append(value.strip())
    return ExchangeAsset(*coordinates)
