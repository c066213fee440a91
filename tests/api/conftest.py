"""The API tests use the root conftest's `api` fixture; these names stay importable from here."""

from tests.clients import API, ApiClient, error_of

__all__ = ["API", "ApiClient", "error_of"]
