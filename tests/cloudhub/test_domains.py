"""CloudHub application names."""

import pytest

from anypoint_sandbox.cloudhub.domains import MAX_LENGTH, MIN_LENGTH, full_domain, validate_domain


@pytest.mark.parametrize("name", ["abc", "hello-mule", "a1-2b", "app-2024", "x" * 42, "a--b"])
def test_valid_names(name):
    assert validate_domain(name) is None


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "Give the application a name."),
        (None, "Give the application a name."),
        ("ab", "The application name must have at least 3 characters."),
        ("a" * 43, "The application name must have at most 42 characters."),
        ("Hello-Mule", "The application name must be lowercase."),
        ("hello_mule", "may contain only lowercase letters, digits and hyphens"),
        ("hello.mule", "may contain only lowercase letters, digits and hyphens"),
        ("hello mule", "may contain only lowercase letters, digits and hyphens"),
        ("héllo", "may contain only lowercase letters, digits and hyphens"),
        ("1abc", "The application name must start with a letter."),
        ("-abc", "The application name must start with a letter."),
        ("abc-", "The application name must not end with a hyphen."),
    ],
)
def test_invalid_names_say_what_is_wrong(name, problem):
    assert problem in validate_domain(name)


def test_limits_are_cloudhubs():
    assert (MIN_LENGTH, MAX_LENGTH) == (3, 42)


def test_full_domain():
    assert full_domain("hello-mule") == "hello-mule.cloudhub.io"
