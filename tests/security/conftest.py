"""The API tests' JSON client, for the security tests."""

from tests.api.conftest import api  # noqa: F401  (a fixture, used by name)
