"""The runtime catalogue, worker types, regions and version comparison."""

import pytest

from anypoint_sandbox.cloudhub import runtime


@pytest.mark.parametrize(
    ("available", "required", "expected"),
    [
        ("4.4.0", "4.4.0", True),
        ("4.6.0", "4.4.0", True),
        ("4.10.0", "4.9.0", True),  # numeric, not text, comparison
        ("4.4.0", "4.4.1", False),
        ("4.4.0", "4.9.0", False),
        ("5.0.0", "4.9.9", True),
        ("4.4.0", "4.4.0-20230320", True),  # a build qualifier is ignored
    ],
)
def test_version_at_least(available, required, expected):
    assert runtime.version_at_least(available, required) is expected


@pytest.mark.parametrize("bad", ["4.4", "4.x.0", "v4.4.0", "", " 4.4.0", None, 4.4])
def test_malformed_versions_raise(bad):
    with pytest.raises(ValueError):
        runtime.version_at_least("4.4.0", bad)


def test_catalogue_offers_the_expected_lines_newest_first():
    versions = [entry.version for entry in runtime.MULE_RUNTIMES]
    assert versions == ["4.9.0", "4.8.0", "4.6.0", "4.4.0"]
    assert [entry.recommended for entry in runtime.MULE_RUNTIMES] == [True, False, False, False]


def test_catalogue_items_have_the_mule_versions_shape():
    item = runtime.find_runtime("4.6.0").as_json()
    assert item["version"] == "4.6.0"
    assert item["state"] == "ACTIVE"
    assert item["recommended"] is False
    assert item["releaseChannel"] == "LTS"
    assert isinstance(item["endOfSupportDate"], int)  # epoch milliseconds
    assert runtime.find_runtime("3.9.0") is None


def test_worker_types_grow_with_weight():
    micro = runtime.find_worker_type("MICRO")
    assert micro.as_json() == {
        "name": "Micro",
        "weight": 0.1,
        "cpu": "0.1 vCores",
        "memory": "500 MB memory",
    }
    weights = [kind.weight for kind in runtime.WORKER_TYPES]
    assert weights == sorted(weights) == [0.1, 0.2, 1, 2, 4, 8, 16]
    assert runtime.find_worker_type(runtime.DEFAULT_WORKER_TYPE) is micro
    assert runtime.find_worker_type("Huge") is None


def test_regions():
    assert len(runtime.REGIONS) == len(set(runtime.REGIONS)) == 13
    assert runtime.DEFAULT_REGION == "us-east-1" == runtime.REGIONS[0]
    assert "eu-central-1" in runtime.REGIONS


def test_runtime_mismatch_names_both_versions():
    assert runtime.runtime_mismatch("4.4.0", "4.6.0") is None
    reason = runtime.runtime_mismatch("4.9.0", "4.4.0")
    assert "4.9.0 or newer" in reason
    assert "deployed to 4.4.0" in reason
