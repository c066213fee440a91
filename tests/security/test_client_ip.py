"""Limits count by the socket's address unless a proxy is declared: a rotated X-Forwarded-For escapes none."""

import ipaddress

import pytest
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from apps.common.client_ip import client_ip_from, parse_networks

pytestmark = pytest.mark.django_db

NETS = parse_networks(["10.0.0.0/8"])


@pytest.mark.parametrize(
    ("remote", "forwarded", "networks", "count", "expected"),
    [
        # No proxy declared: the header is the client's own words.
        ("198.51.100.9", "1.2.3.4", [], 0, "198.51.100.9"),
        # One proxy appends: the client is the rightmost entry, whatever it wrote to the left.
        ("10.0.0.2", "6.6.6.6, 203.0.113.7", [], 1, "203.0.113.7"),
        ("10.0.0.2", "9.9.9.9, 8.8.8.8, 203.0.113.7", [], 2, "8.8.8.8"),
        # Fewer entries than proxies: a proxy was bypassed; the socket stands.
        ("10.0.0.2", "", [], 1, "10.0.0.2"),
        # Declared proxy networks: skip our hops from the right; the first other address is the client.
        ("10.0.0.2", "6.6.6.6, 203.0.113.7, 10.0.0.5", NETS, 0, "203.0.113.7"),
        # A request not from our proxy is taken at its socket, whatever it says.
        ("198.51.100.9", "203.0.113.7", NETS, 0, "198.51.100.9"),
        ("198.51.100.9", "203.0.113.7", NETS, 1, "198.51.100.9"),
        # Malformed entries never become the identity.
        ("10.0.0.2", "not-an-address", [], 1, "10.0.0.2"),
        ("10.0.0.2", "garbage, 10.0.0.7", NETS, 0, "10.0.0.7"),
        # Ports and IPv4-mapped IPv6 addresses name the same client.
        ("10.0.0.2", "203.0.113.7:5555", [], 1, "203.0.113.7"),
        ("::ffff:198.51.100.9", "", [], 0, "198.51.100.9"),
        # No socket address at all (a request built in code).
        ("", "1.2.3.4", [], 0, "0.0.0.0"),
    ],
)
def test_the_client_is_who_the_trusted_hops_say(remote, forwarded, networks, count, expected):
    result = client_ip_from(remote_addr=remote, forwarded_for=forwarded, trusted_proxies=networks, proxy_count=count)
    assert result == expected
    ipaddress.ip_address(result)  # always an address: the lockout stores it in an inet column


def test_a_bad_trusted_proxy_value_is_refused():
    with pytest.raises(ValueError, match="not-a-net"):
        parse_networks(["10.0.0.0/8", "not-a-net"])


@pytest.fixture
def low_anon_rate(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/minute", raising=False)
    monkeypatch.setattr(UserRateThrottle, "rate", "3/minute", raising=False)


def test_rotating_x_forwarded_for_does_not_escape_the_api_limit(reference_data, client, low_anon_rate):
    statuses = [client.get("/api/v1/cycles/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(1, 6)]
    assert statuses == [200, 200, 200, 429, 429]
    assert client.get("/api/v1/cycles/", HTTP_X_FORWARDED_FOR="198.51.100.1").json()["error"]["code"] == "throttled"


def test_behind_a_declared_proxy_the_spoofed_left_part_does_not_escape_the_limit(
    reference_data, client, low_anon_rate, behind_one_proxy
):
    # The proxy appends the real address (203.0.113.7) after whatever the client wrote.
    statuses = [
        client.get("/api/v1/cycles/", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7").status_code for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]


def test_behind_a_declared_proxy_each_real_client_has_its_own_count(
    reference_data, client, low_anon_rate, behind_one_proxy
):
    for _ in range(3):
        assert client.get("/api/v1/cycles/", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 200
    assert client.get("/api/v1/cycles/", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert client.get("/api/v1/cycles/", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200


def test_rotating_x_forwarded_for_does_not_escape_the_token_endpoint_limit(reference_data, client, advocate, settings):
    settings.AXES_FAILURE_LIMIT = 1000  # this test is about the throttle, not the lockout
    statuses = [
        client.post(
            "/api/v1/auth/token/",
            {"username": f"nobody{n}", "password": "guess"},
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(22)
    ]
    assert statuses[:20] == [401] * 20
    assert statuses[20:] == [429, 429]
