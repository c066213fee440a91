"""Who is asking: the one client identity every limit counts by (API throttles, login lockout, exports).

The address is the socket's (REMOTE_ADDR) unless a trusted reverse proxy is configured, because any
client can write an `X-Forwarded-For` header: counting by it (or by the whole header, as DRF does
without NUM_PROXIES) lets a client rotate the header and escape every limit.

Two settings describe the proxies in front of the app (read from the environment in settings/base.py):

- `TRUSTED_PROXIES`: the networks of our own proxies. A request whose socket address is not one of
  them is taken at its socket address, whatever it says. From one that is, `X-Forwarded-For` is read
  from the right, skipping our proxies' addresses; the first other address is the client.
- `TRUSTED_PROXY_COUNT`: how many proxies append to `X-Forwarded-For` (when their addresses are not
  known in advance). The client is the n-th address from the right. With `TRUSTED_PROXIES` too, the
  socket address must also be a trusted proxy.

Anything malformed falls back to the nearest address we trust, never to a value the client chose.
"""

import ipaddress
from collections.abc import Sequence
from typing import Any

from django.conf import settings

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
UNKNOWN = "0.0.0.0"


def parse_networks(values: Sequence[str]) -> list[IPNetwork]:
    """Networks from strings ("10.0.0.0/8", "172.18.0.2"); a bad value raises ValueError naming it."""
    networks = []
    for value in values:
        text = value.strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise ValueError(f"{text!r} is not an IP address or network (e.g. 172.16.0.0/12)") from None
    return networks


def _address(text: str) -> IPAddress | None:
    """An address from a header entry or REMOTE_ADDR: plain, "[v6]:port" or "v4:port"; None if malformed."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # an IPv4 address with a port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: IPAddress, networks: Sequence[IPNetwork]) -> bool:
    return any(address in network for network in networks)


def client_ip_from(
    *, remote_addr: str, forwarded_for: str, trusted_proxies: Sequence[IPNetwork], proxy_count: int
) -> str:
    """The client's address from the socket address and X-Forwarded-For, given the trusted proxies."""
    # No socket address (a Unix socket, a request built in code): the unspecified address stands for it.
    remote = _address(remote_addr) or ipaddress.ip_address(UNKNOWN)
    if not trusted_proxies and proxy_count < 1:
        return str(remote)
    if trusted_proxies and not _trusted(remote, trusted_proxies):
        return str(remote)  # not from our proxy: its X-Forwarded-For is the client's own words
    hops = [entry for entry in forwarded_for.split(",") if entry.strip()] if forwarded_for else []
    if proxy_count >= 1:
        if len(hops) < proxy_count:
            return str(remote)  # fewer entries than our proxies append: the request bypassed one
        candidate = _address(hops[-proxy_count])
        return str(candidate) if candidate is not None else str(remote)
    nearest = remote
    for entry in reversed(hops):
        address = _address(entry)
        if address is None:
            break  # a garbled entry can only come from the client's side of our proxies
        nearest = address
        if not _trusted(address, trusted_proxies):
            break
    return str(nearest)


def client_ip(request: Any) -> str:
    """The client's address as every limit counts it (a Django HttpRequest or a DRF Request)."""
    meta = request.META
    return client_ip_from(
        remote_addr=meta.get("REMOTE_ADDR", ""),
        forwarded_for=meta.get("HTTP_X_FORWARDED_FOR", ""),
        trusted_proxies=settings.TRUSTED_PROXY_NETWORKS,
        proxy_count=settings.TRUSTED_PROXY_COUNT,
    )
