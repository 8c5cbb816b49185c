"""The app's CloudHub catalogue (what it offers before asking the platform) and the sandbox's
(what the platform accepts) are one catalogue: worker sizes, regions, how many workers, the
rules for an application's name, and the runtimes the pipeline page suggests."""

import pytest

from anypoint_sandbox.cloudhub import appinfo, domains, runtime
from relying_party.anypoint import catalogue
from relying_party.cicd.config import RUNTIMES

NAMES = ["hello-mule", "abc", "a" * 42, "a" * 43, "ab", "Hello", "hello_mule", "hello.mule",
         "-hello", "hello-", "1hello", "héllo", "hello mule", "h3ll0-w0rld", ""]


def test_worker_sizes_are_the_platforms_in_its_order():
    assert [name for name, _words in catalogue.WORKER_SIZES] == [
        kind.name for kind in runtime.WORKER_TYPES]


def test_every_worker_size_says_the_platforms_vcores_and_memory():
    for (name, words), kind in zip(catalogue.WORKER_SIZES, runtime.WORKER_TYPES, strict=True):
        vcores, memory = (part.strip() for part in words.split("·"))
        assert vcores == kind.cpu, name
        assert memory == kind.memory.removesuffix(" memory"), name


def test_regions_and_the_default_region_are_the_platforms():
    assert catalogue.REGIONS == runtime.REGIONS
    assert catalogue.DEFAULT_REGION == runtime.DEFAULT_REGION


def test_the_number_of_workers_is_the_platforms():
    assert catalogue.MAX_WORKERS == appinfo.MAX_WORKERS and appinfo.MIN_WORKERS == 1


@pytest.mark.parametrize("name", NAMES)
def test_an_application_name_is_refused_by_the_app_exactly_when_the_platform_refuses_it(name):
    assert (catalogue.name_problem(name) is None) == (domains.validate_domain(name) is None)
    assert (catalogue.NAME_MIN, catalogue.NAME_MAX) == (domains.MIN_LENGTH, domains.MAX_LENGTH)


def test_the_suggested_runtimes_are_offered_by_the_platform():
    assert list(RUNTIMES) == [offered.version for offered in runtime.MULE_RUNTIMES]
