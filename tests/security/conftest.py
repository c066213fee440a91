import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_counts():
    """Rate-limit counts live in the cache (locmem in tests): each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def behind_one_proxy(settings):
    """The production shape: one proxy (on 127.0.0.1, the test client's socket address) appends to X-Forwarded-For."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_NETWORKS = []
    return settings
