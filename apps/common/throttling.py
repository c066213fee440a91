"""Rate limits, all counted by one client identity (apps/common/client_ip.py).

The API's throttles are DRF's with `get_ident` replaced; the pages' limits (password reset, e-mail
confirmation links) use `rate_limit_hit`, a fixed window in the cache. Counts live in the cache:
set CACHE_URL to Redis in production so every process shares them.
"""

import hashlib
import time

from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from apps.common.client_ip import client_ip

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RateLimited(Exception):
    """A page's limit is reached: the view answers 429 with this message."""


def parse_rate(rate: str) -> tuple[int, int]:
    """Parse a rate: "5/hour" → (5, 3600); the unit's first letter counts, as in DRF. ValueError on anything else."""
    try:
        count, period = rate.split("/")
        number, seconds = int(count), PERIODS[period.strip()[0].lower()]
    except (ValueError, KeyError, IndexError):
        raise ValueError(f"{rate!r} is not a rate such as 5/hour") from None
    if number < 1:
        raise ValueError(f"{rate!r}: the number of requests must be at least 1")
    return number, seconds


def rate_limit_hit(*, scope: str, key: str, rate: str) -> bool:
    """Count one request of `key` in `scope`; True when it goes over `rate` (it must then be refused).

    A fixed window: at most `number` requests per window of `seconds`. The key is hashed, so an
    e-mail address or a client address never appears in the cache's keys.
    """
    number, seconds = parse_rate(rate)
    window = int(time.time() // seconds)
    digest = hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{window}:{digest}"
    cache.add(cache_key, 0, timeout=seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=seconds + 1)
        count = 1
    return count > number


class ClientAnonRateThrottle(AnonRateThrottle):
    """DRF's anonymous limit, counted by the client's address as client_ip() determines it."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request)


class ClientUserRateThrottle(UserRateThrottle):
    """DRF's per-user limit; anonymous requests are counted by client_ip()."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request)
